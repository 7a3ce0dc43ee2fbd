// The dashboard as people use it, in Debian's chromium: the overview and the table pages at a laptop's
// width (1366 px) and a phone's (390 px, and 360 px for the overflow check) in English and Arabic, with
// nothing wider than the window; the language remembered in a cookie with <html lang dir> following it;
// a new alert arriving on the Arabic phone view without a reload. Screenshots go to tests/browser/screenshots/
// (gitignored) for people to look at.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initialFeedState, recordFailure, type FeedState } from '../../src/feeds/schedule.js';
import { CHROMIUM, enqueueDocument, launchChromium, liveDocument, startDashboard, type Dashboard } from '../support/browser.js';
import { PIPELINE_MS, SLOW_TEST_MS, WAIT_MS } from '../support/limits.js';

const SCREENSHOTS = path.resolve('tests/browser/screenshots');
const BROWSER_TEST = { timeout: SLOW_TEST_MS };
const LIVE_TEXT = { en: 'live', ar: 'مباشر' } as const;

// Four feeds in the four states the health table shows (none is polled here: their states are written below).
const FEEDS = `feeds:
  - { id: wire-ok, url: "https://wire-ok.example.org/rss", name: Wire OK, language: en, verified: true }
  - { id: wire-stale, url: "https://wire-stale.example.org/rss", name: وكالة راكدة, language: ar, verified: true }
  - { id: wire-gone, url: "https://wire-gone.example.invalid/rss", name: Gone Wire, language: en }
  - { id: wire-new, url: "https://wire-new.example.org/rss", name: New Wire, language: en }
`;

let d: Dashboard;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  d = await startDashboard('dashboard-app', { feeds: FEEDS });
  const now = new Date();
  const bounds = { minIntervalSeconds: 300, maxIntervalSeconds: 3600 };
  const at = now.toISOString();
  const polled: FeedState = { ...initialFeedState(bounds), lastPollAt: at, lastSuccessAt: at, firstSuccessAt: at, nextPollAt: new Date(now.getTime() + 1_800_000).toISOString(), itemsSeen: 12 };
  await d.app.store.putFeedState('wire-ok', polled);
  await d.app.store.putFeedState('wire-stale', { ...polled, stale: true, itemsSeen: 3 });
  const reason = 'getaddrinfo ENOTFOUND wire-gone.example.invalid (https://wire-gone.example.invalid/rss)';
  await d.app.store.putFeedState('wire-gone', recordFailure(initialFeedState(bounds), { at: now, kind: 'unresolvable', reason }));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  page.setDefaultTimeout(WAIT_MS);
  await page.goto(`${d.base}/login`);
  await page.fill('input[name="token"]', d.token);
  await Promise.all([page.waitForURL(`${d.base}/`), page.click('button[type="submit"]')]);
}, SLOW_TEST_MS);

afterAll(async () => {
  await browser?.close();
  await d?.close();
});

/** How far the page is wider than the window (0 when nothing overflows). */
const overflow = () => page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);

/** The elements that stick out of the window, for the failure message. */
const outside = () =>
  page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((e) => {
        const r = e.getBoundingClientRect();
        if (!(r.right > window.innerWidth + 0.5 || r.left < -0.5)) return false;
        // Inside a box that scrolls by itself, sticking out is what the box is for.
        for (let p = e.parentElement; p; p = p.parentElement) if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return false;
        return true;
      })
      .concat([...document.querySelectorAll('body *')].filter((e) => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0 && getComputedStyle(e).overflowX === 'visible'))
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${e.textContent?.slice(0, 40)}`)
      .join('; '),
  );

async function open(pathAndQuery: string, lang: 'en' | 'ar'): Promise<void> {
  await page.goto(`${d.base}${pathAndQuery}`);
  await page.waitForSelector(`#live:text-is("${LIVE_TEXT[lang]}")`);
}

it('shows the overview in both languages at 1366 and 390 px, nothing wider than the window', BROWSER_TEST, async () => {
  for (const lang of ['en', 'ar'] as const) {
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await open(`/?lang=${lang}`, lang);
      expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([lang, lang === 'ar' ? 'rtl' : 'ltr']);
      expect(await page.locator('#milestones article.card').count()).toBe(d.app.config.milestones.milestones.length);
      expect(await page.locator('#milestones svg.perday').count()).toBe(d.app.config.milestones.milestones.length);
      expect(await page.locator('[data-legend="highlights"]').first().isVisible()).toBe(true);
      expect(await overflow(), `${lang} at ${width} px: ${await outside()}`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(SCREENSHOTS, `overview-${lang}-${width}.png`), fullPage: true });
    }
  }
});

