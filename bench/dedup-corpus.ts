/**
 * Near-duplicate detection on a real Arabic corpus (ANT v1.1, /work/shared/corpora): how many candidates the LSH
 * bands produce, how many the full-signature check confirms, what those pairs look like, and what signing costs.
 * The corpus holds distinct articles, so confirmed pairs are either true reprints or false positives: the report
 * prints them with titles and exact Jaccard for a human to judge.
 *
 *   npx tsx bench/dedup-corpus.ts [--sweep] [--threshold 0.5] [--bands 32 --rows 4] [--top 20]
 *
 * `--sweep` also measures, for shingle sizes 1–5, recall on synthetic reprints of corpus articles and the number
 * of corpus pairs above the threshold, which is how the default shingle size was chosen.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEDUP_DEFAULTS } from '../src/dedup/defaults.js';
import { bandKeys, nearDuplicateDecision } from '../src/dedup/lsh.js';
import { exactJaccard, minhash } from '../src/dedup/minhash.js';
import { shingleHashes } from '../src/dedup/shingles.js';
import { mulberry32 } from '../tests/support/random.js';

export const DEFAULT_CORPUS_DIR = fileURLToPath(new URL('../../shared/corpora/ant-v1.1', import.meta.url));
const CATEGORIES = ['politic', 'internationalNews'] as const;

export interface CorpusDoc {
  readonly id: string;
  readonly title: string;
  readonly url: string;
  readonly source: string;
  /** The article as the corpus gives it (TEXT), for benches that run it through the pipeline. */
  readonly text: string;
  readonly tokens: readonly string[];
}

/** Crude tokenizer for measurement only (the pipeline uses src/text): letter runs (with marks), ≥ 2 characters. */
export function crudeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{M}]+/u)
    .filter((t) => t.length > 1);
}

function field(doc: string, tag: string): string {
  return new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(doc)?.[1]?.trim() ?? '';
}

/** Reads the ANT categories under `dir`; returns [] when the corpus folder is absent. */
export function loadAntCorpus(dir: string = DEFAULT_CORPUS_DIR): CorpusDoc[] {
  const docs: CorpusDoc[] = [];
  for (const category of CATEGORIES) {
    const folder = join(dir, category);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder).filter((n) => n.endsWith('.txt')).sort()) {
      const raw = readFileSync(join(folder, name), 'utf8');
      const text = field(raw, 'TEXT');
      docs.push({
        id: field(raw, 'DOCNO') || name,
        title: field(raw, 'TITLE'),
        url: field(raw, 'URL'),
        source: field(raw, 'SRC'),
        text,
        tokens: crudeTokens(text),
      });
    }
  }
  return docs;
}

export interface DedupBenchParams {
  readonly shingleSize: number;
  readonly numHashes: number;
  readonly bands: number;
  readonly rows: number;
  readonly threshold: number;
}

export interface ConfirmedPair {
  readonly a: CorpusDoc;
  readonly b: CorpusDoc;
  readonly estimated: number;
  readonly exact: number;
  readonly containment: number | undefined;
  readonly reason: 'jaccard' | 'containment';
}

export interface DedupBenchResult {
  readonly articles: number;
  readonly emptyArticles: number;
  readonly candidatePairs: number;
  readonly confirmed: ConfirmedPair[];
  /** Confirmed pairs whose exact Jaccard is below the threshold (confirmed by estimation error alone). */
  readonly estimationFalsePositives: number;
  /** Wall time of shingling + MinHash + band keys, per article. */
  readonly msPerArticle: number;
}

const pairKey = (i: number, j: number): number => i * 1_000_003 + j;

