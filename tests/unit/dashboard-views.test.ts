import { describe, expect, it } from 'vitest';
import type { FeedReport } from '../../src/ops/feeds.js';
import { perDayChart, reportsPerDay } from '../../src/server/views/board.js';
import { feedHealth, feedsSection } from '../../src/server/views/health.js';
import { layout } from '../../src/server/views/html.js';
import { pagerNav } from '../../src/server/views/status.js';

const feed = (over: Partial<FeedReport>): FeedReport => ({
  id: 'feed-a',
  name: 'Feed A',
  url: 'https://news.example.org/rss',
  language: 'en',
  verified: true,
  status: 'ok',
  stale: false,
  lastPollAt: null,
  lastSuccessAt: null,
  nextPollAt: null,
  intervalSeconds: 1800,
  etag: null,
  lastModified: null,
  itemsSeen: 0,
  failures: 0,
  consecutiveFailures: 0,
  lastError: null,
  ...over,
});

describe('feed health', () => {
  it('has one state per feed: never polled, failing, stale, ok', () => {
    expect(feedHealth(feed({ status: 'never polled' }))).toBe('never');
    expect(feedHealth(feed({ status: 'failing', stale: true }))).toBe('failing');
    expect(feedHealth(feed({ stale: true }))).toBe('stale');
    expect(feedHealth(feed({}))).toBe('ok');
  });

  it('shows a failing feed with its reason, and never a green ok for it', () => {
    const reason = 'getaddrinfo ENOTFOUND feeds.example.invalid (https://feeds.example.invalid/rss)';
    const html = feedsSection([feed({ status: 'failing', failures: 3, consecutiveFailures: 1, lastError: { at: '2026-12-05T10:00:00Z', reason } })], 'en');
    const row = html.slice(html.indexOf('<tr data-feed="feed-a"'));
    expect(row).toContain('data-health="failing"');
    expect(row).toContain('class="flag bad"');
    expect(row).not.toContain('class="flag ok"');
    expect(row).toContain('ENOTFOUND feeds.example.invalid');
  });

  it('says so when an ok feed missed its last poll', () => {
    const html = feedsSection([feed({ failures: 1, consecutiveFailures: 1, lastError: { at: '2026-12-05T10:00:00Z', reason: 'HTTP 503' } })], 'en');
    expect(html).toContain('1× failed');
    expect(html).toContain('HTTP 503');
  });
});

describe('milestone board chart', () => {
  const now = new Date('2026-12-05T12:00:00Z');

  it('counts dated reports per day over the last 90 days, oldest first; undated and older ones are left out', () => {
    const counts = reportsPerDay(
      [
        { published: '2026-12-05', undated: false },
        { published: '2026-12-05T08:00:00Z', undated: false },
        { published: '2026-09-07', undated: false },
        { published: '2026-09-06', undated: false },
        { published: '2026-12-04', undated: true },
      ],
      now,
    );
    expect(counts).toHaveLength(90);
    expect(counts.at(-1)).toBe(2);
    expect(counts[0]).toBe(1);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('draws one bar per day with reports, and says when there are none', () => {
    const counts = new Array<number>(90).fill(0);
    counts[10] = 2;
    counts[89] = 1;
    const svg = perDayChart(counts, now, '2026-12-31', 'en');
    expect((svg.match(/<rect class="bar"/g) ?? []).length).toBe(2);
    expect(svg).toContain('data-total="3"');
    expect(perDayChart(new Array<number>(90).fill(0), now, '2026-12-31', 'ar')).toContain('لا تقارير مؤرخة');
  });
});

describe('layout and pagers', () => {
  it('sets html lang and dir from the interface language, and marks the current page', () => {
    expect(layout({ title: 't', body: '', lang: 'ar', active: 'alerts' })).toMatch(/<html lang="ar" dir="rtl">[\s\S]*<a href="\/alerts" aria-current="page">التنبيهات<\/a>/);
    expect(layout({ title: 't', body: '' })).toContain('<html lang="en" dir="ltr">');
  });

  it('links the previous and next pages, keeping the filters', () => {
    const nav = pagerNav({ page: 2, hasNext: true, href: '/articles?milestone=harir-exit' }, 'en');
    expect(nav).toContain('href="/articles?milestone=harir-exit&amp;page=1"');
    expect(nav).toContain('href="/articles?milestone=harir-exit&amp;page=3"');
    expect(pagerNav({ page: 1, hasNext: false, href: '/alerts' }, 'en')).toBe('');
  });
});
