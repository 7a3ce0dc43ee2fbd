// resolveRedis as `npm start` uses it: REDIS_URL, else the default endpoint, else a private
// redis-server with AOF, else an error naming the three ways. The default endpoint is a free port here.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { NoRedisError, resolveRedis, type RedisEndpoint } from '../../src/redis/connection.js';
import { testRedisUrl } from '../support/redis.js';
import { WAIT_MS } from '../support/limits.js';
import { assertFreshBuild, freePort, killAll, pings, REPO, start } from './processes.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'marsad-private-redis-'));
const endpoints: RedisEndpoint[] = [];
const ports: number[] = [];

function capturingLogger() {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
  return { log, text: () => lines.join('') };
}

async function resolveTracked(...args: Parameters<typeof resolveRedis>): Promise<RedisEndpoint> {
  const endpoint = await resolveRedis(...args);
  endpoints.push(endpoint);
  return endpoint;
}

async function withClient<T>(url: string, use: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await use(r);
  } finally {
    r.disconnect();
  }
}

afterAll(async () => {
  await killAll();
  await Promise.all(endpoints.map((e) => e.stop()));
  // Belt and braces: nothing a test started may outlive the file.
  for (const port of ports) {
    const url = `redis://127.0.0.1:${port}`;
    if (await pings(url)) await withClient(url, (r) => r.call('SHUTDOWN', 'NOSAVE').catch(() => {}));
  }
  rmSync(tmp, { recursive: true, force: true });
});

