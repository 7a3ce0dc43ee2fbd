// Issue #12 item 3: Redis emptied under `marsad run` (FLUSHALL here; a restart without persistence or a
// failover to an empty replica does the same) used to stop polling silently. The process running the
// poll workers notices within CHECK_EVERY_MS, puts the job schedulers (and subscribers) back, says so
// once in the log, and /readyz notes it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHECK_EVERY_MS } from '../../src/queues/scheduler-keeper.js';
import { alertEnv, configDir, feedEntry, fixture, newSecret } from '../support/alerts-harness.js';
import { FeedSite } from '../support/feed-site.js';
import { INTERVAL_MS, PROCESS_MS, SLOW_TEST_MS, WAIT_MS } from '../support/limits.js';
import { testPrefix } from '../support/redis.js';
import { OPERATOR_TOKEN } from '../integration/api-harness.js';
import { assertFreshBuild, exitWithin, freePort, killAll, startCli, startRedisServer } from '../integration/processes.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'marsad-faults-emptied-'));
let site: FeedSite;
let admin: Redis | undefined;

beforeAll(async () => {
  assertFreshBuild();
  site = new FeedSite([fixture('ain-al-asad-convoy')], new Date());
  await site.start();
});
afterAll(async () => {
  admin?.disconnect();
  await killAll();
  await site?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('Redis emptied under marsad run', { timeout: SLOW_TEST_MS }, () => {
  it(`re-creates the poll schedulers within ${CHECK_EVERY_MS / 1000} s, logs it once, notes it on /readyz, and polling goes on`, async () => {
    const { url, server } = await startRedisServer(tmp);
    const httpPort = await freePort();
    const secret = newSecret();
    const dir = configDir(
      {
        feeds: `feeds:\n${feedEntry('fixture-daily', `${site.baseUrl}/feed.xml`, 'Fixture Daily')}`,
        subscribers: `subscribers:\n  - id: ops-hook\n    channel: webhook\n    url: http://127.0.0.1:9/hook\n    secret: ${secret}\n`,
      },
      'faults-emptied',
    );
    const env = alertEnv(url, testPrefix('faults-emptied'), dir, { MARSAD_PORT: String(httpPort), MARSAD_DASHBOARD_TOKEN: OPERATOR_TOKEN, MARSAD_LOG_LEVEL: 'info' });
    const run = startCli(['run'], env);
    await vi.waitFor(() => expect(site.count('/feed.xml'), run.stderr).toBeGreaterThan(0), { timeout: PROCESS_MS, interval: INTERVAL_MS });
    const readyz = async () => (await (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).json()) as { status: string; notes: string[] };
    await vi.waitFor(async () => expect((await readyz()).notes).toEqual([]), { timeout: WAIT_MS, interval: 100 });

    admin = new Redis(url, { maxRetriesPerRequest: 1 });
    await admin.flushall();
    const polledBefore = site.count('/feed.xml');

    await vi.waitFor(() => expect(run.stderr).toContain('Redis lost the job schedulers'), { timeout: CHECK_EVERY_MS + WAIT_MS, interval: INTERVAL_MS });
    expect(run.stderr.split('Redis lost the job schedulers').length - 1).toBe(1);
    expect(await admin.exists(`${env.MARSAD_PREFIX}:schedulers:in-place`)).toBe(1);
    // The re-created scheduler's first tick polls at once.
    await vi.waitFor(() => expect(site.count('/feed.xml')).toBeGreaterThan(polledBefore), { timeout: WAIT_MS, interval: INTERVAL_MS });
    const notes = (await readyz()).notes;
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^job schedulers re-created at \d{4}-\d\d-\d\dT.* after Redis lost them$/);

    run.child.kill('SIGTERM');
    expect((await exitWithin(run)).code).toBe(0);
    server.child.kill('SIGTERM');
    await exitWithin(server);
  });
});
