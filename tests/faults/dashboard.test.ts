// Issue #12 item 8: bull-board's operator actions from a cookie session need the CSRF token (README), and
// wrong dashboard tokens are throttled per address, saying how long to wait.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FREE_FAILURES } from '../../src/server/login-throttle.js';
import { BOARD_CSRF_SCRIPT_PATH } from '../../src/server/bull-board.js';
import { bearer, OPERATOR_TOKEN, startDashboard, type Dashboard } from '../integration/api-harness.js';
import { Jar, login } from '../support/session.js';

let d: Dashboard;
beforeAll(async () => {
  d = await startDashboard('faults-dashboard');
});
afterAll(async () => d?.close());

/** bull-board acts on BullMQ's queue itself: the test reads it the same way. */
const pollPaused = () => d.app.queues.queuesForBoard().poll.isPaused();
const PAUSE = '/queues/operator/api/queues/poll/pause';
const RESUME = '/queues/operator/api/queues/poll/resume';

describe('bull-board operator actions from a cookie session', () => {
  it('are refused (403) without the CSRF token and accepted with the token the board page carries', async () => {
    const jar = new Jar();
    expect((await login(d.base, jar, OPERATOR_TOKEN)).status).toBe(303);
    const put = (path: string, headers: Record<string, string> = {}) => fetch(`${d.base}${path}`, { method: 'PUT', headers: { cookie: jar.header, ...headers } });

    const without = await put(PAUSE);
    expect(without.status).toBe(403);
    expect(await pollPaused()).toBe(false);
    expect((await put(PAUSE, { 'x-csrf-token': 'forged' })).status).toBe(403);
    expect(await pollPaused()).toBe(false);

    // The board's page loads the script that adds its token to the board's own requests.
    const page = await fetch(`${d.base}/queues/operator`, { headers: { cookie: jar.header, accept: 'text/html' } });
    expect(page.status).toBe(200);
    jar.take(page);
    const html = await page.text();
    const token = new RegExp(`<script src="${BOARD_CSRF_SCRIPT_PATH}" data-csrf="([^"]+)"></script></head>`).exec(html)?.[1];
    expect(token, html.slice(0, 600)).toBeTruthy();
    expect((await fetch(`${d.base}${BOARD_CSRF_SCRIPT_PATH}`)).headers.get('content-type')).toContain('javascript');

    expect((await put(PAUSE, { 'x-csrf-token': token! })).status).toBe(200);
    expect(await pollPaused()).toBe(true);
    expect((await put(RESUME, { 'x-csrf-token': token! })).status).toBe(200);
    expect(await pollPaused()).toBe(false);
  });

  it('a Bearer request needs no CSRF token (a browser never adds the header by itself)', async () => {
    expect((await fetch(`${d.base}${PAUSE}`, { method: 'PUT', headers: bearer(OPERATOR_TOKEN) })).status).toBe(200);
    expect((await fetch(`${d.base}${RESUME}`, { method: 'PUT', headers: bearer(OPERATOR_TOKEN) })).status).toBe(200);
    expect(await pollPaused()).toBe(false);
  });
});

describe('wrong dashboard tokens', () => {
  it(`are answered 401 ${FREE_FAILURES} times, then 429 with Retry-After, the right token included, from that address`, async () => {
    // Its own server: the lockout is per process and would lock out the other tests of this file.
    const own = await startDashboard('faults-throttle');
    try {
      for (let i = 0; i < FREE_FAILURES; i++) expect((await login(own.base, new Jar(), `wrong-token-${i}-0123456789abcdef`)).status).toBe(401);
      const locked = await login(own.base, new Jar(), 'wrong-token-last-0123456789abcdef');
      expect(locked.status).toBe(429);
      const retryAfter = Number(locked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(await locked.text()).toContain(`too many wrong tokens from this address: try again in ${retryAfter} s`);

      // While locked out no token is even compared: the right one gets the same answer.
      const right = await login(own.base, new Jar(), OPERATOR_TOKEN);
      expect(right.status).toBe(429);
      const api = await fetch(`${own.base}/api/status`, { headers: bearer(OPERATOR_TOKEN) });
      expect(api.status).toBe(429);
      expect(Number(api.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await api.json()).toMatchObject({ error: 'too many wrong tokens' });
    } finally {
      await own.close();
    }
  });
});
