import type { App } from '../app.js';
import { STAGES } from '../queues/names.js';
import { maskUrl } from '../redis/connection.js';

export interface StatusReport {
  redis: { url: string; privateServer: boolean; prefix: string };
  queues: Record<string, { waiting: number; active: number; delayed: number; completed: number; failed: number; workers: number }>;
  articles: number;
  duplicates: number;
}

export async function collectStatus(app: App): Promise<StatusReport> {
  const queues: StatusReport['queues'] = {};
  for (const stage of STAGES) {
    const { waiting, active, delayed, completed, failed, workers } = await app.queues.counts(stage);
    queues[stage] = { waiting, active, delayed, completed, failed, workers };
  }
  return {
    redis: { url: maskUrl(app.endpoint.url), privateServer: app.endpoint.privateServer, prefix: app.config.settings.redis.prefix },
    queues,
    articles: await app.store.countArticles(),
    duplicates: await app.store.countDuplicates(),
  };
}
