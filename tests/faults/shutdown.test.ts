// Issue #12 item 6: SIGTERM while a job outlasts the shutdown (a webhook receiver that never answers).
// At HAND_BACK_AFTER_MS the worker cuts the request, hands the job back to its queue, due at once, and
// exits 0; another worker sends the delivery straight away (not after a stalled-job check), with the same
// webhook-id: one delivery, delivered once after dedup. (A worker kill -9'd mid-delivery, taken over after
// the stalled check: tests/integration/alerts-crash.test.ts.)
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deliveryId } from '../../src/alerts/decide.js';
import type { App } from '../../src/app.js';
import { HAND_BACK_AFTER_MS } from '../../src/cli/run.js';
import { pollFeedsOnce } from '../../src/ops/feeds.js';
import { alertEnv, alertIdOf, configDir, feedEntry, fixture, newSecret, openAlertApp, waitForDelivery } from '../support/alerts-harness.js';
import { FeedSite } from '../support/feed-site.js';
import { INTERVAL_MS, PIPELINE_MS, PROCESS_MS, SLOW_TEST_MS, WAIT_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { assertFreshBuild, exitWithin, killAll, startCli } from '../integration/processes.js';

let url: string;
let prefix: string;
let env: NodeJS.ProcessEnv;
let app: App;
let site: FeedSite;
const secret = newSecret();
const hook = new WebhookReceiver(secret);

async function attached(expected: number): Promise<void> {
  await vi.waitFor(async () => expect(await app.queues.workersCount('deliver')).toBe(expected), { timeout: PROCESS_MS, interval: INTERVAL_MS });
}

beforeAll(async () => {
  assertFreshBuild();
  url = testRedisUrl();
  prefix = testPrefix('faults-shutdown');
  site = new FeedSite([fixture('ain-al-asad-convoy')], new Date());
  await Promise.all([site.start(), hook.start()]);
  const dir = configDir({
    // The webhook timeout outlasts the shutdown: only the hand-back can cut the hanging request.
    settings: 'fetch:\n  hostIntervalMs: 0\n  contact: mailto:tests@example.org\nwebhooks:\n  timeoutMs: 120000\n',
    feeds: `feeds:\n${feedEntry('fixture-daily', `${site.baseUrl}/feed.xml`, 'Fixture Daily')}`,
    subscribers: `subscribers:\n  - id: slow-hook\n    channel: webhook\n    url: ${hook.url}\n    secret: ${secret}\n`,
  });
  env = alertEnv(url, prefix, dir, { MARSAD_LOG_LEVEL: 'info' });
  app = await openAlertApp({ ...env, MARSAD_LOG_LEVEL: 'silent' });
}, SLOW_TEST_MS);

afterAll(async () => {
  await killAll();
  await app?.close();
  await Promise.all([site?.stop(), hook.stop()]);
  if (url) await deleteKeys(url, prefix);
});

describe('SIGTERM while a delivery hangs on its receiver', () => {
  it(`cuts the request at ${HAND_BACK_AFTER_MS / 1000} s, hands the job back, exits 0, and another worker sends it at once with the same webhook-id`, { timeout: SLOW_TEST_MS }, async () => {
    hook.reply({ hang: true });
    const first = startCli(['worker', 'deliver'], env);
    await attached(1);
    await pollFeedsOnce(app, app.config.feeds, { timeoutMs: PIPELINE_MS });
    const article = (await app.store.getArticles(await app.store.listArticleIds({}, 0)))[0]!;
    const alert = await alertIdOf(app, article.id, 'ain-al-asad-exit');
    const id = deliveryId(alert, 'slow-hook');
    await vi.waitFor(() => expect(hook.requests).toHaveLength(1), { timeout: WAIT_MS, interval: INTERVAL_MS });

    const second = startCli(['worker', 'deliver'], env);
    await attached(2);
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
