// Starting the HTTP server as a container does (issue #11): on 0.0.0.0 without a dashboard token,
// `marsad dashboard` and `marsad run` exit 1 at once with one line naming the variable, instead of a
// stack trace and a process that never ends; with the token in a file (a Docker secret) they serve.
// Also: a start that fails later (the port taken) still ends the process, and MARSAD_PUBLIC_URL.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/yaml-file.js';
import { INTERVAL_MS, PROCESS_MS, SLOW_TEST_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { assertFreshBuild, cliEnv, exitWithin, freePort, killAll, startCli } from './processes.js';

let url: string;
let prefix: string;
const tmp = mkdtempSync(path.join(tmpdir(), 'marsad-startup-'));
const servers: Server[] = [];

beforeAll(() => {
  assertFreshBuild();
  url = testRedisUrl();
  prefix = testPrefix('startup');
});

afterAll(async () => {
  await killAll();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  if (url) await deleteKeys(url, prefix);
  rmSync(tmp, { recursive: true, force: true });
});

/** The environment of a container without its token: no token variable of any kind, every interface. */
function noTokenEnv(port: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return cliEnv(url, prefix, {
    MARSAD_HTTP_HOST: '0.0.0.0',
    MARSAD_PORT: String(port),
    MARSAD_LOG_LEVEL: 'info',
    MARSAD_DASHBOARD_TOKEN: undefined,
    MARSAD_DASHBOARD_TOKEN_FILE: undefined,
    MARSAD_DASHBOARD_READONLY_TOKEN: undefined,
    MARSAD_DASHBOARD_READONLY_TOKEN_FILE: undefined,
    ...extra,
  });
}

async function keysUnder(keyPrefix: string): Promise<string[]> {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  try {
    return await redis.keys(`${keyPrefix.replace(/[*?[\]\\]/g, '\\$&')}:*`);
  } finally {
    redis.disconnect();
  }
}

describe('the HTTP server on 0.0.0.0 without a dashboard token', { timeout: SLOW_TEST_MS }, () => {
  for (const command of ['dashboard', 'run']) {
    it(`marsad ${command} exits 1 at once with one line naming MARSAD_DASHBOARD_TOKEN, no stack trace`, async () => {
      // The guard only catches a hang (the bug: the process never ended); a passing run takes a second.
      const ran = await exitWithin(startCli([command], noTokenEnv(await freePort())), PROCESS_MS);
      expect(ran.signal, `killed by the guard: still running after ${PROCESS_MS} ms\n${ran.stderr}`).toBeNull();
      expect(ran.code, ran.stderr).toBe(1);
      const lines = ran.stderr.trimEnd().split('\n');
      expect(lines, ran.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^marsad ${command}: MARSAD_DASHBOARD_TOKEN is not set`));
      expect(lines[0]).toContain('0.0.0.0');
      expect(lines[0]).toContain('MARSAD_DASHBOARD_TOKEN_FILE');
      expect(lines[0]).toContain('127.0.0.1');
      expect(ran.stderr).not.toMatch(/^\s+at /m);
      // Nothing started: no worker ran, no subscriber was synced into Redis.
      expect(await keysUnder(prefix)).toEqual([]);
    });
  }

  it('is refused before Redis is even asked (the message is the same when Redis is down)', async () => {
    const env = noTokenEnv(await freePort(), { REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    const ran = await exitWithin(startCli(['dashboard'], env), PROCESS_MS);
    expect(ran.signal, ran.stderr).toBeNull();
    expect(ran.code, ran.stderr).toBe(1);
    expect(ran.stderr).toMatch(/^marsad dashboard: MARSAD_DASHBOARD_TOKEN is not set[^\n]*\n$/);
  });

  it('with the token in a file (as the compose file passes the Docker secret), marsad dashboard serves /healthz and stops on SIGTERM', async () => {
    const secret = path.join(tmp, 'dashboard_token');
    writeFileSync(secret, 'startup-test-token-0123456789\n', { mode: 0o600 });
    const port = await freePort();
    const dashboard = startCli(['dashboard'], noTokenEnv(port, { MARSAD_DASHBOARD_TOKEN_FILE: secret }));
    await vi.waitFor(
      async () => {
        if (dashboard.child.exitCode !== null) throw new Error(`exited: ${dashboard.stderr}${dashboard.stdout}`);
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        expect(res.status).toBe(200);
      },
      { timeout: PROCESS_MS, interval: INTERVAL_MS * 4 },
    );
    dashboard.child.kill('SIGTERM');
    const ran = await exitWithin(dashboard, PROCESS_MS);
    expect(ran.signal, ran.stderr).toBeNull();
    expect(ran.code, ran.stderr).toBe(0);
  });
});

describe('a start that fails after connecting', { timeout: SLOW_TEST_MS }, () => {
  it('marsad dashboard on a port already taken exits 1 instead of hanging', async () => {
    const taken = createServer();
    servers.push(taken);
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const env = cliEnv(url, prefix, { MARSAD_HTTP_HOST: '127.0.0.1', MARSAD_PORT: String(port), MARSAD_DASHBOARD_TOKEN: undefined, MARSAD_DASHBOARD_TOKEN_FILE: undefined });
    const ran = await exitWithin(startCli(['dashboard'], env), PROCESS_MS);
    expect(ran.signal, `killed by the guard: still running after ${PROCESS_MS} ms\n${ran.stderr}`).toBeNull();
    expect(ran.code, ran.stderr).toBe(1);
    expect(ran.stderr).toContain('EADDRINUSE');
  });
});

describe('MARSAD_PUBLIC_URL', () => {
  const env = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env };
    delete e.MARSAD_PUBLIC_URL;
    delete e.MARSAD_CONFIG_DIR;
    delete e.MARSAD_DASHBOARD_TOKEN;
    delete e.MARSAD_DASHBOARD_TOKEN_FILE;
    delete e.MARSAD_DASHBOARD_READONLY_TOKEN;
    delete e.MARSAD_DASHBOARD_READONLY_TOKEN_FILE;
    return { ...e, ...extra };
  };

  it('overrides http.publicUrl (the unsubscribe links; default http://127.0.0.1:8080)', () => {
    expect(loadConfig(env({})).settings.http.publicUrl).toBe('http://127.0.0.1:8080');
    expect(loadConfig(env({ MARSAD_PUBLIC_URL: 'https://marsad.example.org/' })).settings.http.publicUrl).toBe('https://marsad.example.org/');
  });

  it('without a public URL, links to the port the server listens on (MARSAD_PORT), not 8080', () => {
    expect(loadConfig(env({ MARSAD_PORT: '9123' })).settings.http.publicUrl).toBe('http://127.0.0.1:9123');
    expect(loadConfig(env({ MARSAD_PORT: '9123', MARSAD_HTTP_HOST: '0.0.0.0' })).settings.http.publicUrl).toBe('http://127.0.0.1:9123');
    expect(loadConfig(env({ MARSAD_PORT: '9123', MARSAD_PUBLIC_URL: 'https://marsad.example.org' })).settings.http.publicUrl).toBe('https://marsad.example.org');
  });

  it('is refused, naming the variable, when it is not a URL', () => {
    expect(() => loadConfig(env({ MARSAD_PUBLIC_URL: 'marsad.example.org' }))).toThrow(ConfigError);
    expect(() => loadConfig(env({ MARSAD_PUBLIC_URL: 'marsad.example.org' }))).toThrow(/MARSAD_PUBLIC_URL/);
  });
});
