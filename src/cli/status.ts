import { openApp } from '../app.js';
import { collectFeeds } from '../ops/feeds.js';
import { collectDeliveryCounts, collectMilestones } from '../ops/overview.js';
import { readiness } from '../ops/readiness.js';
import { collectStatus } from '../ops/status.js';
import type { CommandContext } from './context.js';

/**
 * `marsad status`: the health summary the status page shows, in the terminal: readiness, queues,
 * feeds, milestones, alerts and deliveries.
 */
export async function statusCommand(opts: { json?: boolean }, ctx: CommandContext): Promise<number> {
  const app = await openApp({ log: ctx.log });
  try {
    const [report, ready, feeds, milestones, deliveries, alerts] = await Promise.all([
      collectStatus(app),
      readiness(app),
      collectFeeds(app),
      collectMilestones(app, 1),
      collectDeliveryCounts(app),
      app.alerts.countAlerts(),
    ]);
    if (opts.json) {
      ctx.out.write(JSON.stringify({ ...report, ready, feeds, milestones, alerts, deliveries }, null, 2) + '\n');
      return 0;
    }
    ctx.out.write(`${ready.ready ? 'READY' : 'NOT READY'}${ready.reasons.length ? `: ${ready.reasons.join('; ')}` : ''}\n`);
    ctx.out.write(`redis ${report.redis.url} (prefix ${report.redis.prefix}${report.redis.privateServer ? ', private server' : ''}, maxmemory-policy ${ready.maxmemoryPolicy})\n\n`);
    ctx.out.write(`${'queue'.padEnd(8)} waiting  active delayed completed  failed workers\n`);
    for (const [name, c] of Object.entries(report.queues)) {
      ctx.out.write(
        `${name.padEnd(8)} ${String(c.waiting).padStart(7)} ${String(c.active).padStart(7)} ${String(c.delayed).padStart(7)} ${String(c.completed).padStart(9)} ${String(c.failed).padStart(7)} ${String(c.workers).padStart(7)}\n`,
      );
    }
    const failing = feeds.filter((f) => f.status === 'failing').map((f) => f.id);
    const stale = feeds.filter((f) => f.stale).map((f) => f.id);
    ctx.out.write(`\nfeeds: ${feeds.length}, failing ${failing.length}${failing.length ? ` (${failing.join(', ')})` : ''}, stale ${stale.length}${stale.length ? ` (${stale.join(', ')})` : ''}\n`);
    ctx.out.write(`articles ${report.articles}, of which duplicates ${report.duplicates}; alerts ${alerts}; deliveries ${deliveries.total} (dead ${deliveries.dead}; ${Object.entries(deliveries.byStatus).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'})\n\n`);
    for (const m of milestones) {
      const last = m.latestMentions[0];
      ctx.out.write(`${m.id} (due ${m.due}): ${m.reportsLast7Days} report${m.reportsLast7Days === 1 ? '' : 's'} in 7 days${last ? `; latest ${last.date} ${last.outlet ?? ''} «${(last.title ?? '').slice(0, 80)}»` : ''}\n`);
    }
    return 0;
  } finally {
    await app.close();
  }
}
