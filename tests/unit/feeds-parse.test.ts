/** parseFeed on RSS 2.0, Atom and RDF fixtures, on what must be refused, and on a 50,000-item feed. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FeedParseError, isoDate, parseFeed, publishedTime, type FeedParseFailure } from '../../src/feeds/parse.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url), 'utf8');
const opts = { maxItems: 50 };

async function refusal(xml: string, feedUrl = 'https://feeds.example.net/rss'): Promise<FeedParseError> {
  const err = await parseFeed(xml, feedUrl, opts).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FeedParseError);
  return err as FeedParseError;
}

describe('parseFeed: RSS 2.0 in Arabic', async () => {
  const feed = await parseFeed(fixture('rss2-arabic.xml'), 'https://rafidain.example.iq/ar/rss', opts);

  it('reads the channel', () => {
    expect(feed).toMatchObject({ format: 'rss', title: 'أخبار الرافدين - سياسة', link: 'https://rafidain.example.iq/ar', ttlMinutes: 30, itemCount: 4, truncated: false });
  });

  it('orders items newest first when every item has a date', () => {
    expect(feed.items.map((i) => i.guid)).toEqual([
      'rafidain-1001',
      'https://rafidain.example.iq/ar/security/1002',
      'https://rafidain.example.iq/ar/politics/1003',
      'rafidain-1004',
    ]);
  });

  it('keeps the URL as given and canonicalizes it alongside', () => {
    const first = feed.items[0]!;
    expect(first.url).toBe('https://rafidain.example.iq/ar/politics/2025/09/01/ain-al-asad?utm_source=rss&utm_medium=feed');
    expect(first.canonicalUrl).toBe('https://rafidain.example.iq/ar/politics/2025/09/01/ain-al-asad');
    expect(first.urlKey).toBe('rafidain.example.iq/ar/politics/2025/09/01/ain-al-asad');
    expect(first.title).toBe('القوات الأمريكية تبدأ الانسحاب من قاعدة عين الأسد غربي الأنبار');
  });

  it('reads RFC 822 with an offset, dc:date, and Arabic dates with Arabic-Indic digits', () => {
    expect(feed.items.map((i) => i.published)).toEqual(['2025-09-01T10:05:00Z', '2025-08-31', '2025-08-30T06:15:00Z', '2025-08-29T18:40:00']);
  });

  it('makes summaries plain text: tags, scripts and entities gone, paragraphs spaced', () => {
    expect(feed.items[0]!.summary).toBe('بدأت القوات الأمريكية صباح الاثنين الانسحاب من قاعدة عين الأسد الجوية، بحسب مصدر أمني.');
    // Escaped HTML in <description>, with an entity escaped twice.
    expect(feed.items[1]!.summary).toBe('قال مصدر أمني إن التسليم سيجري على مراحل & بإشراف قيادة العمليات المشتركة.');
    // content:encoded when there is no description.
    expect(feed.items[2]!.summary).toBe('أعلن التحالف الدولي إعادة انتشار جزء من قواته من بغداد إلى أربيل.');
    expect(feed.items[3]!.summary).toBeNull();
  });

  it('caps summaries at a word, with an ellipsis', async () => {
    const capped = await parseFeed(fixture('rss2-arabic.xml'), 'https://rafidain.example.iq/ar/rss', { maxItems: 1, summaryMaxChars: 40 });
    const summary = capped.items[0]!.summary!;
    expect(summary.length).toBeLessThanOrEqual(40);
    expect(summary).toBe('بدأت القوات الأمريكية صباح الاثنين…');
  });

  it('keeps the newest maxItems and says it truncated', async () => {
    const two = await parseFeed(fixture('rss2-arabic.xml'), 'https://rafidain.example.iq/ar/rss', { maxItems: 2 });
    expect(two).toMatchObject({ itemCount: 4, truncated: true });
    expect(two.items.map((i) => i.guid)).toEqual(['rafidain-1001', 'https://rafidain.example.iq/ar/security/1002']);
  });
});

describe('parseFeed: Atom', async () => {
  const feed = await parseFeed(fixture('atom.xml'), 'https://wire.example.com/iraq/atom.xml', opts);

  it('takes the alternate link, not the first one, and resolves relative hrefs', () => {
    expect(feed.items.map((i) => i.url)).toEqual([
      'https://wire.example.com/iraq/2025/09/02/ain-al-asad-handover',
      'https://wire.example.com/iraq/2025/09/01/harir-erbil',
      'https://wire.example.com/ar/2025/08/31/redeployment',
    ]);
    expect(feed).toMatchObject({ format: 'atom', title: 'Example Wire: Iraq', link: 'https://wire.example.com/iraq', ttlMinutes: null });
  });

  it('uses <id> as GUID, <published> before <updated>, and survives a date JavaScript cannot read', () => {
    expect(feed.items.map((i) => [i.guid, i.published])).toEqual([
      ['tag:wire.example.com,2025:article-77', '2025-09-02T07:30:00Z'],
      ['tag:wire.example.com,2025:article-76', '2025-09-01T13:00:00Z'],
      ['tag:wire.example.com,2025:article-75', '2025-08-31'],
    ]);
  });

  it('reads html titles and summary or content as text', () => {
    expect(feed.items[1]!.title).toBe('Harir & Erbil: where the remaining forces go');
    expect(feed.items[0]!.summary).toBe('The handover completes the first phase of the transition.');
    expect(feed.items[1]!.summary).toBe('Officials in Erbil said the Harir air base would host the remaining advisers.');
  });

  it('keeps an entry with an unreadable date, without a date', async () => {
    const xml = fixture('atom.xml').replace('<published>31 آب 2025</published>', '<published>soon</published>');
    const parsed = await parseFeed(xml, 'https://wire.example.com/iraq/atom.xml', opts);
    expect(parsed.items).toHaveLength(3);
    expect(parsed.items[2]!.published).toBeNull();
  });
});

describe('parseFeed: RDF / RSS 1.0', () => {
  it('reads items, dc:date, and rdf:about as GUID and as link when <link> is missing', async () => {
    const feed = await parseFeed(fixture('rdf.xml'), 'https://agency.example.org/rss', opts);
    expect(feed).toMatchObject({ format: 'rdf', title: 'Agency Example - Iraq desk', itemCount: 2 });
    expect(feed.items.map((i) => [i.guid, i.url, i.published])).toEqual([
      ['https://agency.example.org/news/501', 'https://agency.example.org/news/501', '2025-09-01T12:00:00Z'],
      ['https://agency.example.org/news/502', 'https://agency.example.org/news/502', '2025-08-31'],
    ]);
  });
});

describe('parseFeed: links', async () => {
  const feed = await parseFeed(fixture('relative-links.xml'), 'https://feeds.example.net/ar/rss/latest.xml', opts);

  it('resolves relative, dot-segment and protocol-relative links against the feed URL', () => {
    expect(feed.items.map((i) => i.url)).toEqual([
      'https://feeds.example.net/ar/news/2001',
      'https://feeds.example.net/ar/rss/2002.html',
      'https://feeds.example.net/ar/archive/2003',
      'https://cdn.example.net/ar/2004',
      'https://feeds.example.net/ar/2005#comments',
      'https://feeds.example.net/ar/2006',
    ]);
    expect(feed.link).toBe('https://feeds.example.net/ar');
  });

  it('takes a permalink <guid> as the link, but not one marked isPermaLink="false"', () => {
    expect(feed.items.at(-1)!.title).toBe('بيان قيادة العمليات المشتركة');
    expect(feed.items.some((i) => i.url.endsWith('/2007'))).toBe(false);
  });

  it('skips items without a usable http(s) link and counts them by reason', () => {
    expect(feed.itemCount).toBe(11);
    expect(feed.skipped).toEqual({ 'no-link': 2, 'bad-link': 1, 'not-http': 2, duplicate: 0 });
  });

  it('keeps document order when items have no dates', () => {
    expect(feed.items[0]!.title).toBe('رتل أمريكي يغادر عين الأسد ليلاً');
  });
});

describe('parseFeed: GUID fallbacks', async () => {
  const feed = await parseFeed(fixture('missing-guids.xml'), 'https://live.example.com/ar/rss', opts);
  const guids = feed.items.map((i) => i.guid);

  it('uses the canonical link when the item has no GUID', () => {
    expect(guids.slice(0, 2)).toEqual(['https://live.example.com/ar/3001', 'https://live.example.com/ar/3002']);
  });

  it('hashes link, title and date when several GUID-less items share one link', () => {
    const live = feed.items.filter((i) => i.url === 'https://live.example.com/ar/live');
    expect(live).toHaveLength(2);
    expect(live.every((i) => /^sha256:[0-9a-f]{32}$/.test(i.guid))).toBe(true);
    expect(live[0]!.guid).not.toBe(live[1]!.guid);
  });

  it('drops repeats of a GUID (and of an identical GUID-less item), counting them', () => {
    expect(guids.filter((g) => g === 'dup-1')).toHaveLength(1);
    expect(feed.items.find((i) => i.guid === 'dup-1')!.title).toBe('تحديث: الجيش العراقي ينتشر في محيط القاعدة');
    expect(feed.skipped.duplicate).toBe(2);
  });

  it('is stable: the same document gives the same GUIDs', async () => {
    const again = await parseFeed(fixture('missing-guids.xml'), 'https://live.example.com/ar/rss', opts);
    expect(again.items.map((i) => i.guid)).toEqual(guids);
  });
});

describe('parseFeed: refusals', () => {
  it.each<[string, string, FeedParseFailure, RegExp]>([
    ['an HTML page', fixture('html-page.html'), 'html', /HTML page, not a feed/],
    ['HTML without a DOCTYPE', '<html><body><p>Not found</p></body></html>', 'html', /HTML page/],
    ['XHTML with an XML declaration', '<?xml version="1.0"?>\n<!-- page --><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', 'html', /HTML page/],
    ['malformed XML', fixture('malformed.xml'), 'malformed-xml', /malformed XML: Unexpected close tag at line 7/],
    ['an entity neither XML nor HTML defines', '<rss version="2.0"><channel><title>a&bogus;b</title></channel></rss>', 'malformed-xml', /Invalid character entity at line 1/],
    ['a sitemap', '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.example/</loc></url></urlset>', 'not-a-feed', /root element is <urlset>/],
    ['JSON', '{"version": "https://jsonfeed.org/version/1.1", "items": []}', 'not-a-feed', /not XML: it starts with/],
    ['an RSS document without a channel', '<rss version="2.0"><item><title>x</title></item></rss>', 'not-a-feed', /<rss> document lacks the feed structure/],
    ['an empty body', ' \n ', 'empty', /empty/],
  ])('refuses %s', async (_name, xml, reason, message) => {
    const err = await refusal(xml);
    expect(err.reason).toBe(reason);
    expect(err.message).toMatch(message);
    expect(err.message.startsWith('https://feeds.example.net/rss: ')).toBe(true);
  });

  it('accepts a DOCTYPE without entity declarations (RSS 0.91 ships one)', async () => {
    const xml =
      '<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n' +
      '<rss version="0.91"><channel><title>Old</title><item><title>Harir</title><link>https://old.example.com/1</link></item></channel></rss>';
    const feed = await parseFeed(xml, 'https://old.example.com/rss', opts);
    expect(feed.items.map((i) => i.url)).toEqual(['https://old.example.com/1']);
  });

  it('reads HTML named entities that feeds often use unescaped (&nbsp;)', async () => {
    const feed = await parseFeed('<rss version="2.0"><channel><title>a&nbsp;b</title><item><title>حرير&nbsp;أربيل</title><link>https://a.example/1</link></item></channel></rss>', 'https://a.example/rss', opts);
    expect(feed.items[0]!.title).toBe('حرير أربيل');
  });

  it('reads <rss> without a version as RSS 2.0', async () => {
    const feed = await parseFeed('<rss><channel><title>t</title><item><link>https://a.example/1</link></item></channel></rss>', 'https://a.example/rss', opts);
    expect(feed.items).toHaveLength(1);
  });
});

/**
 * The CPU time (ms) this process spent in `run`: what the work cost, which the other processes of a loaded
 * machine do not change (they change how long it takes on the wall clock).
 */
