import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.js';
import { connect } from '../../src/redis/connection.js';
import {
  alertEnv,
  deliveriesOf,
  deliveriesSettled,
  deliveryJob,
  fixture,
  getDelivery,
  openAlertApp,
  waitForDelivery,
  waitForJobState,
  workersAttached,
} from '../support/alerts-harness.js';
import { deliveryHangingInWorker, FeedToWebhook } from '../support/feed-to-webhook.js';
import { INTERVAL_MS, SLOW_TEST_MS, WAIT_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { assertFreshBuild, killAll, startCli } from './processes.js';

// A deliver worker process killed (SIGKILL) while its POST is in flight; another worker process
// takes the job over once BullMQ's stalled-job check finds it. No delivery lost, none duplicated.
let url: string;
let prefix: string;
let env: NodeJS.ProcessEnv;
let app: App;
let checker: Worker | null = null;
let checkerConnection: ReturnType<typeof connect> | null = null;
const flow = new FeedToWebhook([fixture('ain-al-asad-convoy')]);
const hook = flow.hook;

beforeAll(async () => {
  assertFreshBuild();
  url = testRedisUrl();
  prefix = testPrefix('alerts-crash');
  await flow.start();
  // The webhook timeout outlasts the test's wait: the hanging request is cut by the kill, not by marsad.
  const dir = flow.configDir('crash-hook', { webhookTimeoutMs: 60_000 });
  env = alertEnv(url, prefix, dir, { MARSAD_LOG_LEVEL: 'warn' });
  app = await openAlertApp(env);
}, SLOW_TEST_MS);

afterAll(async () => {
  await killAll();
  await checker?.close();
  await checkerConnection?.quit().catch(() => checkerConnection?.disconnect());
  await app?.close();
  await flow.stop();
  if (url) await deleteKeys(url, prefix);
});

describe('a deliver worker killed mid-delivery', () => {
  it('leaves one delivery record, sent by the next worker with the same webhook-id', { timeout: SLOW_TEST_MS }, async () => {
    const { worker: first, alert, id } = await deliveryHangingInWorker(flow, app, env, 'crash-hook');

    const inFlight = await getDelivery(app, id);
    expect(inFlight).toMatchObject({ status: 'pending', attempts: 1 });
    expect(inFlight.attemptStartedAt).not.toBeNull();
    expect(await (await deliveryJob(app, id))!.getState()).toBe('active');

    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const second = startCli(['worker', 'deliver'], env);
    await workersAttached(app, 'deliver', 1);

    // BullMQ moves the job back to wait once its lock (lockDuration, 30 s by default) has expired and a stalled
    // check has seen it twice. Workers check every stalledInterval (30 s by default), and a check blocks the others
    // for that long: with the defaults that is about a minute. This checker runs the same BullMQ check every
    // second, as a worker with `stalledInterval: 1000` would; it processes nothing (no processor, never run).
    checkerConnection = connect(url, 'worker');
    checker = new Worker('deliver', undefined, { connection: checkerConnection, prefix, autorun: false, stalledInterval: 1000 });
    void checker.startStalledCheckTimer();

    // Lock expiry (30 s) and two stalled checks, then the second worker's attempt.
    await vi.waitFor(() => expect(hook.requests).toHaveLength(2), { timeout: SLOW_TEST_MS / 2, interval: 50 });
    const sent = await waitForDelivery(app, id, (d) => d.status === 'sent');
    expect(sent).toMatchObject({ attempts: 2, attemptStartedAt: null, lastError: null });
    expect(await deliveriesOf(app, 'crash-hook')).toHaveLength(1);
    expect(await app.alerts.listDeliveryIds(0)).toEqual([id]);
    expect(hook.requests.map((r) => r.headers['webhook-id'])).toEqual([alert, alert]);
    expect(hook.requests.every((r) => r.verified)).toBe(true);
    expect(hook.requests[0]!.body.equals(hook.requests[1]!.body)).toBe(true);
    await waitForJobState(app, id, 'completed');
    // The child's log comes through a pipe, read by this process when it gets to it.
    await vi.waitFor(() => expect(second.stderr).toContain('the previous attempt was cut short'), { timeout: WAIT_MS, interval: INTERVAL_MS });
    await deliveriesSettled(app);
    expect(hook.requests).toHaveLength(2);
  });
});
