// marsad on a Redis Cluster (three masters on loopback, REDIS_URL=redis+cluster://…): the seeds and a feed go
// end to end, alerts are recorded and delivered, and the keys land where they must: each queue in a slot of
// its own (spread over the shards), the store in one slot (its scripts and MULTIs would fail with CROSSSLOT
// otherwise). Needs redis-server and redis-cli, not the shared Redis of the other integration tests.
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deliveryId } from '../../src/alerts/decide.js';
import type { App } from '../../src/app.js';
import type { Article } from '../../src/model.js';
import { pollFeedsOnce } from '../../src/ops/feeds.js';
import { DEFAULT_SEEDS_DIR, seedDocuments } from '../../src/ops/seed.js';
import { STAGES } from '../../src/queues/names.js';
import { hashTagOf } from '../../src/redis/cluster.js';
import { connect, resolveRedis } from '../../src/redis/connection.js';
import { createServer } from '../../src/server/server.js';
import { createLogger } from '../../src/log.js';
import { alertEnv, configDir, convoyReprint, feedEntry, fixture, newSecret, openAlertApp, waitForDelivery } from '../support/alerts-harness.js';
import { clusterUnavailable, startCluster, type LocalCluster } from '../support/cluster.js';
import { FeedSite } from '../support/feed-site.js';
import { INTERVAL_MS, PIPELINE_MS, PROCESS_MS, SLOW_TEST_MS } from '../support/limits.js';
import { testPrefix } from '../support/redis.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { assertFreshBuild, exitWithin, killAll, runCli, startCli } from './processes.js';

const unavailable = clusterUnavailable();
const prefix = testPrefix('cluster');
const secret = newSecret();
const TOKEN = 'cluster-operator-token-0123456789';
const hook = new WebhookReceiver(secret);
let cluster: LocalCluster | undefined;
let site: FeedSite | undefined;
let app: App | undefined;
let env: NodeJS.ProcessEnv;
let dir: string | undefined;

beforeAll(async () => {
  if (unavailable) return;
  cluster = await startCluster();
  site = new FeedSite([fixture('ain-al-asad-convoy'), convoyReprint(), fixture('harir-handover-talks'), fixture('football-league')], new Date());
  await Promise.all([site.start(), hook.start()]);
  dir = configDir(
    {
      feeds: `feeds:\n${feedEntry('cluster-daily', `${site.baseUrl}/feed.xml`, 'Cluster Daily')}`,
      subscribers: `subscribers:\n  - id: cluster-hook\n    channel: webhook\n    url: ${hook.url}\n    secret: ${secret}\n`,
    },
    'cluster',
  );
  env = alertEnv(cluster.url, prefix, dir, { MARSAD_DASHBOARD_TOKEN: TOKEN });
  app = await openAlertApp(env);
}, SLOW_TEST_MS);

