import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertId, deliveryId } from '../../src/alerts/decide.js';
import type { App } from '../../src/app.js';
import { DEFAULT_SEEDS_DIR, deliverSeedAlerts, seedDocuments, type SeedSummary } from '../../src/cli/seed.js';
import type { MilestoneMentionedBody } from '../../src/deliver/webhook.js';
import { alertEnv, configDir, newSecret, openAlertApp, pause } from '../support/alerts-harness.js';
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
  summary = await seedDocuments(app, DEFAULT_SEEDS_DIR, { timeoutMs: 60_000 });
});

afterAll(async () => {
  await app?.close();
  await hook.stop();
  if (url) await deleteKeys(url, prefix);
});

describe('seeding', () => {
  it('records the seeds\' alerts as baseline and delivers nothing', async () => {
    expect(summary.failed).toBe(0);
    const expected = summary.outcomes
      .filter((o) => o.article && o.article.duplicateOf === null)
      .flatMap((o) => o.article!.milestones.map((m) => alertId(m, o.id)));
    expect(expected.length).toBeGreaterThan(0);
    const ids = await app.alerts.listAlertIds(0);
    expect(new Set(ids)).toEqual(new Set(expected));
    const alerts = await app.alerts.getAlerts(ids);
    expect(alerts.every((a) => a.baseline)).toBe(true);
    expect(await app.redis.xlen(app.alerts.streamKey)).toBe(ids.length);
    expect(await app.alerts.listDeliveryIds(0)).toEqual([]);
    await pause(500);
    expect(hook.requests).toHaveLength(0);
    expect(await app.queues.deliver.count()).toBe(0);
  });

  it('delivers them with deliverSeedAlerts (marsad seed --alert), once each', async () => {
    const ids = await app.alerts.listAlertIds(0);
    const deliveries = await deliverSeedAlerts(app, summary, 20_000);
    expect(deliveries.map((d) => d.status)).toEqual(ids.map(() => 'sent'));
    expect(new Set(deliveries.map((d) => d.id))).toEqual(new Set(ids.map((a) => deliveryId(a, 'seed-hook'))));
    await pause(300);
    expect(hook.requests).toHaveLength(ids.length);
    expect(hook.requests.every((r) => r.verified)).toBe(true);
    expect(new Set(hook.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(ids));
    for (const r of hook.requests) expect((JSON.parse(r.body.toString('utf8')) as MilestoneMentionedBody).type).toBe('milestone.mentioned');
    for (const d of await app.alerts.getDeliveries(deliveries.map((x) => x.id))) expect(d).toMatchObject({ status: 'sent', attempts: 1 });

    // Asking again sends nothing new: the deliveries exist and are sent.
    const again = await deliverSeedAlerts(app, summary, 5_000);
    expect(again.map((d) => d.status)).toEqual(ids.map(() => 'sent'));
    await pause(500);
    expect(hook.requests).toHaveLength(ids.length);
  });
});
