// Cost per article of the story step (the story stage's handler: features, registration, candidates,
// link decisions, the atomic join, the article's save) with 1,000 and with 100,000 articles already in the
// story index, on a real Redis. The stored articles are synthetic features spread over a year, about one
// in ten about a base, as a year of reporting would be; the measured articles are the labelled story set.
import { randomBytes } from 'node:crypto';
import { openApp } from '../src/app.js';
import { tagArticle } from '../src/cores.js';
import { contentHash } from '../src/dedup/content-hash.js';
import { signTokens } from '../src/dedup/minhash.js';
import { createLogger } from '../src/log.js';
import type { Article } from '../src/model.js';
import { lookupConcepts, type StoryFeatures } from '../src/stories/features.js';
import { words } from '../src/text/arabic.js';
import type { StageDeps } from '../src/workers/deps.js';
import { handleStory } from '../src/workers/story.js';
import { readStorySet } from './story-eval.js';
import { deleteKeys, stats, type Stats } from './support.js';

const DAY_MS = 86_400_000;
const BASES = ['ain-al-asad', 'harir', 'erbil-airport', 'baghdad-victory', 'union-iii', 'al-tanf', 'qayyarah', 'taji'];
const PLACES = ['anbar', 'baghdad', 'erbil', 'kurdistan', 'syria', 'green-zone', 'deir-ez-zor', 'hasakah'];
const EVENTS = ['convoy', 'handover', 'withdrawal', 'drone-attack', 'rocket-attack', 'attack', 'visit', 'talks', 'agreement', 'denial'];
const ACTORS = ['pentagon', 'joint-operations-command', 'iraqi-government', 'kurdistan-region', 'armed-factions', 'us-government'];

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function synthetic(i: number, rnd: () => number, from: number): StoryFeatures {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const lead = new Set<string>([`place:${pick(PLACES)}`, `event:${pick(EVENTS)}`, `actor:${pick(ACTORS)}`, `number:${10 + Math.floor(rnd() * 990)}`]);
  const onBase = rnd() < 0.1;
  if (onBase) lead.add(`base:${pick(BASES)}`);
  return {
    id: `bench${String(i).padStart(11, '0')}`,
    language: rnd() < 0.55 ? 'ar' : 'en',
    day: from + Math.floor(rnd() * 365) * DAY_MS,
    lead: [...lead].sort(),
    stances: onBase && rnd() < 0.5 ? { 'ain-al-asad-exit': 'started' } : {},
    speaker: rnd() < 0.5 ? pick(ACTORS) : null,
  };
}

export interface StoryCost {
  stored: number;
  msPerArticle: Stats;
}

export async function benchStoryCost(opts: { redisUrl: string; sizes: readonly number[] }): Promise<StoryCost[]> {
  const prefix = `{marsad-bench-stories-${randomBytes(4).toString('hex')}}`;
  const env = { ...process.env, REDIS_URL: opts.redisUrl, MARSAD_PREFIX: prefix, MARSAD_LOG_LEVEL: 'silent' };
  const app = await openApp({ log: createLogger(env), env });
  const deps = { store: app.store, stories: app.stories, cores: app.cores, config: app.config, log: app.log } as unknown as StageDeps;
  const cases = readStorySet().sort((a, b) => a.published.localeCompare(b.published));
  const rnd = mulberry32(20260209);
  // The synthetic year ends where the labelled set ends, so the measured articles meet a full window.
  const from = Date.parse(cases[cases.length - 1]!.published.slice(0, 10)) - 300 * DAY_MS;
  const out: StoryCost[] = [];
  let stored = 0;
  try {
    for (const size of opts.sizes) {
      for (; stored < size; stored += 0) {
        const batch = Array.from({ length: Math.min(2000, size - stored) }, (_, k) => synthetic(stored + k, rnd, from));
        await Promise.all(batch.map((f) => app.stories.register(f, lookupConcepts(app.cores.stories, f))));
        stored += batch.length;
      }
      // Two passes per size: the first warms up (JIT, the heap settling after the fill); the second is measured,
      // and meets the first pass's copies of its articles as reprints, so it also measures the reprint checks.
      let times: number[] = [];
      for (let pass = 0; pass < 2; pass++) {
        times = [];
        for (const [i, c] of cases.entries()) {
          // Each size measures fresh articles (new ids), so no join is a replay.
          const id = randomBytes(8).toString('hex');
          const tags = tagArticle(app.cores, { title: c.title, text: c.text, published: c.published });
          const article: Article = {
            id,
            origin: { kind: 'seed', file: `${c.id}.json` },
            url: c.url,
            canonicalUrl: c.url,
            source: c.source,
            author: null,
            byline: null,
            title: c.title,
            published: c.published,
            language: c.lang,
            text: c.text,
            ...tags,
            duplicateOf: null,
            duplicateMatch: null,
            similarity: null,
            alsoReportedBy: [],
            contentHash: contentHash(words(c.text)),
            seq: stored + pass * cases.length + i,
            firstSeen: c.published,
            stage: 'tagged',
            baseline: true,
            warnings: [],
          };
          await app.store.saveArticle(article, null);
          await app.store.putSignature(id, signTokens(words(c.text)));
          const started = performance.now();
          await handleStory({ articleId: id }, deps);
          times.push(performance.now() - started);
        }
      }
      out.push({ stored: size, msPerArticle: stats(times) });
    }
  } finally {
    await deleteKeys(app.redis, prefix);
    await app.close();
  }
  return out;
}
