// Issue #12, "survive the bad day": against a Redis at maxmemory (noeviction), the read-only commands
// print their data (they write nothing, not even the unsubscribe key), and a command that has to write
// says so in one line: never a stack, never a hang.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openApp } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { keys } from '../../src/store/keys.js';
import { INTERVAL_MS, SLOW_TEST_MS, WAIT_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { assertFreshBuild, cliEnv, freePort, killAll, pings, runCli, start } from './processes.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'marsad-oom-'));
let url: string;
const prefix = testPrefix('oom');

beforeAll(async () => {
  assertFreshBuild();
  const port = await freePort();
  url = `redis://127.0.0.1:${port}`;
  const server = start(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', tmp, '--maxmemory', '2mb', '--maxmemory-policy', 'noeviction', '--save', '', '--appendonly', 'no'],
    process.env,
    tmp,
  );
  await vi.waitFor(
    async () => {
      if (server.child.exitCode !== null) throw new Error(`redis-server exited: ${server.stdout}`);
      if (!(await pings(url))) throw new Error(`redis-server on ${url} does not answer yet`);
    },
    { timeout: WAIT_MS, interval: INTERVAL_MS },
  );
  // Fill it until it refuses writes.
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    for (let i = 0; ; i++) {
      try {
        await r.set(`filler:${i}`, 'x'.repeat(16 * 1024));
      } catch (e) {
        expect((e as Error).message).toMatch(/^OOM /);
        break;
      }
    }
  } finally {
    r.disconnect();
  }
});

afterAll(async () => {
  if (url && (await pings(url))) {
    const r = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
    r.on('error', () => {});
    await r.call('SHUTDOWN', 'NOSAVE').catch(() => {});
    r.disconnect();
  }
  await killAll();
  rmSync(tmp, { recursive: true, force: true });
});

const READ_ONLY = [['status'], ['status', '--json'], ['articles'], ['articles', '--json'], ['alerts'], ['deliveries'], ['feeds'], ['milestones'], ['stories']];

describe('Redis out of memory', () => {
  it.each(READ_ONLY.map((args) => [args.join(' '), args]))(
    'marsad %s prints its data and exits 0: no write, no stack, no hang',
    async (_name, args) => {
      const ran = await runCli(args as string[], cliEnv(url, prefix));
      expect(ran.stderr).not.toMatch(/\n\s+at /);
      expect(ran.stderr).not.toMatch(/OOM/);
      expect(ran.code).toBe(0);
      expect(ran.stdout.length).toBeGreaterThan(0);
      if (args.includes('--json')) expect(() => JSON.parse(ran.stdout)).not.toThrow();
    },
    SLOW_TEST_MS,
  );

  it('a command that must write (seed) says so in one line and exits 1, without a stack or a hang', async () => {
    const ran = await runCli(['seed'], cliEnv(url, prefix, { MARSAD_LOG_LEVEL: 'silent' }));
    expect(ran.code).toBe(1);
    expect(ran.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^marsad seed: Redis is out of memory .*maxmemory/)]);
  }, SLOW_TEST_MS);
});

describe('the unsubscribe key', () => {
  it('is not created by opening the app (read-only commands), only when a link is signed', async () => {
    const shared = testRedisUrl();
    const p = testPrefix('unsub-key');
    const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: shared, MARSAD_PREFIX: p, MARSAD_LOG_LEVEL: 'silent' };
    delete env.MARSAD_UNSUBSCRIBE_KEY;
    delete env.MARSAD_UNSUBSCRIBE_KEY_FILE;
    const app = await openApp({ log: createLogger(env), env });
    const check = new Redis(shared, { maxRetriesPerRequest: 1 });
    try {
      expect(await check.exists(keys(p).unsubscribeKey)).toBe(0);
      const key = await app.unsubscribeKey();
      expect(key.length).toBeGreaterThan(0);
      expect(await check.get(keys(p).unsubscribeKey)).toBe(key.toString());
      // Every process signs with the same key.
      const other = await openApp({ log: createLogger(env), env });
      expect((await other.unsubscribeKey()).equals(key)).toBe(true);
      await other.close();
    } finally {
      check.disconnect();
      await app.close();
      await deleteKeys(shared, p);
    }
  });
});
