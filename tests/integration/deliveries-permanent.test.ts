// Issue #12: deliveries that no retry can fix (our configuration is wrong) are dead at once with their
// reason, not retried on the 27 h schedule with an empty lastError; and an alert is recorded with its log
// and stream entries in one atomic step.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../src/alerts/model.js';
import { newDelivery } from '../../src/alerts/route.js';
import { openApp, type App } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { keys } from '../../src/store/keys.js';
import { configDir, waitForJobState } from '../support/alerts-harness.js';
import { INTERVAL_MS, WAIT_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';

const FILTERS = { milestones: [], bases: [], topics: [], languages: [], outlets: [] };
let url: string;
let prefix: string;
let app: App;

beforeAll(async () => {
  url = testRedisUrl();
  prefix = testPrefix('deliveries-permanent');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: url,
    MARSAD_PREFIX: prefix,
    MARSAD_CONFIG_DIR: configDir({}, 'deliveries-permanent'),
    MARSAD_ALLOW_PRIVATE_NETWORKS: 'true',
    MARSAD_LOG_LEVEL: 'silent',
    // A wrong scheme: nodemailer can never send with it.
    MARSAD_SMTP_URL: 'http://mailer:hunter2@mail.example.org:25',
  };
  app = await openApp({ log: createLogger(env), env });
  await app.subscribers.add({ id: 'desk-mail', channel: 'email', email: 'desk@example.org', filters: FILTERS, on: 'report', mode: 'immediate', digest: null, rateLimit: null });
  await app.subscribers.add({
    id: 'bad-secret',
    channel: 'webhook',
    url: 'http://127.0.0.1:9/hook',
    secret: 'whsec_this is not base64!',
    filters: FILTERS,
    on: 'report',
    mode: 'immediate',
    digest: null,
    rateLimit: null,
  });
  app.startWorkers(['deliver']);
});

afterAll(async () => {
  await app?.close();
  if (url) await deleteKeys(url, prefix);
});

async function deliverOnce(id: string, subscriberId: string, channel: 'email' | 'webhook') {
  await app.alerts.createDelivery(newDelivery(id, subscriberId, channel, [], null, new Date()));
  await app.queues.enqueue('deliver', { deliveryId: id });
  const job = await waitForJobState(app, id, 'failed');
  return { job, delivery: (await app.alerts.getDelivery(id))! };
}

describe('a delivery that can never succeed', () => {
  it('with an SMTP URL that is not smtp:// or smtps://: dead after one attempt, lastError says why (password masked)', async () => {
    const { job, delivery } = await deliverOnce('dl-smtp-scheme', 'desk-mail', 'email');
    expect(job.attemptsMade).toBe(1);
    expect(delivery).toMatchObject({ status: 'dead', attempts: 1, attemptStartedAt: null });
    expect(delivery.lastError).toMatch(/SMTP configuration: an SMTP URL starts with smtp:\/\/ or smtps:\/\//);
    expect(delivery.lastError).not.toContain('hunter2');
    expect(await app.alerts.listDeliveryIds(0, 'dead')).toContain('dl-smtp-scheme');
  });

  it('with an invalid webhook secret: dead after one attempt, lastError says why (secret not shown)', async () => {
    const { job, delivery } = await deliverOnce('dl-bad-secret', 'bad-secret', 'webhook');
    expect(job.attemptsMade).toBe(1);
    expect(delivery).toMatchObject({ status: 'dead', attempts: 1, attemptStartedAt: null });
    expect(delivery.lastError).toBe('subscriber bad-secret has an invalid webhook secret (expected "whsec_" + base64)');
    expect(await app.alerts.listDeliveryIds(0, 'dead')).toContain('dl-bad-secret');
    // Neither is disabled: fixing the configuration and `marsad deliveries retry` sends them.
    expect((await app.subscribers.get('bad-secret'))!.disabled).toBeNull();
  });
});

describe('putAlert', () => {
  const alert = {
    id: 'al-0123456789abcdef',
    createdAt: '2025-08-23T09:14:03.020Z',
    milestone: { id: 'ain-al-asad-exit' },
    article: { id: 'ar-0123456789abcdef' },
  } as unknown as Alert;

  it('writes the alert, its log entry and its stream entry in one script call that declares its keys', async () => {
    const k = keys(prefix);
    const sent: { name: string; args: unknown[] }[] = [];
    const original = app.redis.sendCommand.bind(app.redis);
    const spy = vi.spyOn(app.redis, 'sendCommand').mockImplementation((...args: Parameters<typeof original>) => {
      sent.push({ name: args[0].name, args: args[0].args });
      return original(...args);
    });
    try {
      expect(await app.alerts.putAlert(alert)).toBe(true);
    } finally {
      spy.mockRestore();
    }
    // EVALSHA, and EVAL when the script was not loaded yet: the same script either way, nothing else.
    expect(sent.length).toBeGreaterThan(0);
    for (const c of sent) {
      expect(['evalsha', 'eval']).toContain(c.name);
      expect(c.args.slice(1, 5).map(String)).toEqual(['3', k.alert(alert.id), k.alerts, k.alertStream]);
    }
    expect(await app.alerts.getAlerts([alert.id])).toHaveLength(1);
    expect(await app.alerts.listAlertIds(0)).toEqual([alert.id]);
    expect(await app.redis.xlen(k.alertStream)).toBe(1);
  });

  it('records an alert once: a second put changes nothing', async () => {
    expect(await app.alerts.putAlert({ ...alert, createdAt: '2025-08-24T00:00:00.000Z' })).toBe(false);
    expect(await app.alerts.countAlerts()).toBe(1);
    expect(await app.redis.xlen(keys(prefix).alertStream)).toBe(1);
    expect((await app.alerts.getAlerts([alert.id]))[0]!.createdAt).toBe(alert.createdAt);
  });
});
