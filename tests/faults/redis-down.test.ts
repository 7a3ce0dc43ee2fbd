// Issue #12: Redis killed (kill -9) under flow and kept down, with `marsad run` serving and working.
// While it is down /readyz answers within a second (503 with the reason) and API writes fail fast with
// 503; once it is back on its AOF nothing is lost: every feed article stored once, every due alert
// delivered once (the receiver sees each webhook-id once).
//
// How long Redis stays down: MARSAD_FAULT_REDIS_DOWN_MS (the full run, `npm run test:faults`, keeps the
// issue's 60 s; CI sets less, see .ci/run).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openApp, type App } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { STAGES } from '../../src/queues/names.js';
import { ARTICLES } from '../fixtures/feed-site/articles.js';
import { alertEnv, allFixtures, queuesSettled } from '../support/alerts-harness.js';
import { FeedToWebhook } from '../support/feed-to-webhook.js';
import { PIPELINE_MS, PROCESS_MS, SLOW_TEST_MS, WAIT_MS } from '../support/limits.js';
import { testPrefix } from '../support/redis.js';
import { expectNothingLost, pagesFetched } from './nothing-lost.js';
import { OPERATOR_TOKEN } from '../integration/api-harness.js';
import { assertFreshBuild, exitWithin, freePort, killAll, startCli, startRedisServer, type Running } from '../integration/processes.js';

const DOWN_MS = Number(process.env.MARSAD_FAULT_REDIS_DOWN_MS ?? 60_000);
/** The bound for /readyz and for a refused write while Redis is down. */
const FAIL_FAST_MS = 1_000;

const tmp = mkdtempSync(path.join(tmpdir(), 'marsad-faults-redis-'));
const flow = new FeedToWebhook(allFixtures());
const { site, hook } = flow;
let app: App | undefined;

beforeAll(async () => {
  assertFreshBuild();
  await flow.start();
});

afterAll(async () => {
  await app?.close();
  await killAll();
  await flow.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function timed(url: string, init?: RequestInit): Promise<{ status: number; body: { error?: string; status?: string; reasons?: string[]; details?: string[] }; ms: number }> {
  const started = performance.now();
  const res = await fetch(url, init);
  const body = (await res.json()) as { error?: string; reasons?: string[]; details?: string[] };
  return { status: res.status, body, ms: performance.now() - started };
}

describe(`Redis killed (kill -9) under flow and down for ${DOWN_MS / 1000} s, marsad run attached`, { timeout: SLOW_TEST_MS + DOWN_MS }, () => {
  it('answers /readyz and API writes within 1 s with 503 and the reason meanwhile, and loses nothing: every article stored once, every alert delivered once', async () => {
    const port = await freePort();
    const dataDir = path.join(tmp, 'redis');
    mkdirSync(dataDir);
    let redis = await startRedisServer(dataDir, { port, aof: true });
    const prefix = testPrefix('faults-redis-down');
    const dir = flow.configDir('ops-hook', { name: 'faults-redis-down' });
    const httpPort = await freePort();
    const env = alertEnv(redis.url, prefix, dir, { MARSAD_PORT: String(httpPort), MARSAD_DASHBOARD_TOKEN: OPERATOR_TOKEN, MARSAD_LOG_LEVEL: 'warn' });
    const base = `http://127.0.0.1:${httpPort}`;
    const run: Running = startCli(['run'], env);
    await vi.waitFor(async () => expect((await fetch(`${base}/healthz`).catch(() => null))?.status, run.stderr).toBe(200), { timeout: PROCESS_MS, interval: 100 });

    // Under flow: some article pages fetched, the rest still to come.
    await vi.waitFor(() => expect(pagesFetched(site, ARTICLES)).toBeGreaterThanOrEqual(3), { timeout: PIPELINE_MS, interval: 5 });
    redis.server.child.kill('SIGKILL');
    await redis.server.exited;
    const downSince = Date.now();

    const readyz = [] as number[];
    const writes = [] as number[];
    // The server notices the connection is gone (a refused reconnect) within moments.
    await vi.waitFor(async () => expect((await timed(`${base}/readyz`)).status).toBe(503), { timeout: WAIT_MS, interval: 50 });
    do {
      const ready = await timed(`${base}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.body.reasons?.[0]).toMatch(/^Redis is not connected \(/);
      readyz.push(ready.ms);
      const write = await timed(`${base}/api/deliveries/dl-0000000000000001/retry`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
      expect(write.status).toBe(503);
      expect(write.body).toMatchObject({ error: 'Redis is unavailable' });
      expect(write.body.details?.[0]).toMatch(/^Redis is not connected/);
      writes.push(write.ms);
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, DOWN_MS / 4)));
    } while (Date.now() - downSince < DOWN_MS);
    console.info(`Redis down ${Math.round((Date.now() - downSince) / 1000)} s: /readyz max ${Math.round(Math.max(...readyz))} ms, API write max ${Math.round(Math.max(...writes))} ms (${readyz.length} probes each)`);
    expect(Math.max(...readyz)).toBeLessThan(FAIL_FAST_MS);
    expect(Math.max(...writes)).toBeLessThan(FAIL_FAST_MS);
    expect(run.child.exitCode).toBeNull();

    redis = await startRedisServer(dataDir, { port, aof: true });
    await vi.waitFor(async () => expect((await timed(`${base}/readyz`)).body, run.stderr).toMatchObject({ status: 'ready' }), { timeout: PIPELINE_MS, interval: 200 });

    app = await openApp({ log: createLogger(env), env });
    const opened = app;
    await vi.waitFor(async () => expect(await opened.store.listArticleIds({}, 0)).toHaveLength(ARTICLES.length), { timeout: PIPELINE_MS, interval: 200 });
    await queuesSettled(app, STAGES.filter((s) => s !== 'poll'), PIPELINE_MS);

    await expectNothingLost(app, hook, ARTICLES);

    run.child.kill('SIGTERM');
    const ran = await exitWithin(run);
    expect(ran.code, ran.stderr).toBe(0);
    redis.server.child.kill('SIGTERM');
    await exitWithin(redis.server);
  });
});
