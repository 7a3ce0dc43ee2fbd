// Issue #12 item 6: SIGTERM while a job outlasts the shutdown (a webhook receiver that never answers).
// At HAND_BACK_AFTER_MS the worker cuts the request, hands the job back to its queue, due at once, and
// exits 0; another worker sends the delivery straight away (not after a stalled-job check), with the same
// webhook-id: one delivery, delivered once after dedup. (A worker kill -9'd mid-delivery, taken over after
// the stalled check: tests/integration/alerts-crash.test.ts.)
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.js';
import { HAND_BACK_AFTER_MS } from '../../src/cli/run.js';
import { alertEnv, fixture, openAlertApp, waitForDelivery, workersAttached } from '../support/alerts-harness.js';
import { deliveryHangingInWorker, FeedToWebhook } from '../support/feed-to-webhook.js';
import { INTERVAL_MS, SLOW_TEST_MS, WAIT_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { assertFreshBuild, exitWithin, killAll, startCli } from '../integration/processes.js';

let url: string;
let prefix: string;
let env: NodeJS.ProcessEnv;
let app: App;
const flow = new FeedToWebhook([fixture('ain-al-asad-convoy')]);
const hook = flow.hook;

beforeAll(async () => {
  assertFreshBuild();
  url = testRedisUrl();
  prefix = testPrefix('faults-shutdown');
  await flow.start();
  // The webhook timeout outlasts the shutdown: only the hand-back can cut the hanging request.
  const dir = flow.configDir('slow-hook', { webhookTimeoutMs: 120_000 });
  env = alertEnv(url, prefix, dir, { MARSAD_LOG_LEVEL: 'info' });
  app = await openAlertApp({ ...env, MARSAD_LOG_LEVEL: 'silent' });
}, SLOW_TEST_MS);

afterAll(async () => {
  await killAll();
  await app?.close();
  await flow.stop();
  if (url) await deleteKeys(url, prefix);
});

describe('SIGTERM while a delivery hangs on its receiver', () => {
  it(`cuts the request at ${HAND_BACK_AFTER_MS / 1000} s, hands the job back, exits 0, and another worker sends it at once with the same webhook-id`, { timeout: SLOW_TEST_MS }, async () => {
    const { worker: first, alert, id } = await deliveryHangingInWorker(flow, app, env, 'slow-hook');

    const second = startCli(['worker', 'deliver'], env);
    await workersAttached(app, 'deliver', 2);
    first.child.kill('SIGTERM');
    const ran = await exitWithin(first);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).toContain('handing them back to their queues');
    expect(ran.stderr).toContain('"msg":"stopped"');
    expect(ran.stderr).not.toContain('shutdown deadline passed');

    // Taken at once by the other worker: well within a stalled check's 30 s lock.
    await vi.waitFor(() => expect(hook.requests).toHaveLength(2), { timeout: WAIT_MS, interval: INTERVAL_MS });
    const sent = await waitForDelivery(app, id, (d) => d.status === 'sent');
    expect(sent).toMatchObject({ attempts: 2, lastError: null });
    expect(new Set(hook.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([alert]));
    expect(hook.requests.every((r) => r.verified)).toBe(true);
    second.child.kill('SIGTERM');
    expect((await exitWithin(second)).code).toBe(0);
  });
});
