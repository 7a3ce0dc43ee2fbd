import type { FastifyInstance } from 'fastify';
import { openApp, type App } from '../../src/app.js';
import type { Delivery } from '../../src/alerts/model.js';
import { DEFAULT_SEEDS_DIR, seedDocuments } from '../../src/ops/seed.js';
import { createLogger } from '../../src/log.js';
import { DOCUMENT_STAGES, type Stage } from '../../src/queues/names.js';
import { createServer } from '../../src/server/server.js';
import { queuesSettled } from '../support/alerts-harness.js';
import { PIPELINE_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';

export const OPERATOR_TOKEN = 'operator-token-0123456789abcdef';
export const READER_TOKEN = 'reader-token-0123456789abcdef';

export interface Dashboard {
  app: App;
  server: FastifyInstance;
  /** http://127.0.0.1:PORT */
  base: string;
  close(): Promise<void>;
}

/**
 * A dashboard on a loopback port of its own over a key prefix of its own, optionally with workers
 * (started before the server, like `marsad run`) and the seeds through the pipeline.
 */
export async function startDashboard(name: string, opts: { env?: Record<string, string | undefined>; workers?: readonly Stage[]; seed?: boolean } = {}): Promise<Dashboard> {
  const url = testRedisUrl();
  const prefix = testPrefix(name);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: url,
    MARSAD_PREFIX: prefix,
    MARSAD_LOG_LEVEL: 'silent',
    MARSAD_DASHBOARD_TOKEN: OPERATOR_TOKEN,
    MARSAD_DASHBOARD_READONLY_TOKEN: READER_TOKEN,
    ...opts.env,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const app = await openApp({ log: createLogger(env), env });
  if (opts.workers) app.startWorkers(opts.workers);
  const server = await createServer(app);
  const base = await server.listen({ host: '127.0.0.1', port: 0 });
  // After the server, so that its metrics see the workers' jobs.
  if (opts.seed) {
    const summary = await seedDocuments(app, DEFAULT_SEEDS_DIR, { timeoutMs: PIPELINE_MS });
    if (summary.failed > 0) throw new Error(`seeding failed: ${JSON.stringify(summary.outcomes.filter((o) => o.error))}`);
    // The seeds are through; their last jobs complete just after: counts and metrics are final once they have.
    await queuesSettled(app, DOCUMENT_STAGES);
  }
  return {
    app,
    server,
    base,
    async close() {
      await server.close();
      await app.close();
      await deleteKeys(url, prefix);
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A delivery record as the deliver stage leaves it after its last attempt. */
export async function putDelivery(app: App, id: string, status: Delivery['status']): Promise<void> {
  const now = new Date().toISOString();
  const delivery: Delivery = {
    id,
    subscriberId: 'desk',
    channel: 'webhook',
    alertIds: ['al-0000000000000001'],
    digest: null,
    status,
    attempts: 8,
    attemptStartedAt: null,
    lastError: 'HTTP 500',
    lastResponse: '500 Internal Server Error',
    createdAt: now,
    updatedAt: now,
    sentAt: null,
  };
  await app.alerts.createDelivery(delivery);
  await app.alerts.updateDelivery(delivery);
}
