// Scores story grouping on the labelled set tests/fixtures/stories/articles.yaml (written for marsad):
// pairwise precision and recall of stories and of reprints. Articles go through the pure cores (tag,
// story features) and the real link decision, compared pair by pair in the order of publication; the
// stories are the connected groups of links, as the story stage's union makes them. `npm run bench` and
// tests/unit/stories.test.ts use it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { tagArticle, type Cores } from '../src/cores.js';
import { shingleHashes } from '../src/dedup/shingles.js';
import { storyFeatures, type StoryFeatures } from '../src/stories/features.js';
import { linkStories, textOverlap, type StoryLink } from '../src/stories/link.js';
import { words } from '../src/text/arabic.js';

export interface StoryCase {
  id: string;
  story: string;
  reprintOf: string | null;
  lang: 'ar' | 'en';
  source: string;
  published: string;
  url: string;
  title: string;
  text: string;
}

export function readStorySet(): StoryCase[] {
  return parse(readFileSync(fileURLToPath(new URL('../tests/fixtures/stories/articles.yaml', import.meta.url)), 'utf8')) as StoryCase[];
}

export interface PairScore {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

export interface StoryScore {
  articles: number;
  stories: PairScore;
  reprints: PairScore;
  errors: string[];
}

interface Prepared {
  c: StoryCase;
  features: StoryFeatures;
  shingles: Set<number>;
}

export function prepareStoryCases(cores: Cores, cases: readonly StoryCase[]): Prepared[] {
  return cases.map((c) => {
    const tags = tagArticle(cores, { title: c.title, text: c.text, published: c.published });
    const features = storyFeatures(cores.stories, cores.gazetteer, { id: c.id, title: c.title, text: c.text, language: c.lang, published: c.published, firstSeen: c.published, milestones: tags.milestones });
    return { c, features, shingles: new Set(shingleHashes(words(c.text))) };
  });
}


/** Every pair's decision, as the story stage would take it (it compares each article with the earlier ones). */
export function decidePairs(cores: Cores, prepared: readonly Prepared[]): Map<string, StoryLink | { kind: 'none'; why: string }> {
  const out = new Map<string, StoryLink | { kind: 'none'; why: string }>();
  for (let i = 0; i < prepared.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = prepared[i]!;
      const b = prepared[j]!;
      const text = a.c.lang === b.c.lang ? textOverlap(a.shingles, b.shingles) : null;
      out.set(`${a.c.id}|${b.c.id}`, linkStories(cores.stories, a.features, b.features, text));
    }
  }
  return out;
}

function score(tp: number, fp: number, fn: number): PairScore {
  return { tp, fp, fn, precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp + fn === 0 ? 1 : tp / (tp + fn) };
}

