// Issue #12 item 8, in a real browser: bull-board's own page, opened from a cookie session, sends its
// operator actions with the CSRF token (the script the board page is given adds it to XMLHttpRequest and
// fetch), so the board keeps working while a request without the token is refused.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OPERATOR_TOKEN, startDashboard, type Dashboard } from '../integration/api-harness.js';
import { CHROMIUM, launchChromium } from '../support/browser.js';
import { SLOW_TEST_MS, WAIT_MS } from '../support/limits.js';

let d: Dashboard;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  d = await startDashboard('faults-dashboard-browser');
  browser = await launchChromium();
}, SLOW_TEST_MS);
afterAll(async () => {
  await browser?.close();
  await d?.close();
});

it('the operator board page pauses and resumes a queue through XMLHttpRequest and fetch from a cookie session', { timeout: SLOW_TEST_MS }, async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(WAIT_MS);
  await page.goto(`${d.base}/login?next=/queues/operator`);
  await page.fill('input[name="token"]', OPERATOR_TOKEN);
  await Promise.all([page.waitForURL(`${d.base}/queues/operator`), page.click('button[type="submit"]')]);
  await page.getByText('poll', { exact: true }).first().waitFor();

  const statuses = await page.evaluate(async () => {
    const xhr = (method: string, url: string) =>
      new Promise<number>((resolve) => {
        const r = new XMLHttpRequest();
        r.open(method, url);
        r.onload = () => resolve(r.status);
        r.send();
      });
    const paused = await xhr('PUT', 'api/queues/poll/pause');
    const resumed = (await fetch('api/queues/poll/resume', { method: 'PUT' })).status;
    return { paused, resumed };
  });
  expect(statuses).toEqual({ paused: 200, resumed: 200 });
  expect(await d.app.queues.queuesForBoard().poll.isPaused()).toBe(false);

  // The same request from a page without the script (another site's, say) carries no token: refused.
  const bare = await page.context().request.put(`${d.base}/queues/operator/api/queues/poll/pause`);
  expect(bare.status()).toBe(403);
  expect(await d.app.queues.queuesForBoard().poll.isPaused()).toBe(false);
});
