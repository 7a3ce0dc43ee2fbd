import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { App } from '../app.js';
import { collectFeeds } from '../ops/feeds.js';
import type { ServerContext } from './context.js';
import { collectDeliveryCounts, collectQueues, DELIVERY_SAMPLE } from '../ops/overview.js';

const QUEUE_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'] as const;

/** One read shared by the gauges that need it: prom-client collects them all at once on a scrape. */
function perScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () =>
    (pending ??= read().finally(() => {
      pending = null;
    }));
}

/**
 * `/metrics` in the Prometheus text format, from a registry of this server's own. Gauges are read from
 * Redis when scraped (their `collect`), at a cost bounded by the number of queues and feeds (and
 * DELIVERY_SAMPLE records for deliveries by status). Job durations come from the workers of this process
 * only (`marsad run`; a `marsad dashboard` process has none, so the histogram stays empty there): scrape
 * each worker process, or read durations from bull-board. Needs a role like every non-public route
 * (Prometheus: `authorization: {credentials_file: …}` with the read-only token).
 */
export async function registerMetrics(server: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { app } = ctx;
  const register = new Registry();
  collectDefaultMetrics({ register });
  const queues = perScrape(() => collectQueues(app));
  const feeds = perScrape(() => collectFeeds(app));

  new Gauge({
    name: 'marsad_queue_jobs',
    help: 'Jobs in each BullMQ queue by state',
    labelNames: ['queue', 'state'],
    registers: [register],
    async collect() {
      for (const [queue, q] of Object.entries(await queues())) for (const state of QUEUE_STATES) this.set({ queue, state }, q[state]);
    },
  });
  new Gauge({
    name: 'marsad_queue_workers',
    help: 'Workers attached to each queue, in every process',
    labelNames: ['queue'],
    registers: [register],
    async collect() {
      for (const [queue, q] of Object.entries(await queues())) this.set({ queue }, q.workers);
    },
  });
  new Gauge({
    name: 'marsad_queue_oldest_waiting_seconds',
    help: 'Age of the job that has waited longest in each queue (0 when none waits)',
    labelNames: ['queue'],
    registers: [register],
    async collect() {
      for (const [queue, q] of Object.entries(await queues())) this.set({ queue }, q.oldestWaitingSeconds ?? 0);
    },
  });
  const durations = new Histogram({
    name: 'marsad_job_duration_seconds',
    help: 'Processing time of the jobs run by the workers of this process',
    labelNames: ['queue', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [register],
  });
  const feedGauge = (name: string, help: string, value: (f: Awaited<ReturnType<typeof collectFeeds>>[number]) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['feed'],
      registers: [register],
      async collect() {
        this.reset();
        for (const f of await feeds()) {
          const v = value(f);
          if (v !== null) this.set({ feed: f.id }, v);
        }
      },
    });
  feedGauge('marsad_feed_last_success_timestamp_seconds', 'Unix time of the last successful poll of each feed (absent until one succeeds)', (f) =>
    f.lastSuccessAt === null ? null : Date.parse(f.lastSuccessAt) / 1000,
  );
  feedGauge('marsad_feed_failures', 'Weighted poll failures of each feed since its last success (failing at 3)', (f) => f.failures);
  feedGauge('marsad_feed_failing', '1 when the feed is failing', (f) => (f.status === 'failing' ? 1 : 0));
  feedGauge('marsad_feed_stale', '1 when the feed has published nothing new for unusually long', (f) => (f.stale ? 1 : 0));
  const single = (name: string, help: string, read: () => Promise<number>) =>
    new Gauge({
      name,
      help,
      registers: [register],
      async collect() {
        this.set(await read());
      },
    });
  single('marsad_articles', 'Articles in the store, reprints included', () => app.store.countArticles());
  single('marsad_duplicate_articles', 'Articles recognised as reprints of another', () => app.store.countDuplicates());
  single('marsad_alerts', 'Alerts in the alert log', () => app.alerts.countAlerts());
  new Gauge({
    name: 'marsad_deliveries',
    help: `Delivery records by status (over the newest ${DELIVERY_SAMPLE}; status "dead" is exact)`,
    labelNames: ['status'],
    registers: [register],
    async collect() {
      const counts = await collectDeliveryCounts(app);
      for (const [status, n] of Object.entries(counts.byStatus)) this.set({ status }, status === 'dead' ? counts.dead : n);
    },
  });

  const stopObserving = app.queues.onJobDone(({ stage, outcome, durationMs }) => durations.observe({ queue: stage, outcome }, durationMs / 1000));
  server.addHook('onClose', async () => {
    stopObserving();
  });

  server.get('/metrics', async (_req, reply) => {
    reply.header('content-type', register.contentType).header('cache-control', 'no-store');
    return register.metrics();
  });
}