it('keeps every page within 360 px, tables scrolling or stacking inside their own box', BROWSER_TEST, async () => {
  await page.setViewportSize({ width: 360, height: 800 });
  const [articleId] = await d.app.store.listArticleIds({ milestone: 'ain-al-asad-exit' }, 1);
  for (const lang of ['en', 'ar'] as const) {
    for (const where of ['/', '/health', '/alerts', '/deliveries', '/articles']) {
      await open(`${where}?lang=${lang}`, lang);
      expect(await overflow(), `${where} in ${lang}: ${await outside()}`).toBeLessThanOrEqual(0);
    }
    for (const where of [`/milestones/ain-al-asad-exit?lang=${lang}`, `/articles/${articleId}?lang=${lang}`]) {
      await page.goto(`${d.base}${where}`);
      expect(await overflow(), `${where}: ${await outside()}`).toBeLessThanOrEqual(0);
    }
  }
  await open('/health?lang=en', 'en');
  const states = await page.locator('tr[data-feed]').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-feed')}:${r.getAttribute('data-health')}`));
  expect(states.sort()).toEqual(['wire-gone:failing', 'wire-new:never', 'wire-ok:ok', 'wire-stale:stale']);
  expect(await page.textContent('tr[data-feed="wire-gone"]')).toContain('ENOTFOUND');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'health-en-360.png'), fullPage: true });
  await page.setViewportSize({ width: 1366, height: 900 });
  await open('/health?lang=ar', 'ar');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'health-ar-1366.png'), fullPage: true });
  await page.goto(`${d.base}/milestones/ain-al-asad-exit?lang=ar`);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'milestone-ar-1366.png'), fullPage: true });
});

it('remembers the language in a cookie: pages without ?lang= follow it, the switch changes it', BROWSER_TEST, async () => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(`${d.base}/alerts?lang=ar`);
  await page.goto(`${d.base}/health`);
  expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
  await Promise.all([page.waitForURL(/lang=en/), page.click('a.switch')]);
  expect(new URL(page.url()).pathname).toBe('/health');
  await page.goto(`${d.base}/`);
  expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['en', 'ltr']);
});

it('shows a new alert on the Arabic phone view without a reload', BROWSER_TEST, async () => {
  await page.setViewportSize({ width: 390, height: 900 });
  await open('/?lang=ar', 'ar');
  // A reload would lose this mark.
  await page.evaluate(() => ((window as unknown as { stillSamePage: boolean }).stillSamePage = true));
  const doc = liveDocument();
  await enqueueDocument(d.app, doc);
  const row = page.locator(`#alert-rows tr.new:has(a[href="/articles/${doc.id}"])`).first();
  await row.waitFor({ timeout: PIPELINE_MS });
  expect(await page.evaluate(() => (window as unknown as { stillSamePage?: boolean }).stillSamePage)).toBe(true);
  // The row came in the interface language.
  expect(await row.locator('td').first().getAttribute('data-label')).toBe('أُنشئ');
  expect(await overflow()).toBeLessThanOrEqual(0);
  await row.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'live-alert-ar-390.png'), fullPage: true });
});

it('swaps in a table that changed (a new delivery) without a reload', BROWSER_TEST, async () => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await open('/deliveries?lang=en', 'en');
  await page.evaluate(() => ((window as unknown as { stillSamePage: boolean }).stillSamePage = true));
  const now = new Date().toISOString();
  const id = 'dl-00000000000dd001';
  await d.app.alerts.createDelivery({ id, subscriberId: 'desk', channel: 'webhook', alertIds: [], digest: null, status: 'dead', attempts: 5, attemptStartedAt: null, lastError: 'HTTP 500', lastResponse: null, createdAt: now, updatedAt: now, sentAt: null });
  await page.locator(`tr[data-delivery="${id}"]`).waitFor({ timeout: PIPELINE_MS });
  expect(await page.evaluate(() => (window as unknown as { stillSamePage?: boolean }).stillSamePage)).toBe(true);
  // The swapped-in section is rendered for this session: the operator's replay button is there.
  expect(await page.locator(`tr[data-delivery="${id}"] button[type="submit"]`).count()).toBe(1);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'deliveries-en-1366.png'), fullPage: true });
});