async function cpuMs<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const before = process.cpuUsage();
  const value = await run();
  const used = process.cpuUsage(before);
  return { value, ms: (used.user + used.system) / 1000 };
}

describe('parseFeed: entity expansion', () => {
  it('refuses a billion-laughs document before parsing, fast and without growing memory', async () => {
    const rss0 = process.resourceUsage().maxRSS;
    const { value: err, ms } = await cpuMs(() => refusal(fixture('billion-laughs.xml')));
    expect(err.reason).toBe('entity-declaration');
    expect(ms).toBeLessThan(50);
    expect((process.resourceUsage().maxRSS - rss0) / 1024).toBeLessThan(20);
  });

  it('refuses external entities (XXE) too', async () => {
    const xml = '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&xxe;</title></channel></rss>';
    expect((await refusal(xml)).reason).toBe('entity-declaration');
  });

  it('refuses at once even when the attack hides in front of megabytes of items', async () => {
    const padding = '<item><title>x</title><link>https://a.example/1</link></item>'.repeat(100_000);
    const xml = fixture('billion-laughs.xml').replace('</channel>', `${padding}</channel>`);
    const { value: err, ms } = await cpuMs(() => refusal(xml));
    expect(err.reason).toBe('entity-declaration');
    expect(ms).toBeLessThan(200);
  });
});

