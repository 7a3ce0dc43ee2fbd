// Issue #12: SIGTERM to one of two workers in the middle of a feed's flow (pages being fetched, cleaned,
// tagged, alerts delivered). It lets its active jobs finish (or hands them back at the deadline) and exits
// 0; the other worker carries on, and nothing is lost: every article stored once, every alert delivered once.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.js';
import { STAGES } from '../../src/queues/names.js';
import { ARTICLES } from '../fixtures/feed-site/articles.js';
import { alertEnv, allFixtures, openAlertApp, queuesSettled, workersAttached } from '../support/alerts-harness.js';
import { FeedToWebhook } from '../support/feed-to-webhook.js';
import { PIPELINE_MS, SLOW_TEST_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { assertFreshBuild, exitWithin, killAll, startCli } from '../integration/processes.js';
import { expectNothingLost, pagesFetched } from './nothing-lost.js';

let url: string;
let prefix: string;
let app: App | undefined;
const flow = new FeedToWebhook(allFixtures());
const { site, hook } = flow;

beforeAll(async () => {
  assertFreshBuild();
  url = testRedisUrl();
  prefix = testPrefix('faults-sigterm-load');
  await flow.start();
});
afterAll(async () => {
  await app?.close();
  await killAll();
  await flow.stop();
  if (url) await deleteKeys(url, prefix);
});

describe('SIGTERM to one of two workers under flow', { timeout: SLOW_TEST_MS }, () => {
  it('exits 0 and the other worker carries on: every article stored once, every alert delivered once', async () => {
    const dir = flow.configDir('ops-hook', { name: 'faults-sigterm-load' });
    const env = alertEnv(url, prefix, dir, { MARSAD_LOG_LEVEL: 'info' });
    app = await openAlertApp({ ...env, MARSAD_LOG_LEVEL: 'silent' });
    const opened = app;
    const first = startCli(['worker'], env);
    const second = startCli(['worker'], env);
    await workersAttached(app, 'fetch', 2);

    await vi.waitFor(() => expect(pagesFetched(site, ARTICLES)).toBeGreaterThanOrEqual(3), { timeout: PIPELINE_MS, interval: 5 });
    first.child.kill('SIGTERM');
    const ran = await exitWithin(first);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).toContain('"msg":"stopped"');

    await vi.waitFor(async () => expect(await opened.store.listArticleIds({}, 0)).toHaveLength(ARTICLES.length), { timeout: PIPELINE_MS, interval: 200 });
    await queuesSettled(app, STAGES.filter((s) => s !== 'poll'), PIPELINE_MS);
    await expectNothingLost(app, hook, ARTICLES);

    second.child.kill('SIGTERM');
    expect((await exitWithin(second)).code).toBe(0);
  });
});
