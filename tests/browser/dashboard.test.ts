// The dashboard in a real browser (Debian's chromium, driven by playwright-core): log in, the queues
// with their counts after the seeds, an article with its tags highlighted, a new alert arriving live
// (no reload) when a fixture article goes through the pipeline, and bull-board. Screenshots of each
// view go to test-artifacts/.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ARTIFACTS_DIR, CHROMIUM, enqueueDocument, launchChromium, liveDocument, startDashboard, type Dashboard } from '../support/browser.js';
import { STAGES } from '../../src/queues/names.js';
import { PIPELINE_MS, SLOW_TEST_MS, WAIT_MS } from '../support/limits.js';

// Chromium and the seeds on a loaded machine take their time: every wait is on something the page shows,
// and its limit only guards against a hang.
const BROWSER_TEST = { timeout: SLOW_TEST_MS };

let d: Dashboard;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  d = await startDashboard('dashboard-browser');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(WAIT_MS);
}, SLOW_TEST_MS);

afterAll(async () => {
  await browser?.close();
  await d?.close();
});

const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS_DIR, name), fullPage: true });

it('logs in and shows the queues with their counts', BROWSER_TEST, async () => {
  await page.goto(`${d.base}/`);
  // Not logged in: the login form, which comes back to / after.
  expect(new URL(page.url()).pathname).toBe('/login');
  await shot('dashboard-login.png');
  await page.fill('input[name="token"]', d.token);
  await Promise.all([page.waitForURL(`${d.base}/`), page.click('button[type="submit"]')]);
  const completed = Number(await page.textContent('[data-count="clean:completed"]'));
  expect(completed).toBeGreaterThanOrEqual(5);
  expect(await page.locator('tr[data-queue]').count()).toBe(STAGES.length);
  await page.waitForSelector('#live:text-is("live")');
  await shot('dashboard-status.png');
});

it('opens an article and shows its tags highlighted', BROWSER_TEST, async () => {
  const [id] = await d.app.store.listArticleIds({ milestone: 'ain-al-asad-exit' }, 1);
  await page.click(`#articles a[href="/articles/${id}"]`);
  await page.waitForURL(`${d.base}/articles/${id}`);
  expect(await page.getAttribute('.text', 'dir')).toBe('rtl');
  expect(await page.locator('.text mark').count()).toBeGreaterThan(0);
  expect(await page.locator('.text mark.milestone').count()).toBeGreaterThan(0);
  await shot('dashboard-article.png');
});

it("opens a milestone's page from the status page: the assessment, the SVG timeline keyed to the reports", async () => {
  const violations: string[] = [];
  const onConsole = (m: { type(): string; text(): string }) => {
    if (m.type() === 'error' && m.text().includes('Content Security Policy')) violations.push(m.text());
  };
  page.on('console', onConsole);
  await page.goto(`${d.base}/`);
  await Promise.all([page.waitForURL(`${d.base}/milestones/ain-al-asad-exit`), page.click('#milestones a[data-milestone-link="ain-al-asad-exit"]')]);
  await page.locator('#assessment .stance').first().waitFor();
  const marks = page.locator('svg.timeline a.mark');
  expect(await marks.count()).toBe(await page.locator('tr.report').count());
  expect(await marks.count()).toBeGreaterThan(0);
  expect(await page.locator('svg.timeline [data-legend]').count()).toBe(8);
  // A mark leads to its row of the table.
  await marks.first().click();
  expect(new URL(page.url()).hash).toBe('#report-1');
  expect(await page.locator('tr.report:target').getAttribute('id')).toBe('report-1');
  expect(await page.locator('tr.report .evidence').first().evaluate((e) => getComputedStyle(e).direction)).toBe('rtl');
  await shot('dashboard-milestone.png');
  page.off('console', onConsole);
  expect(violations).toEqual([]);
});

it('shows a new alert live, without a reload, when a fixture article is processed', BROWSER_TEST, async () => {
  await page.goto(`${d.base}/`);
  await page.waitForSelector('#live:text-is("live")');
  // A reload would lose this mark.
  await page.evaluate(() => ((window as unknown as { stillSamePage: boolean }).stillSamePage = true));
  const before = Number(await page.textContent('[data-count="clean:completed"]'));
  const doc = liveDocument();
  await enqueueDocument(d.app, doc);
  const row = page.locator(`#alert-rows tr.new:has(a[href="/articles/${doc.id}"])`).first();
  await row.waitFor({ timeout: PIPELINE_MS });
  await page.waitForFunction((n) => Number(document.querySelector('[data-count="clean:completed"]')?.textContent) > n, before, { timeout: PIPELINE_MS });
  expect(await page.evaluate(() => (window as unknown as { stillSamePage?: boolean }).stillSamePage)).toBe(true);
  expect(await row.locator('.evidence[dir="rtl"] mark').count()).toBeGreaterThan(0);
  await shot('dashboard-live-alert.png');
});

it('shows bull-board with every queue (the operators board for the operator)', BROWSER_TEST, async () => {
  await page.goto(`${d.base}/queues`);
  expect(new URL(page.url()).pathname).toBe('/queues/operator');
  for (const stage of ['clean', 'dedup', 'tag', 'alert']) await page.getByText(stage, { exact: true }).first().waitFor({ timeout: WAIT_MS });
  // The clean queue's completed jobs (ids are the stage and the document id).
  const violations: string[] = [];
  page.on('console', (m) => {
    // Its Google Fonts stylesheet is blocked on purpose (no third-party requests).
    if (m.type() === 'error' && m.text().includes('Content Security Policy') && !m.text().includes('fonts.googleapis.com')) violations.push(m.text());
  });
  await page.goto(`${d.base}/queues/operator/queue/clean?status=completed`);
  await page.getByText(/clean-[0-9a-f]{16}/).first().waitFor({ timeout: WAIT_MS });
  await shot('dashboard-bull-board.png');
  expect(violations).toEqual([]);
});