describe('parseFeed: 50,000 items', () => {
  const N = 50_000;
  const start = Date.UTC(2025, 0, 1);
  function bigFeed(): string {
    const parts = ['<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>أرشيف كامل</title><link>https://big.example.com/</link>'];
    for (let i = 0; i < N; i++) {
      parts.push(
        `<item><title>تسليم قاعدة رقم ${i}</title><link>https://big.example.com/ar/${i}</link><guid isPermaLink="false">big-${i}</guid>` +
          `<pubDate>${new Date(start + i * 60_000).toUTCString()}</pubDate><description><![CDATA[<p dir="rtl">ملخص الخبر ${i}</p>]]></description></item>`,
      );
    }
    parts.push('</channel></rss>');
    return parts.join('');
  }

  it('parses within bounded time and memory and keeps the newest maxItems', async () => {
    const xml = bigFeed();
    const rss0 = process.resourceUsage().maxRSS;
    const { value: feed, ms } = await cpuMs(() => parseFeed(xml, 'https://big.example.com/rss', { maxItems: 200 }));
    const peakGrowthMb = (process.resourceUsage().maxRSS - rss0) / 1024;
    // Measured about 3 s of CPU and +110 MB peak RSS for these 14 MB; fetch.maxBodyBytes (10 MB) bounds real bodies.
    expect(ms).toBeLessThan(15_000);
    expect(peakGrowthMb).toBeLessThan(600);
    expect(feed).toMatchObject({ itemCount: N, truncated: true });
    expect(feed.items).toHaveLength(200);
    // The document lists oldest first; the kept ones are the newest.
    expect(feed.items[0]!.guid).toBe(`big-${N - 1}`);
    expect(feed.items[199]!.guid).toBe(`big-${N - 200}`);
  }, 60_000);
});

