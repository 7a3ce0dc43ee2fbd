// `marsad worker` as operators run it: attaches to Redis, stops cleanly on SIGTERM, exits at once on
// a second signal even when Redis hangs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STAGES } from '../../src/queues/names.js';
import { INTERVAL_MS, PROCESS_MS, SLOW_TEST_MS, WAIT_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { assertFreshBuild, cliEnv, exitWithin, killAll, pings, runCli, startCli, startRedisServer } from './processes.js';

let url: string;
let prefix: string;
const tmp = mkdtempSync(path.join(tmpdir(), 'marsad-shutdown-'));
const opened: { close(): Promise<void> }[] = [];

/** Workers attached to each queue of `prefix`, as BullMQ sees them. */
async function workersOn(redisUrl: string, keyPrefix: string): Promise<Record<string, number>> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', () => {});
  opened.push({ close: async () => void connection.disconnect() });
  const counts: Record<string, number> = {};
  try {
    for (const stage of STAGES) {
      const q = new Queue(stage, { connection, prefix: keyPrefix });
      counts[stage] = await q.getWorkersCount();
      await q.close();
    }
  } finally {
    connection.disconnect();
  }
  return counts;
}

const allAttached = (counts: Record<string, number>) => Object.values(counts).every((n) => n >= 1);

beforeAll(() => {
  assertFreshBuild();
  url = testRedisUrl();
  prefix = testPrefix('shutdown');
});

afterAll(async () => {
  await killAll();
  await Promise.all(opened.map((o) => o.close()));
  if (url) await deleteKeys(url, prefix);
  rmSync(tmp, { recursive: true, force: true });
});

// Worker processes take seconds to start on a loaded machine: every wait is on a state (workers attached,
// a line logged, the process exited), and its limit only guards against a hang.
describe('marsad worker', { timeout: SLOW_TEST_MS }, () => {
  it('attaches a worker to every stage, and on SIGTERM closes them and exits 0', async () => {
    const worker = startCli(['worker'], cliEnv(url, prefix, { MARSAD_LOG_LEVEL: 'info' }));
    await vi.waitFor(async () => expect(allAttached(await workersOn(url, prefix)), worker.stderr).toBe(true), { timeout: PROCESS_MS, interval: 100 });

    // With workers attached, `marsad seed` leaves the work to them.
    const seeded = await runCli(['seed', '--json'], cliEnv(url, prefix, { MARSAD_LOG_LEVEL: 'info' }));
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(JSON.parse(seeded.stdout)).toMatchObject({ documents: 5, new: 5, failed: 0 });
    expect(seeded.stderr).not.toContain('running them in this process');

    worker.child.kill('SIGTERM');
    // Closed, not cut off: exit 0 after "stopped" (the shutdown deadline exits 1 and says so), whatever the
    // machine's load made it take. The limit of exitWithin is longer than that deadline.
    const ran = await exitWithin(worker);
    expect(ran.signal, ran.stderr).toBeNull();
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).toContain('shutting down');
    expect(ran.stderr).toContain('"msg":"stopped"');
    expect(ran.stderr).not.toContain('shutdown deadline passed');
    await vi.waitFor(async () => expect(Object.values(await workersOn(url, prefix)).every((n) => n === 0)).toBe(true), { timeout: WAIT_MS, interval: 100 });

    const status = JSON.parse((await runCli(['status', '--json'], cliEnv(url, prefix))).stdout) as { queues: Record<string, { workers: number; active: number }> };
    for (const [stage, counts] of Object.entries(status.queues)) expect(counts, stage).toMatchObject({ workers: 0, active: 0 });
  });

  it('worker STAGE attaches only to that stage', async () => {
    const own = testPrefix('shutdown-stage');
    try {
      const worker = startCli(['worker', 'tag'], cliEnv(url, own));
      await vi.waitFor(async () => expect((await workersOn(url, own)).tag, worker.stderr).toBe(1), { timeout: PROCESS_MS, interval: 100 });
      const counts = await workersOn(url, own);
      for (const stage of STAGES) expect(counts[stage], stage).toBe(stage === 'tag' ? 1 : 0);
      worker.child.kill('SIGINT');
      const ran = await exitWithin(worker);
      expect(ran.code, ran.stderr).toBe(0);
    } finally {
      await deleteKeys(url, own);
    }
  });

  it('a second signal exits at once, even while closing hangs on a Redis that stopped answering', async () => {
    const { url: frozenUrl, server } = await startRedisServer(tmp);
    const worker = startCli(['worker'], cliEnv(frozenUrl, prefix, { MARSAD_LOG_LEVEL: 'info' }));
    await vi.waitFor(async () => expect(allAttached(await workersOn(frozenUrl, prefix)), worker.stderr).toBe(true), { timeout: PROCESS_MS, interval: 100 });

    server.child.kill('SIGSTOP');
    try {
      worker.child.kill('SIGTERM');
      await vi.waitFor(() => expect(worker.stderr).toContain('shutting down'), { timeout: WAIT_MS, interval: INTERVAL_MS });
      expect(worker.child.exitCode).toBeNull(); // closing cannot finish while Redis is frozen
      worker.child.kill('SIGTERM');
      // Only the second signal can end it now: closing hangs on the frozen Redis until the shutdown deadline,
      // which exits 1, so the exit code tells "at once" from "at the deadline" whatever the load.
      const ran = await exitWithin(worker);
      expect(ran.signal, `still running after the second signal\n${ran.stderr}`).toBeNull();
      expect(ran.code, ran.stderr).toBe(130);
      expect(ran.stderr).toContain('second signal: exiting now');
    } finally {
      server.child.kill('SIGCONT');
    }
    expect(await pings(frozenUrl)).toBe(true); // an external Redis is never stopped by marsad
    server.child.kill('SIGTERM');
    await exitWithin(server);
  });

  it('worker with an unknown stage exits 2 naming the stages', async () => {
    const ran = await runCli(['worker', 'nope'], cliEnv(url, prefix));
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('unknown stage nope; stages are ');
    for (const stage of STAGES) expect(ran.stderr).toContain(stage);
  });
});