describe('resolveRedis', () => {
  it('starts a private redis-server with AOF when nothing answers, and its data survives a restart', async () => {
    const port = await freePort();
    ports.push(port);
    const defaultUrl = `redis://127.0.0.1:${port}`;
    const dataDir = path.join(tmp, 'data');
    expect(await pings(defaultUrl)).toBe(false);

    const { log, text } = capturingLogger();
    const first = await resolveTracked(undefined, dataDir, log, { defaultUrl });
    expect(first).toMatchObject({ url: defaultUrl, privateServer: true });
    expect(text()).toContain(`no Redis answered on ${defaultUrl}: started a private redis-server with AOF in ${dataDir}`);
    await withClient(first.url, async (r) => {
      expect(await r.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await r.config('GET', 'dir')).toEqual(['dir', dataDir]);
      expect(await r.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      await r.set('marsad-private-test', 'kept');
    });
    await first.stop();
    expect(await pings(defaultUrl)).toBe(false);
    expect(existsSync(path.join(dataDir, 'appendonlydir'))).toBe(true);

    const second = await resolveTracked(undefined, dataDir, capturingLogger().log, { defaultUrl });
    expect(second.privateServer).toBe(true);
    expect(await withClient(second.url, (r) => r.get('marsad-private-test'))).toBe('kept');
    await second.stop();
    expect(await pings(defaultUrl)).toBe(false);
  });

  it('uses what answers on the default endpoint and never stops it', async () => {
    const url = testRedisUrl();
    const endpoint = await resolveTracked(undefined, path.join(tmp, 'unused'), capturingLogger().log, { defaultUrl: url });
    expect(endpoint).toMatchObject({ url, privateServer: false });
    await endpoint.stop();
    expect(await pings(url)).toBe(true);
    expect(existsSync(path.join(tmp, 'unused'))).toBe(false);
  });

  it('names the three ways to get a Redis when nothing answers and redis-server is not on the PATH', async () => {
    const port = await freePort();
    ports.push(port);
    const emptyPath = mkdtempSync(path.join(tmp, 'path-'));
    const attempt = resolveTracked(undefined, path.join(tmp, 'never'), capturingLogger().log, {
      defaultUrl: `redis://127.0.0.1:${port}`,
      env: { PATH: emptyPath },
    });
    await expect(attempt).rejects.toBeInstanceOf(NoRedisError);
    const message = await attempt.catch((e: Error) => e.message);
    expect(message).toContain(`redis://127.0.0.1:${port}`);
    expect(message).toMatch(/REDIS_URL=redis:\/\//);
    expect(message).toMatch(/install redis-server/);
    expect(message).toMatch(/docker compose up -d redis/);
    expect(existsSync(path.join(tmp, 'never'))).toBe(false);
  });

  it('says which REDIS_URL does not answer (without its password), and starts nothing', async () => {
    const port = await freePort();
    ports.push(port);
    const attempt = resolveTracked(`redis://marsad:s3cret@127.0.0.1:${port}`, path.join(tmp, 'never'), capturingLogger().log, {
      defaultUrl: `redis://127.0.0.1:${port}`,
    });
    await expect(attempt).rejects.toBeInstanceOf(NoRedisError);
    const message = await attempt.catch((e: Error) => e.message);
    expect(message).toContain(`REDIS_URL=redis://***@127.0.0.1:${port} does not answer`);
    expect(message).not.toContain('s3cret');
    expect(await pings(`redis://127.0.0.1:${port}`)).toBe(false);
  });
});

/**
 * A marsad process (the built resolveRedis, as a one-shot command opens it) that starts a private server on
 * `defaultUrl`, prints "ready", then exits at once (`exit`) or waits to be killed (`wait`).
 */
function privateServerProcess(defaultUrl: string, dataDir: string, then: 'exit' | 'wait') {
  const script = `
    const { resolveRedis } = await import(${JSON.stringify(path.join(REPO, 'dist/redis/connection.js'))});
    const log = { info() {}, warn() {}, error() {}, debug() {} };
    await resolveRedis(undefined, ${JSON.stringify(dataDir)}, log, { defaultUrl: ${JSON.stringify(defaultUrl)} });
    console.log('ready');
    if (${JSON.stringify(then)} === 'exit') process.exit(0);
    setInterval(() => {}, 1000);`;
  return start(process.execPath, ['--input-type=module', '-e', script], { ...process.env, REDIS_URL: '' });
}

describe('a private redis-server never outlives marsad', () => {
  it('a process that exits without stopping its private server takes the server down with it', async () => {
    assertFreshBuild();
    const port = await freePort();
    ports.push(port);
    const url = `redis://127.0.0.1:${port}`;
    const ran = await privateServerProcess(url, path.join(tmp, 'exits'), 'exit').exited;
    expect(ran.stdout, ran.stderr).toContain('ready');
    await vi.waitFor(async () => expect(await pings(url)).toBe(false), { timeout: WAIT_MS, interval: 100 });
  });

  it("the server of a marsad that was killed is taken over (private, not external) and stopped at the end", async () => {
    assertFreshBuild();
    const port = await freePort();
    ports.push(port);
    const url = `redis://127.0.0.1:${port}`;
    const dataDir = path.join(tmp, 'orphan');
    const owner = privateServerProcess(url, dataDir, 'wait');
    await vi.waitFor(() => expect(owner.stdout, owner.stderr).toContain('ready'), { timeout: WAIT_MS, interval: 50 });
    owner.child.kill('SIGKILL');
    await owner.exited;
    expect(await pings(url)).toBe(true);

    const { log, text } = capturingLogger();
    const adopted = await resolveTracked(undefined, dataDir, log, { defaultUrl: url });
    expect(adopted).toMatchObject({ url, privateServer: true });
    expect(text()).toContain('was left running by a marsad that is gone');
    await adopted.stop();
    expect(await pings(url)).toBe(false);
  });

  it("a running marsad's private server is shared with another, which does not stop it", async () => {
    const port = await freePort();
    ports.push(port);
    const url = `redis://127.0.0.1:${port}`;
    const dataDir = path.join(tmp, 'shared');
    const first = await resolveTracked(undefined, dataDir, capturingLogger().log, { defaultUrl: url });
    expect(first.privateServer).toBe(true);
    const second = await resolveTracked(undefined, dataDir, capturingLogger().log, { defaultUrl: url });
    expect(second.privateServer).toBe(false);
    await second.stop();
    expect(await pings(url)).toBe(true);
    await first.stop();
    expect(await pings(url)).toBe(false);
  });
});
