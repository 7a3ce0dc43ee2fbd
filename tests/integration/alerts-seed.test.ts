import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertId, deliveryId } from '../../src/alerts/decide.js';
import type { App } from '../../src/app.js';
import { DEFAULT_SEEDS_DIR, deliverSeedAlerts, seedDocuments, type SeedSummary } from '../../src/ops/seed.js';
import type { MilestoneMentionedBody } from '../../src/deliver/webhook.js';
import { alertEnv, configDir, deliveriesSettled, newSecret, openAlertApp } from '../support/alerts-harness.js';
import { PIPELINE_MS, SLOW_TEST_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

// Seeds are baseline: their alerts are recorded, and delivered only on request (marsad seed --alert).
let url: string;
let prefix: string;
let app: App;
let summary: SeedSummary;
const secret = newSecret();
const hook = new WebhookReceiver(secret);

beforeAll(async () => {
  url = testRedisUrl();
  prefix = testPrefix('alerts-seed');
  await hook.start();
  const dir = configDir({ subscribers: `subscribers:\n  - id: seed-hook\n    channel: webhook\n    url: ${hook.url}\n    secret: ${secret}\n` });
  app = await openAlertApp(alertEnv(url, prefix, dir));
  summary = await seedDocuments(app, DEFAULT_SEEDS_DIR, { timeoutMs: PIPELINE_MS });
}, SLOW_TEST_MS);

afterAll(async () => {
  await app?.close();
  await hook.stop();
  if (url) await deleteKeys(url, prefix);
});

describe('seeding', { timeout: SLOW_TEST_MS }, () => {
  it('records the seeds\' alerts as baseline and delivers nothing', async () => {
    expect(summary.failed).toBe(0);
    // One alert per (milestone, story, stance) on which an original is news: not history, not only a background restatement.
    const originals = await app.store.getArticles(summary.outcomes.filter((o) => o.article && o.article.duplicateOf === null).map((o) => o.id));
    const stories = await app.stories.storyOf(originals.map((a) => a.id));
    const expected = originals.flatMap((a, i) =>
      a.milestones.filter((m) => !m.history && m.mentions.some((x) => !x.background && !x.history)).map((m) => alertId(m.id, stories[i]!, m.stance)),
    );
    expect(expected.length).toBeGreaterThan(0);
    const ids = await app.alerts.listAlertIds(0);
    expect(new Set(ids)).toEqual(new Set(expected));
    expect(ids).toHaveLength(new Set(expected).size);
    const alerts = await app.alerts.getAlerts(ids);
    expect(alerts.every((a) => a.baseline)).toBe(true);
    expect(await app.redis.xlen(app.alerts.streamKey)).toBe(ids.length);
    expect(await app.alerts.listDeliveryIds(0)).toEqual([]);
    // The alert stage routes before the article is through (seedDocuments waited for that): whatever it
    // queued has been sent once the queue is settled.
    await deliveriesSettled(app);
    expect(hook.requests).toHaveLength(0);
    expect(await app.queues.jobCounts('deliver')).toMatchObject({ waiting: 0, prioritized: 0, delayed: 0 });
  });

  it('delivers them with deliverSeedAlerts (marsad seed --alert), once each', async () => {
    const ids = await app.alerts.listAlertIds(0);
    const deliveries = await deliverSeedAlerts(app, summary, PIPELINE_MS);
    expect(deliveries.map((d) => d.status)).toEqual(ids.map(() => 'sent'));
    expect(new Set(deliveries.map((d) => d.id))).toEqual(new Set(ids.map((a) => deliveryId(a, 'seed-hook'))));
    await deliveriesSettled(app);
    expect(hook.requests).toHaveLength(ids.length);
    expect(hook.requests.every((r) => r.verified)).toBe(true);
    expect(new Set(hook.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(ids));
    for (const r of hook.requests) expect((JSON.parse(r.body.toString('utf8')) as MilestoneMentionedBody).type).toBe('milestone.mentioned');
    for (const d of await app.alerts.getDeliveries(deliveries.map((x) => x.id))) expect(d).toMatchObject({ status: 'sent', attempts: 1 });

    // Asking again sends nothing new: the deliveries exist and are sent.
    const again = await deliverSeedAlerts(app, summary, PIPELINE_MS);
    expect(again.map((d) => d.status)).toEqual(ids.map(() => 'sent'));
    await deliveriesSettled(app);
    expect(hook.requests).toHaveLength(ids.length);
  });
});
