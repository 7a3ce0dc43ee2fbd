import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deliveryId } from '../../src/alerts/decide.js';
import type { App } from '../../src/app.js';
import { retryDelivery } from '../../src/ops/deliveries.js';
import { pollFeedsOnce } from '../../src/ops/feeds.js';
import { DELIVERY_ATTEMPTS } from '../../src/deliver/backoff.js';
import {
  alertEnv,
  configDir,
  deliveriesSettled,
  deliveryJob,
  feedEntry,
  fixture,
  newSecret,
  openAlertApp,
  promoteRetry,
  waitForDelivery,
  waitForJobState,
  alertIdOf,
} from '../support/alerts-harness.js';
import { FeedSite } from '../support/feed-site.js';
import { INTERVAL_MS, PIPELINE_MS, SLOW_TEST_MS, WAIT_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

// Retries (moved along with BullMQ's promote instead of waiting out the backoff), dead letter and replay.
let url: string;
let prefix: string;
let app: App;
let site: FeedSite;
const secrets = { flaky: newSecret(), down: newSecret() };
const flaky = new WebhookReceiver(secrets.flaky);
const down = new WebhookReceiver(secrets.down);

async function articleId(slug: string): Promise<string> {
  const articles = await app.store.getArticles(await app.store.listArticleIds({}, 0));
  const a = articles.find((x) => x.origin.kind === 'feed' && x.origin.url.endsWith(`/news/${slug}.html`));
  if (!a) throw new Error(`no article ${slug}`);
  return a.id;
}

async function waitRequests(receiver: WebhookReceiver, n: number): Promise<void> {
  await vi.waitFor(() => expect(receiver.requests.length, 'requests the receiver got').toBeGreaterThanOrEqual(n), { timeout: WAIT_MS, interval: INTERVAL_MS });
}

beforeAll(async () => {
  url = testRedisUrl();
  prefix = testPrefix('alerts-retry');
  site = new FeedSite([fixture('ain-al-asad-convoy')], new Date());
  await Promise.all([site.start(), flaky.start(), down.start()]);
  const dir = configDir({
    feeds: `feeds:\n${feedEntry('fixture-daily', `${site.baseUrl}/feed.xml`, 'Fixture Daily')}`,
    subscribers: `subscribers:
  - id: flaky-hook
    channel: webhook
    url: ${flaky.url}
    secret: ${secrets.flaky}
    filters: { milestones: [ain-al-asad-exit] }
  - id: down-hook
    channel: webhook
    url: ${down.url}
    secret: ${secrets.down}
    filters: { milestones: [harir-exit] }
`,
  });
  app = await openAlertApp(alertEnv(url, prefix, dir));
}, SLOW_TEST_MS);

afterAll(async () => {
  await app?.close();
  await Promise.all([site?.stop(), flaky.stop(), down.stop()]);
  if (url) await deleteKeys(url, prefix);
});

// Each test puts a feed through the pipeline and then waits on several states in turn.
describe('a receiver that is down for its first attempts', { timeout: SLOW_TEST_MS }, () => {
  it('gets the alert once it is back, with the same webhook-id every time', async () => {
    flaky.reply({ status: 500, body: 'deploying' }, { status: 503, body: 'still deploying' });
    await pollFeedsOnce(app, app.config.feeds, { timeoutMs: PIPELINE_MS });
    const alert = await alertIdOf(app, await articleId('ain-al-asad-convoy'), 'ain-al-asad-exit');
    const id = deliveryId(alert, 'flaky-hook');

    await waitRequests(flaky, 1);
    const afterFirst = await waitForDelivery(app, id, (d) => d.status === 'retrying' && d.attemptStartedAt === null);
    expect(afterFirst).toMatchObject({ attempts: 1, lastError: 'receiver answered HTTP 500' });
    // BullMQ scheduled the retry 5 s ± 20 % out: its job is delayed, not failed.
    const job = (await deliveryJob(app, id))!;
    await promoteRetry(app, id);
    await waitRequests(flaky, 2);
    await waitForDelivery(app, id, (d) => d.attempts === 2 && d.attemptStartedAt === null);
    // The second retry would be 5 min out. The record is saved inside the processor, before BullMQ moves
    // the job: wait for the move, then read the job.
    const delayed = await waitForJobState(app, id, 'delayed');
    expect(delayed.delay).toBeGreaterThanOrEqual(4 * 60_000);
    // `marsad deliveries retry` on a delivery waiting for its retry runs that retry now, and adds no second job.
    expect(await retryDelivery(app, id)).toBe(`✓ ${id}: queued again`);
    await waitRequests(flaky, 3);
    const sent = await waitForDelivery(app, id, (d) => d.status === 'sent');
    expect(sent).toMatchObject({ attempts: 3, lastError: null, attemptStartedAt: null });
    expect((await waitForJobState(app, id, 'completed')).id).toBe(job.id);
    const jobs = await app.queues.queuesForBoard().deliver.getJobs(['completed', 'failed', 'delayed', 'waiting', 'active']);
    expect(jobs.filter((j) => (j.data as { deliveryId: string }).deliveryId === id)).toHaveLength(1);

    expect(flaky.requests.map((r) => r.verified)).toEqual([true, true, true]);
    expect(new Set(flaky.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([alert]));
    // One message: the body is the same on every attempt; only the signature's timestamp moves.
    expect(new Set(flaky.requests.map((r) => r.body.toString('utf8'))).size).toBe(1);
    // Nothing more comes once the queue has nothing left to send.
    await deliveriesSettled(app);
    expect(flaky.requests).toHaveLength(3);
  });
});

describe('a receiver that stays down', { timeout: SLOW_TEST_MS }, () => {
  it('sends the delivery to dead letter after every attempt, and a replay delivers it once it is back', async () => {
    down.reply(...Array.from({ length: DELIVERY_ATTEMPTS }, () => ({ status: 500, body: 'down' })));
    site.setArticles([fixture('ain-al-asad-convoy'), fixture('harir-handover-talks')]);
    await pollFeedsOnce(app, app.config.feeds, { timeoutMs: PIPELINE_MS });
    const alert = await alertIdOf(app, await articleId('harir-handover-talks'), 'harir-exit');
    const id = deliveryId(alert, 'down-hook');

    for (let attempt = 1; attempt < DELIVERY_ATTEMPTS; attempt++) {
      await waitRequests(down, attempt);
      await promoteRetry(app, id);
    }
    await waitRequests(down, DELIVERY_ATTEMPTS);
    const dead = await waitForDelivery(app, id, (d) => d.status === 'dead');
    expect(dead).toMatchObject({ attempts: DELIVERY_ATTEMPTS, lastError: 'receiver answered HTTP 500', attemptStartedAt: null });
    expect(await app.alerts.listDeliveryIds(0, 'dead')).toEqual([id]);
    // Dead on the record (saved by the processor) is failed for BullMQ once it has moved the job.
    const job = await waitForJobState(app, id, 'failed');
    expect(job.attemptsMade).toBe(DELIVERY_ATTEMPTS);

    // Back, after one more hiccup: the replay has a fresh set of attempts, so that hiccup is a retry, not dead again.
    down.reply({ status: 502, body: 'warming up' });
    expect(await retryDelivery(app, id)).toBe(`✓ ${id}: queued again`);
    await waitRequests(down, DELIVERY_ATTEMPTS + 1);
    const retrying = await waitForDelivery(app, id, (d) => d.attemptStartedAt === null && d.attempts === DELIVERY_ATTEMPTS + 1);
    expect(retrying.status).toBe('retrying');
    expect(await app.alerts.listDeliveryIds(0, 'dead')).toEqual([]);
    await promoteRetry(app, id);
    const sent = await waitForDelivery(app, id, (d) => d.status === 'sent');
    expect(sent.attempts).toBe(DELIVERY_ATTEMPTS + 2);
    expect(await app.alerts.listDeliveryIds(0, 'dead')).toEqual([]);
    expect(down.requests).toHaveLength(DELIVERY_ATTEMPTS + 2);
    expect(new Set(down.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([alert]));
    expect(down.requests.every((r) => r.verified)).toBe(true);

    // Nothing to replay on a sent delivery.
    expect(await retryDelivery(app, id)).toBe(`✗ ${id}: it is sent, nothing to retry`);
    await deliveriesSettled(app);
    expect(down.requests).toHaveLength(DELIVERY_ATTEMPTS + 2);
  });
});