afterAll(async () => {
  await app?.close();
  await Promise.all([site?.stop(), hook.stop()]);
  await killAll();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(unavailable !== null)(`marsad on a three-master Redis Cluster${unavailable ? ` (skipped: ${unavailable})` : ''}`, { timeout: SLOW_TEST_MS }, () => {
  it('takes the seeds through every stage and records their alerts as baseline', async () => {
    const summary = await seedDocuments(app!, DEFAULT_SEEDS_DIR, { timeoutMs: PIPELINE_MS });
    expect(summary.problems).toEqual([]);
    expect(summary).toMatchObject({ documents: 5, new: 5, failed: 0 });
    expect(await app!.store.countArticles()).toBe(5);
    const alerts = await app!.alerts.getAlerts(await app!.alerts.listAlertIds(0));
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.every((a) => a.baseline)).toBe(true);
    expect(await app!.redis.xlen(app!.alerts.streamKey)).toBe(alerts.length);
  });

  it('polls a feed end to end: articles stored, the reprint linked, alerts recorded and delivered once to the webhook', async () => {
    const seedAlerts = new Set(await app!.alerts.listAlertIds(0));
    const polled = await pollFeedsOnce(app!, app!.config.feeds, { timeoutMs: PIPELINE_MS });
    expect(polled.polls.map((p) => p.failed)).toEqual([false]);
    expect(polled.polls[0]!.note).toMatch(/^4 new/);

    const fromFeed = (await app!.store.getArticles(await app!.store.listArticleIds({}, 0))).filter((a) => a.origin.kind === 'feed');
    expect(fromFeed).toHaveLength(4);
    const bySlug = new Map(fromFeed.map((a) => [(a.origin as { url: string }).url.replace(/^.*\/news\/|\.html$/g, ''), a] as [string, Article]));
    const convoy = bySlug.get('ain-al-asad-convoy')!;
    const reprint = bySlug.get('convoy-reprint')!;
    expect([convoy.duplicateOf, reprint.duplicateOf].filter((d) => d !== null)).toHaveLength(1);
    const original = convoy.duplicateOf === null ? convoy : reprint;
    expect((await app!.store.readArticle(original.id))!.alsoReportedBy.map((r) => r.id)).toEqual([original === convoy ? reprint.id : convoy.id]);
    expect(convoy.milestones.map((m) => m.id)).toContain('ain-al-asad-exit');

    const fresh = (await app!.alerts.getAlerts(await app!.alerts.listAlertIds(0))).filter((a) => !seedAlerts.has(a.id));
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((a) => !a.baseline)).toBe(true);
    expect(fresh.map((a) => a.milestone.id)).toContain('ain-al-asad-exit');
    for (const alert of fresh) await waitForDelivery(app!, deliveryId(alert.id, 'cluster-hook'), (d) => d.status === 'sent');
    const received = hook.requests.filter((r) => r.verified).map((r) => r.headers['webhook-id']);
    expect(received.sort()).toEqual(fresh.map((a) => a.id).sort());
  });

  it('keeps the store in one slot and spreads the queues over the shards', async () => {
    const client = connect(cluster!.url) as unknown as Cluster;
    try {
      if (client.status !== 'ready') await once(client, 'ready');
      const tagsByNode = await Promise.all(
        client.nodes('master').map(async (node) => {
          const tags = new Set<string>();
          let cursor = '0';
          do {
            const [next, found] = await node.scan(cursor, 'COUNT', 1000);
            cursor = next;
            for (const key of found) tags.add(hashTagOf(key) ?? `(no tag) ${key}`);
          } while (cursor !== '0');
          return tags;
        }),
      );
      const storeTag = hashTagOf(prefix)!;
      const queueTags = STAGES.map((s) => `${storeTag}:${s}`);
      const all = tagsByNode.flatMap((t) => [...t]);
      expect(all.filter((t) => t !== storeTag && !queueTags.includes(t))).toEqual([]);
      expect(tagsByNode.filter((t) => t.has(storeTag))).toHaveLength(1);
      expect(tagsByNode.filter((t) => queueTags.some((q) => t.has(q))).length).toBeGreaterThan(1);
    } finally {
      client.disconnect();
    }
  });

  it('serves the dashboard pages, the API and the metrics from the cluster', async () => {
    const server = await createServer(app!);
    try {
      const headers = { authorization: `Bearer ${TOKEN}` };
      for (const url of ['/', '/health', '/alerts', '/deliveries', '/articles', '/api/status', '/api/queues', '/api/articles', '/metrics', '/queues/api/queues']) {
        const res = await server.inject({ method: 'GET', url, headers });
        expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
      }
      const metrics = (await server.inject({ method: 'GET', url: '/metrics', headers })).body;
      expect(metrics).toMatch(/marsad_articles 9\b/);
    } finally {
      await server.close();
    }
  });

  it('runs `marsad status` and a `marsad worker` process on the cluster; the worker attaches and stops on SIGTERM', async () => {
    assertFreshBuild();
    const status = await runCli(['status', '--json'], env);
    expect(status.stderr).toBe('');
    const report = JSON.parse(status.stdout) as { redis: { url: string }; articles: number; queues: Record<string, { workers: number }> };
    expect(report).toMatchObject({ redis: { url: cluster!.url }, articles: 9 });
    const before = await app!.queues.workersCount('clean');
    const worker = startCli(['worker'], env);
    await vi.waitFor(async () => expect(await app!.queues.workersCount('clean')).toBe(before + 1), { timeout: PROCESS_MS, interval: INTERVAL_MS * 4 });
    worker.child.kill('SIGTERM');
    const ran = await exitWithin(worker);
    expect(ran.code, ran.stderr).toBe(0);
  });

  it('says in one line what is wrong with a cluster URL, a one-server URL naming a cluster node, or a prefix without a hash tag', async () => {
    const log = createLogger({ MARSAD_LOG_LEVEL: 'silent' });
    await expect(resolveRedis('redis+cluster://127.0.0.1:7000,:7001', '/nonexistent', log)).rejects.toThrow('REDIS_URL=redis+cluster://127.0.0.1:7000,:7001 is not a Redis Cluster URL: ":7001" is not host:port');
    await expect(resolveRedis(`redis://127.0.0.1:${cluster!.ports[0]}`, '/nonexistent', log)).rejects.toThrow(/is a node of a Redis Cluster: name the cluster with REDIS_URL=redis\+cluster:\/\//);
    await expect(resolveRedis(cluster!.url, '/nonexistent', log, { keyPrefix: 'marsad' })).rejects.toThrow('make redis.prefix (or MARSAD_PREFIX) "{marsad}" instead of "marsad"');
    await expect(resolveRedis(cluster!.url, '/nonexistent', log, { keyPrefix: prefix })).resolves.toMatchObject({ url: cluster!.url, privateServer: false });
  });
});
