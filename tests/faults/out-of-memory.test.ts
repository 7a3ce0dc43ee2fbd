// Issue #12 item 2: a worker facing a Redis at maxmemory (noeviction) used to error-loop, thousands of
// "worker error … OOM" lines a second. It backs off and says so once per interval; `marsad status`
// reports it; once Redis has memory again the worker says so and goes on. (Read-only commands under OOM:
// tests/integration/out-of-memory.test.ts.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openApp, type App } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { LOG_EVERY_MS } from '../../src/queues/oom-backoff.js';
import { INTERVAL_MS, PROCESS_MS, SLOW_TEST_MS, WAIT_MS } from '../support/limits.js';
import { testPrefix } from '../support/redis.js';
import { assertFreshBuild, cliEnv, exitWithin, killAll, runCli, startCli, startRedisServer } from '../integration/processes.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'marsad-faults-oom-'));
/** The window over which log lines are counted while Redis refuses every write. */
const WINDOW_MS = 10_000;
let app: App | undefined;
let admin: Redis | undefined;

beforeAll(() => assertFreshBuild());
afterAll(async () => {
  admin?.disconnect();
  await app?.close();
  await killAll();
  rmSync(tmp, { recursive: true, force: true });
});

const oomLines = (log: string) => log.split('\n').filter((l) => l.includes('OOM command not allowed'));

describe('a worker facing a Redis at maxmemory', { timeout: SLOW_TEST_MS }, () => {
  it(`backs off and logs it at most once per ${LOG_EVERY_MS / 1000} s (not thousands of lines a second), marsad status says so, and it resumes once Redis has memory`, async () => {
    const { url, server } = await startRedisServer(tmp);
    const prefix = testPrefix('faults-oom');
    const env = cliEnv(url, prefix, { MARSAD_LOG_LEVEL: 'info' });
    const worker = startCli(['worker', 'tag'], env);
    await vi.waitFor(() => expect(worker.stderr).toContain('workers started'), { timeout: PROCESS_MS, interval: INTERVAL_MS });

    // Jobs waiting when Redis fills up: frozen, the worker takes none before every write is refused.
    worker.child.kill('SIGSTOP');
    app = await openApp({ log: createLogger({ ...env, MARSAD_LOG_LEVEL: 'silent' }), env });
    await app.queues.queuesForBoard().tag.addBulk(Array.from({ length: 2000 }, (_, i) => ({ name: 'tag', data: { articleId: `nothing-${i}` }, opts: { jobId: `tag-nothing-${i}` } })));
    admin = new Redis(url, { maxRetriesPerRequest: 1 });
    await admin.config('SET', 'maxmemory', '1');
    const linesBefore = worker.stderr.split('\n').length;
    const oomBefore = oomLines(worker.stderr).length;
    worker.child.kill('SIGCONT');

    await vi.waitFor(() => expect(oomLines(worker.stderr).length).toBeGreaterThan(oomBefore), { timeout: WAIT_MS, interval: INTERVAL_MS });
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS)); // a rate needs a window
    const seconds = (Date.now() - started) / 1000;
    const lines = worker.stderr.split('\n').length - linesBefore;
    const oom = oomLines(worker.stderr).slice(oomBefore);
    console.info(`under OOM: ${lines} log lines in ${seconds.toFixed(1)} s (${(lines / seconds).toFixed(2)}/s), ${oom.length} of them about OOM`);
    expect(oom.length).toBeLessThanOrEqual(2);
    expect(oom[0]).toContain('Redis is out of memory (maxmemory reached): workers back off');
    expect(lines / seconds).toBeLessThan(1);

    const status = await runCli(['status'], env);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^NOT READY: .*Redis is out of memory \(/);

    await admin.config('SET', 'maxmemory', '0');
    await vi.waitFor(() => expect(worker.stderr).toContain('Redis accepts writes again: workers take jobs again'), { timeout: WAIT_MS * 3, interval: INTERVAL_MS });
    // The jobs (of articles that do not exist) are taken again and fail for their own reason.
    await vi.waitFor(async () => expect((await app!.queues.jobCounts('tag')).failed).toBeGreaterThan(0), { timeout: WAIT_MS, interval: INTERVAL_MS });

    worker.child.kill('SIGTERM');
    expect((await exitWithin(worker)).code).toBe(0);
    server.child.kill('SIGTERM');
    await exitWithin(server);
  });
});
