/** selectNewItems: fresh reporting, backfill and known items, and the cap. */
import { describe, expect, it } from 'vitest';
import { selectNewItems } from '../../src/feeds/items.js';
import type { FeedItem } from '../../src/feeds/parse.js';

const NOW = new Date(Date.UTC(2025, 8, 10, 12, 0, 0));
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 24 * 3600 * 1000).toISOString().replace(/\.000Z$/, 'Z');

function item(guid: string, published: string | null): FeedItem {
  const url = `https://news.example.iq/ar/${guid}`;
  return { guid, url, canonicalUrl: url, urlKey: `news.example.iq/ar/${guid}`, title: `خبر ${guid}`, published, summary: null };
}

const items = [
  item('today', daysAgo(0.1)),
  item('known', daysAgo(1)),
  item('undated', null),
  item('six-days', daysAgo(6.9)),
  item('old', daysAgo(7.1)),
  item('date-only-old', '2025-08-01'),
  item('future', daysAgo(-1)),
];
const known = items.map((i) => i.guid === 'known');
const guids = (list: FeedItem[]) => list.map((i) => i.guid);

describe('selectNewItems', () => {
  it('at the first poll: old and undated items are backfill', () => {
    const s = selectNewItems(items, known, NOW, { firstPoll: true, backfillDays: 7, maxItems: 200 });
    expect(guids(s.fresh)).toEqual(['today', 'six-days', 'future']);
    expect(guids(s.backfill)).toEqual(['undated', 'old', 'date-only-old']);
    expect(guids(s.known)).toEqual(['known']);
    expect(s.capped).toBe(0);
  });

  it('later: an unseen undated item is fresh, an unseen old one still backfill', () => {
    const s = selectNewItems(items, known, NOW, { firstPoll: false, backfillDays: 7, maxItems: 200 });
    expect(guids(s.fresh)).toEqual(['today', 'undated', 'six-days', 'future']);
    expect(guids(s.backfill)).toEqual(['old', 'date-only-old']);
  });

  it('the window follows backfillDays', () => {
    const s = selectNewItems(items, known, NOW, { firstPoll: false, backfillDays: 1, maxItems: 200 });
    expect(guids(s.fresh)).toEqual(['today', 'undated', 'future']);
  });

  it('caps fresh and backfill together, fresh first, and counts what it left out', () => {
    const s = selectNewItems(items, known, NOW, { firstPoll: true, backfillDays: 7, maxItems: 4 });
    expect(guids(s.fresh)).toEqual(['today', 'six-days', 'future']);
    expect(guids(s.backfill)).toEqual(['undated']);
    expect(s.capped).toBe(2);
    expect(s.known).toHaveLength(1);
  });

  it('caps fresh items too', () => {
    const s = selectNewItems(items, known, NOW, { firstPoll: false, backfillDays: 7, maxItems: 2 });
    expect(guids(s.fresh)).toEqual(['today', 'undated']);
    expect(s.backfill).toEqual([]);
    expect(s.capped).toBe(4);
  });

  it('refuses answers that do not match the items', () => {
    expect(() => selectNewItems(items, [true], NOW, { firstPoll: false, backfillDays: 7, maxItems: 10 })).toThrow(/1 answers for 7 items/);
  });
});
