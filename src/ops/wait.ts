import type { Delivery } from '../alerts/model.js';
import type { App } from '../app.js';
import type { Article } from '../model.js';
import { payloadFor } from '../queues/jobs.js';
import type { Stage } from '../queues/names.js';

/** Where a long wait reports how far it is (the CLI draws it on stderr). */
export interface ProgressSink {
  update(done: number, total: number): void;
  done(): void;
}

/** How often the wait re-reads the store: cheap (one MGET), and it sees workers in any process. */
const POLL_MS = 200;
const FAILURE_CHECK_MS = 2000;

/**
 * Starts in-process workers for the stages no process serves, so a command works on its own. An alert
 * stage started here routes alerts to the subscribers of subscribers.yaml: they are loaded first, else
 * on a fresh Redis its alerts would be recorded and routed to nobody (and never again).
 */
export async function ensureWorkers(app: App, stages: readonly Stage[]): Promise<Stage[]> {
  const counts = await Promise.all(stages.map((s) => app.queues.workersCount(s)));
  const idle = stages.filter((_, i) => counts[i] === 0);
  if (idle.includes('alert')) await app.subscribers.syncFromConfig(app.config.subscribers);
  if (idle.length > 0) {
    app.log.info({ stages: idle }, 'no worker attached to these stages: running them in this process');
    app.startWorkers(idle);
  }
  return idle;
}

/**
 * Waits until every document is an article through the alert stage, or its job failed for good, or
 * the timeout passed. Returns each document's error (null when it came through).
 */
export async function waitThroughPipeline(
  app: App,
  ids: readonly string[],
  stages: readonly Stage[],
  opts: { timeoutMs: number; progress?: ProgressSink | undefined },
): Promise<Map<string, string | null>> {
  const results = new Map<string, string | null>();
  const pending = new Set(ids);
  const deadline = Date.now() + opts.timeoutMs;
  let lastFailureCheck = 0;
  let lastFailedCounts = '';
  while (pending.size > 0) {
    const articles = await app.store.getArticles([...pending]);
    for (const a of articles) {
      if (a.stage === 'alerted') {
        pending.delete(a.id);
        results.set(a.id, null);
      }
    }
    // Looking up every pending job is the costly part: do it when a queue's failed count moved (a
    // permanent failure shows at once), else every FAILURE_CHECK_MS (the count stalls at its bound).
    const failedCounts = pending.size > 0 ? (await Promise.all(stages.map(async (s) => (await app.queues.jobCounts(s)).failed))).join(',') : lastFailedCounts;
    if (failedCounts !== lastFailedCounts || Date.now() - lastFailureCheck > FAILURE_CHECK_MS) {
      lastFailedCounts = failedCounts;
      lastFailureCheck = Date.now();
      for (const id of pending) {
        const error = await permanentFailure(app, id, articles.find((a) => a.id === id) ?? null);
        if (error) {
          pending.delete(id);
          results.set(id, error);
        }
      }
    }
    opts.progress?.update(ids.length - pending.size, ids.length);
    if (pending.size === 0) break;
    if (Date.now() > deadline) {
      for (const id of pending) results.set(id, 'not through the pipeline before the timeout (are the workers running? see marsad status)');
      break;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  opts.progress?.done();
  return results;
}

/** The reason a document will never get through, once the job of the stage it waits in has failed for good. */
async function permanentFailure(app: App, id: string, article: Article | null): Promise<string | null> {
  const next = { cleaned: 'dedup', deduped: 'tag', tagged: 'story', grouped: 'alert', alerted: 'alert' } as const;
  const stage = article !== null ? next[article.stage] : (await app.store.getDocument(id)) ? 'clean' : 'fetch';
  const reason = await app.queues.failure(stage, payloadFor(stage, id));
  return reason === null ? null : `${stage}: ${reason}`;
}

/** Queues the deliveries, runs a deliver worker here when no process serves the stage, and waits for each first attempt. */
export async function sendAndWait(app: App, deliveryIds: readonly string[], timeoutMs: number): Promise<Delivery[]> {
  await app.queues.enqueueMany('deliver', deliveryIds.map((deliveryId) => ({ deliveryId })));
  if (deliveryIds.length > 0) await ensureWorkers(app, ['deliver']);
  const deadline = Date.now() + timeoutMs;
  let deliveries = await app.alerts.getDeliveries(deliveryIds);
  while (deliveries.some((d) => d.status === 'pending') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    deliveries = await app.alerts.getDeliveries(deliveryIds);
  }
  return deliveries;
}
