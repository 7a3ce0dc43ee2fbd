// Issue #12, the smaller cases: an alias bomb in a config file, `feeds: []`, a binary file given as a
// document, the dashboard's log when Redis goes away (bull-board's queues), and no framing anywhere.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { unsubscribeToken } from '../../src/alerts/unsubscribe.js';
import { configDir } from '../support/alerts-harness.js';
import { INTERVAL_MS, SLOW_TEST_MS, WAIT_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { bearer, OPERATOR_TOKEN, startDashboard, type Dashboard } from './api-harness.js';
import { assertFreshBuild, cliEnv, exitWithin, freePort, killAll, runCli, startCli, startRedisServer } from './processes.js';

const ALIAS_BOMB =
  ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    .concat('bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`))
    .join('\n') + '\n';

const tmp = mkdtempSync(path.join(tmpdir(), 'marsad-bad-day-'));
let url: string;
const prefix = testPrefix('bad-day');

beforeAll(() => {
  assertFreshBuild();
  url = testRedisUrl();
});

afterAll(async () => {
  await killAll();
  await deleteKeys(url, prefix);
  rmSync(tmp, { recursive: true, force: true });
});

describe('configuration', () => {
  it('an alias bomb in settings.yaml: exit 1 at once with one line naming the file, no stack', async () => {
    const dir = configDir({ settings: ALIAS_BOMB }, 'bad-day');
    const ran = await runCli(['status'], cliEnv(url, prefix, { MARSAD_CONFIG_DIR: dir }));
    expect(ran.code).toBe(1);
    const lines = ran.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith(`marsad status: ${path.join(dir, 'settings.yaml')}: YAML aliases expand too far`), lines[0]).toBe(true);
    expect(ran.stderr).not.toMatch(/\n\s+at /);
  });

  it('feeds: [] is no feeds, not an error (the file is optional)', async () => {
    const dir = configDir({ feeds: 'feeds: []\n' }, 'bad-day');
    const ran = await runCli(['feeds', '--json'], cliEnv(url, prefix, { MARSAD_CONFIG_DIR: dir }));
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual([]);
  });
});

describe('a binary file as a document', () => {
  it('marsad analyze says an ELF file is not text, and suggests no encoding', async () => {
    const file = path.join(tmp, 'tool.txt');
    writeFileSync(file, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(64), Buffer.from([0xc7, 0xe1, 0xff, 0xfe])]));
    const ran = await runCli(['analyze', file], cliEnv(url, prefix));
    expect(ran.code).toBe(1);
    const said = ran.stdout + ran.stderr;
    expect(said).toContain('not a text file: an executable (ELF)');
    expect(said).not.toContain('windows-1256');
  });
});

describe('the dashboard', () => {
  it('keeps its log JSON, one object a line, when Redis goes away under bull-board', async () => {
    const { url: privateUrl, server } = await startRedisServer(tmp);
    const port = await freePort();
    const dashboard = startCli(['dashboard'], cliEnv(privateUrl, prefix, { MARSAD_PORT: String(port), MARSAD_DASHBOARD_TOKEN: OPERATOR_TOKEN, MARSAD_LOG_LEVEL: 'info' }));
    await vi.waitFor(() => expect(dashboard.stdout + dashboard.stderr).toContain('http server listening'), { timeout: WAIT_MS, interval: INTERVAL_MS });
    expect((await fetch(`http://127.0.0.1:${port}/queues/operator/api/queues`, { headers: bearer(OPERATOR_TOKEN) })).status).toBe(200);
    const r = new Redis(privateUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null });
    r.on('error', () => {});
    await r.call('SHUTDOWN', 'NOSAVE').catch(() => {});
    r.disconnect();
    await server.exited;
    // The connections retry meanwhile: each retry is an error event on every queue.
    await vi.waitFor(() => expect(dashboard.stdout + dashboard.stderr).toContain('ECONNREFUSED'), { timeout: WAIT_MS, interval: INTERVAL_MS });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    dashboard.child.kill('SIGKILL');
    const ran = await exitWithin(dashboard);
    const lines = (ran.stdout + ran.stderr).split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
  }, SLOW_TEST_MS);

  describe('framing', () => {
    let d: Dashboard;
    beforeAll(async () => {
      d = await startDashboard('bad-day-frames');
    });
    afterAll(async () => {
      await d?.close();
    });

    it.each(['/api/status', '/', '/queues/operator', '/queues/operator/api/queues', '/login'])('%s: X-Frame-Options DENY and frame-ancestors \'none\'', async (p) => {
      const res = await fetch(`${d.base}${p}`, { headers: bearer(OPERATOR_TOKEN), redirect: 'manual' });
      expect(res.status).toBeLessThan(400);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    });

    it('the unsubscribe page too', async () => {
      const res = await fetch(`${d.base}/unsubscribe/${unsubscribeToken(await d.app.unsubscribeKey(), 'nobody')}`);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    });
  });
});