export function scoreStories(cores: Cores, cases: readonly StoryCase[]): StoryScore {
  const prepared = prepareStoryCases(cores, cases);
  const decisions = decidePairs(cores, prepared);
  // Union-find over the links: the stories the stage's atomic joins produce.
  const parent = new Map(cases.map((c) => [c.id, c.id]));
  const find = (x: string): string => (parent.get(x) === x ? x : find(parent.get(x)!));
  for (const [key, d] of decisions) {
    if (d.kind === 'none') continue;
    const [a, b] = key.split('|') as [string, string];
    parent.set(find(a), find(b));
  }
  const byId = new Map(cases.map((c) => [c.id, c]));
  const rootOf = (id: string) => find(id);
  const isReprintPair = (a: StoryCase, b: StoryCase) => a.reprintOf === b.id || b.reprintOf === a.id || (a.reprintOf !== null && a.reprintOf === b.reprintOf);
  let stp = 0, sfp = 0, sfn = 0, rtp = 0, rfp = 0, rfn = 0;
  const errors: string[] = [];
  for (const [key, d] of decisions) {
    const [ai, bi] = key.split('|') as [string, string];
    const a = byId.get(ai)!;
    const b = byId.get(bi)!;
    const same = a.story === b.story;
    const grouped = rootOf(ai) === rootOf(bi);
    if (same && grouped) stp++;
    else if (!same && grouped) {
      sfp++;
      if (d.kind !== 'none') errors.push(`merged ${ai} + ${bi} (${d.kind}: ${d.reasons.join(', ')})`);
    } else if (same && !grouped) {
      sfn++;
      errors.push(`split ${ai} / ${bi}: ${d.kind === 'none' ? d.why : d.kind}`);
    }
    const reprint = isReprintPair(a, b);
    if (reprint && d.kind === 'reprint') rtp++;
    else if (!reprint && d.kind === 'reprint') {
      rfp++;
      errors.push(`reprint? ${ai} + ${bi} (${d.reasons.join(', ')})`);
    } else if (reprint) {
      rfn++;
      errors.push(`missed reprint ${ai} / ${bi}: ${d.kind === 'none' ? d.why : d.kind}`);
    }
  }
  return { articles: cases.length, stories: score(stp, sfp, sfn), reprints: score(rtp, rfp, rfn), errors };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

export function formatStoryScore(s: StoryScore): string {
  return [
    `stories on ${s.articles} labelled articles: pairwise precision ${pct(s.stories.precision)}, recall ${pct(s.stories.recall)} (tp ${s.stories.tp}, fp ${s.stories.fp}, fn ${s.stories.fn})`,
    `reprints: pairwise precision ${pct(s.reprints.precision)}, recall ${pct(s.reprints.recall)} (tp ${s.reprints.tp}, fp ${s.reprints.fp}, fn ${s.reprints.fn})`,
  ].join('\n');
}

/**
 * False merges on a corpus of distinct articles (none reports the same event as another): every pair is
 * compared as if published on the same day, the worst case for the window. Returns the merged pairs.
 */
export function corpusFalseMerges(cores: Cores, docs: readonly { id: string; title: string; text: string }[]): { articles: number; pairs: number; merged: string[] } {
  const cases: StoryCase[] = docs.map((d) => ({ id: d.id, story: d.id, reprintOf: null, lang: 'ar', source: 'corpus', published: '2025-01-01T00:00:00Z', url: '', title: d.title, text: d.text }));
  const prepared = prepareStoryCases(cores, cases);
  const merged: string[] = [];
  let pairs = 0;
  for (let i = 0; i < prepared.length; i++) {
    for (let j = 0; j < i; j++) {
      pairs++;
      const a = prepared[i]!;
      const b = prepared[j]!;
      const d = linkStories(cores.stories, a.features, b.features, textOverlap(a.shingles, b.shingles));
      if (d.kind !== 'none') merged.push(`${a.c.id} + ${b.c.id}: ${d.kind} (${d.reasons.join(', ')}) «${a.c.title}» / «${b.c.title}»`);
    }
  }
  return { articles: docs.length, pairs, merged };
}

/** Pairwise precision and recall of stories at each same-event threshold: the curve the configured one is chosen from. */
export function storyCurve(cores: Cores, cases: readonly StoryCase[], thresholds: readonly number[]): { minScore: number; precision: number; recall: number }[] {
  return thresholds.map((minScore) => {
    const stories = { ...cores.stories, config: { ...cores.stories.config, same_event: { ...cores.stories.config.same_event, min_score: minScore } } };
    const s = scoreStories({ ...cores, stories }, cases).stories;
    return { minScore, precision: s.precision, recall: s.recall };
  });
}

/**
 * The reprint thresholds' curve: per containment threshold (with Jaccard at the configured value), reprint
 * pairs found and missed on the labelled set, and pairs of distinct corpus articles (in one language)
 * that would pass for reprints. Identical copies in the corpus are left out: they are reprints.
 */
export function reprintCurve(cores: Cores, cases: readonly StoryCase[], corpus: readonly { id: string; title: string; text: string }[], thresholds: readonly number[]) {
  const labelled = prepareStoryCases(cores, cases);
  const pairs: { reprint: boolean; jaccard: number; containment: number }[] = [];
  for (let i = 0; i < labelled.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = labelled[i]!.c;
      const b = labelled[j]!.c;
      if (a.lang !== b.lang) continue;
      const reprint = a.reprintOf === b.id || b.reprintOf === a.id || (a.reprintOf !== null && a.reprintOf === b.reprintOf);
      pairs.push({ reprint, ...textOverlap(labelled[i]!.shingles, labelled[j]!.shingles) });
    }
  }
  const distinct: { jaccard: number; containment: number }[] = [];
  const shingles = corpus.map((d) => new Set(shingleHashes(words(d.text))));
  for (let i = 0; i < shingles.length; i++) {
    for (let j = 0; j < i; j++) {
      const o = textOverlap(shingles[i]!, shingles[j]!);
      if (o.jaccard < 1) distinct.push(o);
    }
  }
  const { jaccard } = cores.stories.config.reprint;
  const passes = (o: { jaccard: number; containment: number }, c: number) => o.jaccard >= jaccard || o.containment >= c;
  return thresholds.map((containment) => ({
    containment,
    found: pairs.filter((p) => p.reprint && passes(p, containment)).length,
    missed: pairs.filter((p) => p.reprint && !passes(p, containment)).length,
    wrongLabelled: pairs.filter((p) => !p.reprint && passes(p, containment)).length,
    wrongCorpus: distinct.filter((o) => passes(o, containment)).length,
  }));
}
