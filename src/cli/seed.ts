import path from 'node:path';
import { openApp } from '../app.js';
import { DEFAULT_SEEDS_DIR, deliverSeedAlerts, seedDocuments, type SeedSummary } from '../ops/seed.js';
import { seedFolderProblem } from '../seed/documents.js';
import type { CommandContext } from './context.js';
import { UsageError } from './context.js';
import { Progress } from './progress.js';

export async function seedCommand(opts: { dir?: string; alert?: boolean; timeout?: string; json?: boolean }, ctx: CommandContext): Promise<number> {
  const dir = path.resolve(opts.dir ?? DEFAULT_SEEDS_DIR);
  const timeoutSeconds = opts.timeout === undefined ? 600 : Number(opts.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError(`--timeout takes a number of seconds, got "${opts.timeout}"`);
  // Checked before Redis is needed (and before a private redis-server starts for nothing).
  const problem = seedFolderProblem(dir);
  if (problem !== null) {
    ctx.err.write(`marsad seed: ${problem}\n`);
    return 1;
  }
  const app = await openApp({ log: ctx.log });
  try {
    const summary = await seedDocuments(app, dir, { timeoutMs: timeoutSeconds * 1000, progress: new Progress('seed', ctx.err) });
    if (opts.alert) {
      await app.subscribers.syncFromConfig(app.config.subscribers);
      summary.deliveries = await deliverSeedAlerts(app, summary, timeoutSeconds * 1000);
    }
    if (opts.json) ctx.out.write(JSON.stringify(summary, null, 2) + '\n');
    else ctx.out.write(formatSummary(summary));
    return summary.failed > 0 || summary.problems.length > 0 ? 1 : 0;
  } finally {
    await app.close();
  }
}

function formatSummary(s: SeedSummary): string {
  const unreadable = s.problems.length > 0 ? `; ${s.problems.length} problem${s.problems.length === 1 ? '' : 's'} with files of the folder (below, marked !)` : '';
  const lines = [`${s.dir}: ${s.documents} documents, ${s.new} new, ${s.known} already known, ${s.failed} failed, ${s.duplicates} duplicates${unreadable}`];
  for (const o of s.outcomes) {
    if (o.status === 'failed') {
      lines.push(`  ✗ ${o.file}: ${o.error}`);
      continue;
    }
    const a = o.article;
    const dup = a?.duplicateOf ? `  duplicate of ${a.duplicateOf} (${a.duplicateMatch})` : '';
    lines.push(`  ${o.status === 'new' ? '+' : '='} ${o.file} → ${o.id}  ${a?.title ?? '(no headline in the text)'}`);
    lines.push(`      published ${a?.published ?? 'unknown'}; bases ${a?.bases.join(', ') || '-'}; milestones ${a?.milestones.join(', ') || '-'}${dup}`);
  }
  for (const p of s.problems) lines.push(`  ! ${p}`);
  if (s.deliveries) {
    lines.push(`alerts delivered on request (--alert): ${s.deliveries.length} deliveries`);
    for (const d of s.deliveries) lines.push(`  ${d.status === 'sent' ? '✓' : '…'} ${d.id} to ${d.subscriberId}: ${d.status}${d.lastError ? ` (${d.lastError})` : ''}`);
  }
  return lines.join('\n') + '\n';
}
