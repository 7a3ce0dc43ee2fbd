// Feed parsing of garbage: it resolves, or rejects with the documented FeedParseError only.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeedParseError, parseFeed } from '../../src/feeds/parse.js';
import { garbageHtml, garbageText, RUNS, CALL_BOUND_MS } from './garbage.js';

const item = fc
  .tuple(garbageText.map((t) => t.slice(0, 200)), fc.constantFrom('https://a.example/1', 'javascript:x', '', '/rel', 'https://a.example/1'), fc.constantFrom('Tue, 15 Sep 2026 10:00:00 GMT', 'garbage', ''))
  .map(([title, link, date]) => `<item><title>${title}</title><link>${link}</link><pubDate>${date}</pubDate><description>${title}</description></item>`);
const feedLike = fc.oneof(
  garbageText,
  garbageHtml,
  fc.array(item, { maxLength: 20 }).map((items) => `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>${items.join('')}</channel></rss>`),
  fc.array(item, { maxLength: 5 }).map((items) => `<rss><channel>${items.join('')}`),
);

describe('feed parsing on garbage', () => {
  it('resolves or rejects with FeedParseError, within the bound', async () => {
    await fc.assert(
      fc.asyncProperty(feedLike, async (xml) => {
        const t0 = performance.now();
        try {
          const feed = await parseFeed(xml, 'https://a.example/rss', { maxItems: 50 });
          expect(feed.items.length).toBeLessThanOrEqual(50);
        } catch (err) {
          expect(err).toBeInstanceOf(FeedParseError);
        }
        expect(performance.now() - t0).toBeLessThan(CALL_BOUND_MS);
      }),
      { numRuns: RUNS },
    );
  });
});
