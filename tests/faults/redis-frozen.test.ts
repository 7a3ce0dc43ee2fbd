// Issue #12 item 5, a frozen Redis (SIGSTOP: the connection stays open, nothing answers) under
// `marsad dashboard`: /readyz still answers within a second (503, the reason), and API requests are
// refused with 503 and the reason once a PING has gone unanswered, instead of hanging; after SIGCONT
// they work again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { INTERVAL_MS, PROCESS_MS, SLOW_TEST_MS, WAIT_MS } from '../support/limits.js';
import { testPrefix } from '../support/redis.js';
import { OPERATOR_TOKEN } from '../integration/api-harness.js';
import { assertFreshBuild, cliEnv, exitWithin, freePort, killAll, startCli, startRedisServer } from '../integration/processes.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'marsad-faults-frozen-'));
const FAIL_FAST_MS = 1_000;

beforeAll(() => assertFreshBuild());
afterAll(async () => {
  await killAll();
  rmSync(tmp, { recursive: true, force: true });
});

async function timed(url: string, init?: RequestInit): Promise<{ status: number; body: { reasons?: string[]; error?: string; details?: string[] }; ms: number }> {
  const started = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(WAIT_MS) });
  return { status: res.status, body: (await res.json()) as { reasons?: string[] }, ms: performance.now() - started };
}

describe('a frozen Redis under marsad dashboard', { timeout: SLOW_TEST_MS }, () => {
  it('answers /readyz within 1 s and refuses API requests with 503 and the reason instead of hanging; after SIGCONT they work again', async () => {
    const { url, server } = await startRedisServer(tmp);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dashboard = startCli(['dashboard'], cliEnv(url, testPrefix('faults-frozen'), { MARSAD_PORT: String(port), MARSAD_DASHBOARD_TOKEN: OPERATOR_TOKEN }));
    await vi.waitFor(async () => expect((await fetch(`${base}/healthz`).catch(() => null))?.status, dashboard.stderr).toBe(200), { timeout: PROCESS_MS, interval: 100 });
    const auth = { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } };
    expect((await timed(`${base}/api/status`, auth)).status).toBe(200);

    server.child.kill('SIGSTOP');
    try {
      // /readyz answers within a second throughout: first its own deadline, then the PING gone unanswered.
      await vi.waitFor(
        async () => {
          const ready = await timed(`${base}/readyz`);
          expect(ready.status).toBe(503);
          expect(ready.ms).toBeLessThan(FAIL_FAST_MS);
          expect(ready.body.reasons?.[0]).toMatch(/^Redis has not answered a PING for \d+\.\d s$/);
        },
        { timeout: WAIT_MS, interval: 200 },
      );
      // From then on requests are refused at once (those that came in the first second wait for Redis).
      const refused = await timed(`${base}/api/deliveries/dl-0000000000000001/retry`, { method: 'POST', ...auth });
      expect(refused.status).toBe(503);
      expect(refused.ms).toBeLessThan(FAIL_FAST_MS);
      expect(refused.body.details?.[0]).toMatch(/^Redis has not answered a PING for \d+\.\d s$/);
    } finally {
      server.child.kill('SIGCONT');
    }
    await vi.waitFor(async () => expect((await timed(`${base}/api/status`, auth)).status).toBe(200), { timeout: WAIT_MS, interval: INTERVAL_MS * 4 });

    dashboard.child.kill('SIGTERM');
    expect((await exitWithin(dashboard)).code).toBe(0);
    server.child.kill('SIGTERM');
    await exitWithin(server);
  });
});
