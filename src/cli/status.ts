import { openApp } from '../app.js';
import { STAGES } from '../queues/names.js';
import { maskUrl } from '../redis/connection.js';
import type { CommandContext } from './main.js';

export interface StatusReport {
  redis: { url: string; privateServer: boolean; prefix: string };
  queues: Record<string, { waiting: number; active: number; delayed: number; completed: number; failed: number; workers: number }>;
  articles: number;
  duplicates: number;
}

export async function collectStatus(app: Awaited<ReturnType<typeof openApp>>): Promise<StatusReport> {
  const queues: StatusReport['queues'] = {};
  for (const stage of STAGES) {
    const q = app.queues[stage];
    const [counts, workers] = await Promise.all([q.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed'), q.getWorkersCount()]);
    queues[stage] = {
      waiting: counts.waiting ?? 0,
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
      workers,
    };
  }
  return {
    redis: { url: maskUrl(app.endpoint.url), privateServer: app.endpoint.privateServer, prefix: app.config.settings.redis.prefix },
    queues,
    articles: await app.store.countArticles(),
    duplicates: await app.store.countDuplicates(),
  };
}

export async function statusCommand(opts: { json?: boolean }, ctx: CommandContext): Promise<number> {
  const app = await openApp({ log: ctx.log });
  try {
    const report = await collectStatus(app);
    if (opts.json) {
      ctx.out.write(JSON.stringify(report, null, 2) + '\n');
      return 0;
    }
    ctx.out.write(`redis ${report.redis.url} (prefix ${report.redis.prefix}${report.redis.privateServer ? ', private server' : ''})\n`);
    ctx.out.write(`${'queue'.padEnd(8)} waiting  active delayed completed  failed workers\n`);
    for (const [name, c] of Object.entries(report.queues)) {
      ctx.out.write(
        `${name.padEnd(8)} ${String(c.waiting).padStart(7)} ${String(c.active).padStart(7)} ${String(c.delayed).padStart(7)} ${String(c.completed).padStart(9)} ${String(c.failed).padStart(7)} ${String(c.workers).padStart(7)}\n`,
      );
    }
    ctx.out.write(`articles ${report.articles}, of which duplicates ${report.duplicates}\n`);
    return 0;
  } finally {
    await app.close();
  }
}