/** Signs every document, indexes its bands in memory as the Redis store would, and confirms the candidates. */
export function runDedupBench(docs: readonly CorpusDoc[], params: DedupBenchParams): DedupBenchResult {
  const shingles: Uint32Array[] = [];
  const signatures: Uint32Array[] = [];
  const keys: string[][] = [];
  const start = performance.now();
  for (const doc of docs) {
    const s = shingleHashes(doc.tokens, params.shingleSize);
    const sig = minhash(s, params.numHashes);
    shingles.push(s);
    signatures.push(sig);
    keys.push(bandKeys(sig, params.bands, params.rows));
  }
  const msPerArticle = (performance.now() - start) / Math.max(1, docs.length);

  const buckets = new Map<string, number[]>();
  const candidates = new Set<number>();
  keys.forEach((docKeys, i) => {
    for (const key of docKeys) {
      const members = buckets.get(key);
      if (!members) {
        buckets.set(key, [i]);
        continue;
      }
      for (const j of members) candidates.add(pairKey(j, i));
      members.push(i);
    }
  });

  const confirmed: ConfirmedPair[] = [];
  for (const key of candidates) {
    const i = Math.floor(key / 1_000_003);
    const j = key % 1_000_003;
    const d = nearDuplicateDecision(signatures[i]!, signatures[j]!, params.threshold, {
      sizeA: shingles[i]!.length,
      sizeB: shingles[j]!.length,
    });
    if (d.reason === 'none') continue;
    confirmed.push({
      a: docs[i]!,
      b: docs[j]!,
      estimated: d.jaccard,
      exact: exactJaccard(shingles[i]!, shingles[j]!),
      containment: d.containment,
      reason: d.reason,
    });
  }
  confirmed.sort((x, y) => y.exact - x.exact);
  return {
    articles: docs.length,
    emptyArticles: signatures.filter((_, i) => shingles[i]!.length === 0).length,
    candidatePairs: candidates.size,
    confirmed,
    estimationFalsePositives: confirmed.filter((p) => p.reason === 'jaccard' && p.exact < params.threshold).length,
    msPerArticle,
  };
}


/**
 * A reprint as syndication produces it: a new headline in front, the last ~15 % (last paragraph) dropped, a few
 * words edited (~3 %), and the other site's furniture (~25 tokens) appended.
 */
export function syntheticReprint(
  tokens: readonly string[],
  rand: () => number,
  vocabulary: readonly string[],
): string[] {
  const pick = (): string => vocabulary[Math.floor(rand() * vocabulary.length)]!;
  const body = tokens.slice(0, Math.max(1, Math.round(tokens.length * 0.85))).map((t) => (rand() < 0.03 ? pick() : t));
  const headline = Array.from({ length: 8 }, pick);
  const furniture = Array.from({ length: 25 }, pick);
  return [...headline, ...body, ...furniture];
}

export interface SweepRow {
  readonly shingleSize: number;
  /** Share of synthetic reprints found through a shared band and confirmed, for originals < 150 and ≥ 150 tokens. */
  readonly recallShort: number;
  readonly recallLong: number;
  readonly meanReprintJaccard: number;
  /** Corpus pairs confirmed (the corpus has very few true reprints beyond its exact copies). */
  readonly corpusConfirmed: number;
  readonly candidatePairs: number;
}

const SHORT_ARTICLE_TOKENS = 150;

export function sweepShingleSize(
  docs: readonly CorpusDoc[],
  params: DedupBenchParams,
  sizes: readonly number[] = [1, 2, 3, 4, 5],
  samplePerLength = 300,
): SweepRow[] {
  const vocabulary = docs.flatMap((d) => d.tokens);
  const short = docs.filter((d) => d.tokens.length >= 40 && d.tokens.length < SHORT_ARTICLE_TOKENS);
  const long = docs.filter((d) => d.tokens.length >= SHORT_ARTICLE_TOKENS);
  return sizes.map((k) => {
    const rand = mulberry32(42);
    let sumJ = 0;
    let n = 0;
    const recall = (originals: readonly CorpusDoc[]): number => {
      let found = 0;
      for (const doc of originals) {
        const a = minhash(shingleHashes(doc.tokens, k), params.numHashes);
        const b = minhash(shingleHashes(syntheticReprint(doc.tokens, rand, vocabulary), k), params.numHashes);
        const bKeys = new Set(bandKeys(b, params.bands, params.rows));
        const d = nearDuplicateDecision(a, b, params.threshold);
        sumJ += d.jaccard;
        n++;
        if (d.duplicate && bandKeys(a, params.bands, params.rows).some((key) => bKeys.has(key))) found++;
      }
      return found / Math.max(1, originals.length);
    };
    const recallShort = recall(short.slice(0, samplePerLength));
    const recallLong = recall(long.slice(0, samplePerLength));
    const corpus = runDedupBench(docs, { ...params, shingleSize: k });
    return {
      shingleSize: k,
      recallShort,
      recallLong,
      meanReprintJaccard: sumJ / Math.max(1, n),
      corpusConfirmed: corpus.confirmed.length,
      candidatePairs: corpus.candidatePairs,
    };
  });
}

function argValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

function main(args: readonly string[]): void {
  const docs = loadAntCorpus(argValue(args, '--corpus') ?? DEFAULT_CORPUS_DIR);
  if (docs.length === 0) {
    console.log(`skipped: no ANT corpus under ${argValue(args, '--corpus') ?? DEFAULT_CORPUS_DIR}`);
    return;
  }
  const params: DedupBenchParams = {
    shingleSize: Number(argValue(args, '--k') ?? DEDUP_DEFAULTS.shingleSize),
    numHashes: DEDUP_DEFAULTS.numHashes,
    bands: Number(argValue(args, '--bands') ?? DEDUP_DEFAULTS.bands),
    rows: Number(argValue(args, '--rows') ?? DEDUP_DEFAULTS.rows),
    threshold: Number(argValue(args, '--threshold') ?? DEDUP_DEFAULTS.threshold),
  };
  const top = Number(argValue(args, '--top') ?? 20);
  runDedupBench(docs, params); // warm-up so the timing below is of optimized code
  const r = runDedupBench(docs, params);
  const tokens = docs.reduce((n, d) => n + d.tokens.length, 0);
  console.log(`params: ${JSON.stringify(params)}`);
  console.log(`articles: ${r.articles} (${r.emptyArticles} empty), mean tokens ${(tokens / r.articles).toFixed(0)}`);
  console.log(`candidate pairs: ${r.candidatePairs}`);
  console.log(
    `confirmed pairs: ${r.confirmed.length} (jaccard ${r.confirmed.filter((p) => p.reason === 'jaccard').length}, ` +
      `containment ${r.confirmed.filter((p) => p.reason === 'containment').length}); ` +
      `exact Jaccard below threshold among the jaccard ones: ${r.estimationFalsePositives}`,
  );
  console.log(`shingling + minhash + bands: ${r.msPerArticle.toFixed(3)} ms/article`);
  for (const p of r.confirmed.slice(0, top)) {
    const c = p.containment === undefined ? '' : ` containment≈${p.containment.toFixed(2)}`;
    console.log(`\n  exact J=${p.exact.toFixed(3)} est=${p.estimated.toFixed(3)}${c} [${p.reason}]`);
    console.log(`    ${p.a.id} (${p.a.tokens.length} tok): ${p.a.title}`);
    console.log(`    ${p.b.id} (${p.b.tokens.length} tok): ${p.b.title}`);
    if (p.a.url === p.b.url) console.log('    same URL');
  }
  if (args.includes('--sweep')) {
    console.log('\nshingle size sweep (synthetic reprints of corpus articles, end to end: shared band + confirmed):');
    console.log('  k  recall <150 tok  recall >=150 tok  mean est J  corpus confirmed  candidates');
    for (const s of sweepShingleSize(docs, params)) {
      console.log(
        `  ${s.shingleSize}  ${s.recallShort.toFixed(3).padStart(15)}  ${s.recallLong.toFixed(3).padStart(16)}` +
          `  ${s.meanReprintJaccard.toFixed(3).padStart(10)}  ${String(s.corpusConfirmed).padStart(16)}` +
          `  ${String(s.candidatePairs).padStart(10)}`,
      );
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