describe('isoDate', () => {
  it.each<[string | null, string | null]>([
    ['Mon, 01 Sep 2025 10:00:00 GMT', '2025-09-01T10:00:00Z'],
    ['Mon, 01 Sep 2025 13:00:00 +0300', '2025-09-01T10:00:00Z'],
    ['Mon, 1 Sep 2025 06:00:00 EDT', '2025-09-01T10:00:00Z'],
    ['01 Sep 2025 10:00', '2025-09-01T10:00:00Z'],
    ['2025-09-01T13:00:00+03:00', '2025-09-01T10:00:00Z'],
    ['2025-09-01T10:00:00.250Z', '2025-09-01T10:00:00Z'],
    ['2025-09-01', '2025-09-01'],
    ['2025-09-01 10:00', '2025-09-01T10:00:00'],
    ['الاثنين 1 أيلول 2025', '2025-09-01'],
    ['١ سبتمبر ٢٠٢٥ - ١٠:٣٠', '2025-09-01T10:30:00'],
    ['الإثنين، 01 سبتمبر 2025 10:30 بتوقيت غرينتش', '2025-09-01T10:30:00Z'],
    // What Date.parse would "read" but is no date.
    ['1', null],
    ['Issue 12', null],
    ['2025-02-30', null],
    ['2025-09-01T25:00:00Z', null],
    ['', null],
    [null, null],
  ])('%j → %j', (input, expected) => {
    expect(isoDate(input)).toBe(expected);
  });

  it('publishedTime reads dates and zone-less times as UTC', () => {
    expect(publishedTime('2025-09-01')).toBe(Date.UTC(2025, 8, 1));
    expect(publishedTime('2025-09-01T10:30:00')).toBe(Date.UTC(2025, 8, 1, 10, 30));
    expect(publishedTime('2025-09-01T10:30:00Z')).toBe(Date.UTC(2025, 8, 1, 10, 30));
  });
});
