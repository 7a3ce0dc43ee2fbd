import { openApp } from '../app.js';
import { retryDelivery } from '../ops/deliveries.js';
import { alignColumns } from './columns.js';
import type { CommandContext } from './context.js';
import { UsageError } from './context.js';

function limitOf(value: string | undefined): number {
  const limit = value === undefined ? 50 : Number(value);
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--limit takes a whole number, got "${value}"`);
  return limit;
}

/** `marsad alerts [--json] [--limit N]`: the alert log, newest first, with each story's reprints. */
export async function alertsCommand(opts: { json?: boolean; limit?: string }, ctx: CommandContext): Promise<number> {
  const limit = limitOf(opts.limit);
  const app = await openApp({ log: ctx.log });
  try {
    const alerts = await app.alerts.getAlerts(await app.alerts.listAlertIds(limit));
    const withReprints = await Promise.all(alerts.map(async (a) => ({ ...a, alsoReportedBy: await app.store.storyReports(a) })));
    if (opts.json) {
      ctx.out.write(JSON.stringify(withReprints, null, 2) + '\n');
      return 0;
    }
    if (withReprints.length === 0) ctx.out.write('no alerts\n');
    for (const a of withReprints) {
      ctx.out.write(
        `${a.id}  ${a.createdAt}  ${a.milestone.id} (due ${a.milestone.due})${a.baseline ? '  [baseline: not delivered]' : ''}\n` +
          `  ${a.article.title ?? '(no headline)'} — ${a.article.source ?? 'outlet unknown'}, ${a.article.published ?? 'date unknown'}\n` +
          `  «${a.evidence[0]?.text ?? ''}»\n` +
          (a.alsoReportedBy.length > 0 ? `  also reported by: ${a.alsoReportedBy.map((r) => r.source ?? r.id).join(', ')}\n` : ''),
      );
    }
    return 0;
  } finally {
    await app.close();
  }
}

/** `marsad deliveries [--json] [--dead] [--limit N]` and `marsad deliveries retry ID`. */
export async function deliveriesCommand(positionals: string[], opts: { json?: boolean; dead?: boolean; limit?: string }, ctx: CommandContext): Promise<number> {
  const [sub, ...ids] = positionals;
  if (sub !== undefined && sub !== 'retry') throw new UsageError(`unknown deliveries subcommand "${sub}"`);
  if (sub === 'retry' && ids.length === 0) throw new UsageError('give the ids of the deliveries to retry (marsad deliveries --dead lists them)');
  const limit = limitOf(opts.limit);
  const app = await openApp({ log: ctx.log });
  try {
    if (sub === 'retry') {
      let failures = 0;
      for (const id of ids) {
        const message = await retryDelivery(app, id);
        if (message.startsWith('✗')) failures++;
        ctx.out.write(`${message}\n`);
      }
      return failures > 0 ? 1 : 0;
    }
    const deliveries = await app.alerts.getDeliveries(await app.alerts.listDeliveryIds(limit, opts.dead ? 'dead' : undefined));
    if (opts.json) {
      ctx.out.write(JSON.stringify(deliveries, null, 2) + '\n');
      return 0;
    }
    if (deliveries.length === 0) ctx.out.write(opts.dead ? 'no dead deliveries\n' : 'no deliveries\n');
    const heads = alignColumns(deliveries.map((d) => [d.id, d.status.toUpperCase(), `${d.channel} to ${d.subscriberId}, ${d.digest ? `digest of ${d.alertIds.length} alerts` : d.alertIds[0]}`]));
    for (const [i, d] of deliveries.entries()) {
      ctx.out.write(`${heads[i]}\n  attempts ${d.attempts}, updated ${d.updatedAt}${d.sentAt ? `, sent ${d.sentAt}` : ''}${d.lastError ? `\n  last error: ${d.lastError}` : ''}\n`);
    }
    return 0;
  } finally {
    await app.close();
  }
}
