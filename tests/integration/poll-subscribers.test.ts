// Issue #12: `marsad poll --once` on a fresh Redis with no worker attached used to record the alert and
// route it to nobody, since nothing had loaded subscribers.yaml. Every entry point that can raise alerts
// loads the subscribers first: the alert gets its delivery, and the webhook receives it.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { deliveryId } from '../../src/alerts/decide.js';
import { openApp, type App } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { alertEnv, alertIdOf, configDir, feedEntry, fixture, newSecret } from '../support/alerts-harness.js';
import { FeedSite } from '../support/feed-site.js';
import { INTERVAL_MS, PROCESS_MS, SLOW_TEST_MS, WAIT_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { assertFreshBuild, killAll, runCli } from './processes.js';

let url: string;
let prefix: string;
let env: NodeJS.ProcessEnv;
let site: FeedSite;
const secret = newSecret();
const hook = new WebhookReceiver(secret);
let app: App | undefined;

beforeAll(async () => {
  assertFreshBuild();
  url = testRedisUrl();
  prefix = testPrefix('poll-subscribers');
  site = new FeedSite([fixture('ain-al-asad-convoy')], new Date());
  await Promise.all([site.start(), hook.start()]);
  const dir = configDir(
    {
      feeds: `feeds:\n${feedEntry('fixture-daily', `${site.baseUrl}/feed.xml`, 'Fixture Daily')}`,
      subscribers: `subscribers:\n  - id: ops-hook\n    channel: webhook\n    url: ${hook.url}\n    secret: ${secret}\n`,
    },
    'poll-subscribers',
  );
  env = alertEnv(url, prefix, dir);
});

afterAll(async () => {
  await app?.close();
  await killAll();
  await Promise.all([site?.stop(), hook.stop()]);
  if (url) await deleteKeys(url, prefix);
});

it(
  'marsad poll --once on a fresh Redis, no worker attached: the alert is routed to the subscribers of subscribers.yaml and the webhook receives it',
  async () => {
    const ran = await runCli(['poll', '--once'], env, { timeoutMs: PROCESS_MS });
    expect(ran.stdout).toContain('✓ fixture-daily: 1 new');
    expect(ran.code).toBe(0);

    app = await openApp({ log: createLogger(env), env });
    // Nothing else loaded subscribers.yaml: the poll did.
    expect((await app.subscribers.list()).map((s) => s.id)).toEqual(['ops-hook']);
    const [articleId] = await app.store.listArticleIds({}, 0);
    const alertId = await alertIdOf(app, articleId!, 'ain-al-asad-exit');
    expect(await app.alerts.getAlerts([alertId])).toHaveLength(1);
    const delivery = await app.alerts.getDelivery(deliveryId(alertId, 'ops-hook'));
    expect(delivery).toMatchObject({ subscriberId: 'ops-hook', channel: 'webhook', alertIds: [alertId] });

    // The poll may have sent it before it exited; if not, a worker started later does.
    app.startWorkers(['deliver']);
    await vi.waitFor(() => expect(hook.requests.filter((r) => r.verified)).toHaveLength(1), { timeout: WAIT_MS, interval: INTERVAL_MS });
    expect(JSON.parse(hook.requests[0]!.body.toString('utf8'))).toMatchObject({ type: 'milestone.mentioned' });
    await vi.waitFor(async () => expect((await app!.alerts.getDelivery(delivery!.id))!.status).toBe('sent'), { timeout: WAIT_MS, interval: INTERVAL_MS });
  },
  SLOW_TEST_MS,
);
