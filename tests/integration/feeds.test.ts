import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/app.js';
import { pollFeedsOnce } from '../../src/ops/feeds.js';
import { DEFAULT_SEEDS_DIR, seedDocuments } from '../../src/ops/seed.js';
import { DEFAULT_CONFIG_DIR } from '../../src/config/load.js';
import { cleanDocument } from '../../src/extract/document.js';
import type { FeedState } from '../../src/feeds/schedule.js';
import { createLogger } from '../../src/log.js';
import type { Article } from '../../src/model.js';
import { ARTICLES, type FixtureArticle } from '../fixtures/feed-site/articles.js';
import { FeedSite } from '../support/feed-site.js';
import { PIPELINE_MS, SLOW_TEST_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';

// poll -> fetch -> clean -> dedup -> tag against a news site on loopback.
let app: App;
let site: FeedSite;
let url: string;
let prefix: string;
let first: Awaited<ReturnType<typeof pollFeedsOnce>>;
const bySlug = new Map<string, Article>();
let seed000: Article;

function reprints(): FixtureArticle[] {
  const convoy = ARTICLES.find((a) => a.slug === 'ain-al-asad-convoy')!;
  const seedText = cleanDocument({
    format: 'text',
    body: readFileSync(path.join(DEFAULT_SEEDS_DIR, '000_73aa3ffceb0c4087.txt'), 'utf8'),
    url: null,
    title: null,
    published: null,
    language: null,
  }).text;
  return [
    {
      slug: 'convoy-reprint',
      title: 'شهود: شاحنات أمريكية تخرج من عين الأسد نحو سوريا',
      date: convoy.date,
      paragraphs: convoy.paragraphs.map((p) => p.replace('أفاد شهود عيان', 'قال شهود').replace('عشرات الشاحنات', 'نحو أربعين شاحنة')),
    },
    {
      slug: 'seed-000-reprint',
      title: 'خلافات سياسية في بغداد بشأن الانسحاب من عين الأسد',
      date: convoy.date,
      paragraphs: seedText.split('\n\n').slice(0, -1),
    },
  ];
}

beforeAll(async () => {
  url = testRedisUrl();
  prefix = testPrefix('feeds');
  site = new FeedSite([...ARTICLES, ...reprints()], new Date());
  await site.start();
  const configDir = mkdtempSync(path.join(tmpdir(), 'marsad-feeds-config-'));
  for (const f of ['taxonomy.yaml', 'milestones.yaml', 'stance.yaml', 'stories.yaml']) cpSync(path.join(DEFAULT_CONFIG_DIR, f), path.join(configDir, f));
  writeFileSync(path.join(configDir, 'settings.yaml'), 'fetch:\n  hostIntervalMs: 0\n  contact: mailto:tests@example.org\n');
  writeFileSync(path.join(configDir, 'feeds.yaml'), `feeds:\n  - id: fixture-site\n    url: ${site.baseUrl}/feed.xml\n    name: Fixture Daily\n    language: ar\n`);
  const env = { ...process.env, REDIS_URL: url, MARSAD_PREFIX: prefix, MARSAD_CONFIG_DIR: configDir, MARSAD_ALLOW_PRIVATE_NETWORKS: 'true', MARSAD_LOG_LEVEL: 'silent' };
  app = await openApp({ log: createLogger(env), env });
  await seedDocuments(app, DEFAULT_SEEDS_DIR, { timeoutMs: PIPELINE_MS });
  seed000 = (await app.store.getArticles(await app.store.listArticleIds({}, 0))).find((a) => a.origin.kind === 'seed' && a.origin.file.startsWith('000'))!;
  first = await pollFeedsOnce(app, app.config.feeds, { timeoutMs: PIPELINE_MS });
  for (const id of first.documents.keys()) {
    const a = (await app.store.readArticle(id))!;
    if (a.origin.kind === 'feed') bySlug.set(path.basename(a.origin.url, '.html'), a);
  }
}, SLOW_TEST_MS);

afterAll(async () => {
  await app?.close();
  await site?.stop();
  if (url) await deleteKeys(url, prefix);
});

describe('a feed of 20 items through poll -> fetch -> clean -> dedup -> tag', { timeout: SLOW_TEST_MS }, () => {
  it('fetches and stores every item as a tagged article', () => {
    expect(first.polls).toEqual([{ feedId: 'fixture-site', note: '20 new, 0 backfill, 0 known', failed: false }]);
    expect([...first.documents.values()].filter((e) => e !== null)).toEqual([]);
    expect(bySlug.size).toBe(20);
    for (const a of bySlug.values()) {
      expect(a.stage).toBe('alerted');
      expect(a.source).toBe('Fixture Daily');
      expect(a.baseline).toBe(false);
    }
  });

  it('cleans the pages: the article text without navigation, share bar, related links or footer', () => {
    const a = bySlug.get('harir-handover-talks')!;
    const fixture = ARTICLES.find((f) => f.slug === 'harir-handover-talks')!;
    expect(a.title).toBe(fixture.title);
    for (const p of fixture.paragraphs) expect(a.text).toContain(p);
    for (const furniture of ['الرئيسية', 'فيسبوك', 'اقرأ أيضاً', 'أسعار الذهب', 'جميع الحقوق محفوظة']) expect(a.text).not.toContain(furniture);
    expect(a.canonicalUrl).toBe(`${site.baseUrl}/news/harir-handover-talks.html`);
    expect(a.published).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('links the reprints: one of another item, one of a seed', () => {
    // The story and its reprint come in the same poll, two items apart, and are fetched and cleaned side by
    // side: whichever reaches dedup first is the original, and the other is linked to it.
    const pair = [bySlug.get('ain-al-asad-convoy')!, bySlug.get('convoy-reprint')!];
    const original = pair.find((a) => a.duplicateOf === null)!;
    expect(original, 'one of the two is the original').toBeDefined();
    expect(pair.filter((a) => a !== original).map((a) => a.duplicateOf)).toEqual([original.id]);
    expect(bySlug.get('seed-000-reprint')!.duplicateOf).toBe(seed000.id);
    const originals = [...bySlug.values()].filter((a) => a.duplicateOf === null);
    expect(originals).toHaveLength(18);
  });

  it('tags bases and milestones on the feed articles', () => {
    expect(bySlug.get('harir-handover-talks')!.milestones.map((m) => m.id)).toContain('harir-exit');
    expect(bySlug.get('ain-al-asad-convoy')!.milestones.map((m) => m.id)).toContain('ain-al-asad-exit');
    expect(bySlug.get('victory-base-inventory')!.bases).toContain('baghdad-victory');
    expect(bySlug.get('football-league')!.bases).toEqual([]);
    expect(bySlug.get('football-league')!.milestones).toEqual([]);
  });

  it('keeps the feed state: ETag held, 20 items seen, healthy', async () => {
    const state = (await app.store.getFeedState<FeedState>('fixture-site'))!;
    expect(state).toMatchObject({ status: 'ok', itemsSeen: 20, failures: 0, stale: false });
    expect(state.etag).toBeTruthy();
    expect(site.count('/robots.txt')).toBe(1);
  });

  it('adds nothing on a second poll answered 304', async () => {
    const feedRequests = site.count('/feed.xml');
    const again = await pollFeedsOnce(app, app.config.feeds, { timeoutMs: PIPELINE_MS });
    expect(again.polls).toEqual([{ feedId: 'fixture-site', note: '304 not modified', failed: false }]);
    expect(again.documents.size).toBe(0);
    expect(site.count('/feed.xml')).toBe(feedRequests + 1);
    expect(site.count('/news/harir-handover-talks.html')).toBe(1);
  });
});
