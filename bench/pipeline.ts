/**
 * `npm run bench [-- --corpus DIR]`: over the seeds plus the ANT corpus (/work/shared/corpora/README.md),
 *   1. the cost per article of each stage's pure core,
 *   2. articles/s through the real queues on Redis (own key prefix, workers in this process),
 *   3. the near-duplicates the pipeline flagged, checked against the exact Jaccard of their shingles.
 * The corpus holds distinct articles plus a few stored twice, so a flag on anything else is a false positive.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import { openApp, type App } from '../src/app.js';
import { DEFAULT_SEEDS_DIR, seedDocuments } from '../src/cli/seed.js';
import { tagArticle } from '../src/cores.js';
import { contentHash } from '../src/dedup/content-hash.js';
import { bandKeys } from '../src/dedup/lsh.js';
import { exactJaccard, signTokens } from '../src/dedup/minhash.js';
import { shingleHashes } from '../src/dedup/shingles.js';
import { cleanDocument } from '../src/extract/document.js';
import { createLogger } from '../src/log.js';
import type { Article, SourceDocument } from '../src/model.js';
import { STAGES } from '../src/queues/names.js';
import { readSeedFolder } from '../src/seed/documents.js';
import { words } from '../src/text/arabic.js';
import { DEFAULT_CORPUS_DIR, loadAntCorpus } from './dedup-corpus.js';

/** Generous for ~1,800 articles (they take seconds), short enough to keep the bench under its 3 minutes. */
const PIPELINE_TIMEOUT_MS = 120_000;
const MAX_LISTED = 10;

interface Stats {
  mean: number;
  p50: number;
  p95: number;
}

function stats(xs: readonly number[]): Stats {
  if (xs.length === 0) return { mean: 0, p50: 0, p95: 0 };
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.ceil(p * s.length) - 1]!;
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, p50: q(0.5), p95: q(0.95) };
}

/** Left-aligned first column, right-aligned numbers, two spaces between columns. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

const ms = (x: number): string => x.toFixed(3);

/**
 * The seeds (with their manifest) and the corpus articles as `.json` seed documents in one folder, so that
 * both the core timing and `seedDocuments` read exactly what the pipeline reads.
 */
function buildInputFolder(corpusDir: string): { dir: string; corpusArticles: number } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'marsad-bench-'));
  for (const file of readdirSync(DEFAULT_SEEDS_DIR)) copyFileSync(path.join(DEFAULT_SEEDS_DIR, file), path.join(dir, file));
  const corpus = loadAntCorpus(corpusDir);
  for (const d of corpus) {
    // `|| undefined` drops empty fields: an empty title would otherwise win over the headline in the text.
    const doc = { title: d.title || undefined, text: d.text, url: d.url || undefined, source: d.source || undefined };
    writeFileSync(path.join(dir, `${d.id}.json`), JSON.stringify(doc));
  }
  return { dir, corpusArticles: corpus.length };
}

type CoreTimes = Record<'clean' | 'dedup' | 'tag', number[]>;

/** Each stage's pure work, as the workers do it, timed per article. */
function timeCores(app: App, docs: readonly SourceDocument[]): CoreTimes {
  const { shingleSize, bands, rows } = app.config.settings.dedup;
  const times: CoreTimes = { clean: [], dedup: [], tag: [] };
  for (const doc of docs) {
    const t0 = performance.now();
    const clean = cleanDocument(doc);
    const t1 = performance.now();
    const tokens = words(clean.text);
    contentHash(tokens);
    bandKeys(signTokens(tokens, { shingleSize }).signature, bands, rows);
    const t2 = performance.now();
    tagArticle(app.cores, clean);
    const t3 = performance.now();
    times.clean.push(t1 - t0);
    times.dedup.push(t2 - t1);
    times.tag.push(t3 - t2);
  }
  return times;
}

/** Time in each stage's worker and in its queue, from the timestamps BullMQ keeps on completed jobs. */
async function jobTimes(app: App): Promise<{ stage: string; jobs: number; run: Stats; wait: Stats }[]> {
  return Promise.all(
    STAGES.map(async (stage) => {
      const jobs = await app.queues[stage].getJobs(['completed'], 0, -1);
      const run = jobs.map((j) => (j.finishedOn ?? 0) - (j.processedOn ?? 0));
      const wait = jobs.map((j) => (j.processedOn ?? 0) - j.timestamp);
      return { stage, jobs: jobs.length, run: stats(run), wait: stats(wait) };
    }),
  );
}

interface FlaggedPair {
  article: Article;
  original: Article;
  identical: boolean;
  jaccard: number;
  reprint: boolean;
}

/** Every article the pipeline linked to an original, judged on the exact Jaccard of the two shingle sets. */
function judgeDuplicates(app: App, articles: readonly Article[]): FlaggedPair[] {
  const { shingleSize, threshold } = app.config.settings.dedup;
  const byId = new Map(articles.map((a) => [a.id, a]));
  const shingles = (a: Article): Uint32Array => shingleHashes(words(a.text), shingleSize);
  return articles.flatMap((article) => {
    const original = article.duplicateOf ? byId.get(article.duplicateOf) : undefined;
    if (!original) return [];
    const identical = article.contentHash === original.contentHash;
    const jaccard = identical ? 1 : exactJaccard(shingles(article), shingles(original));
    return [{ article, original, identical, jaccard, reprint: identical || jaccard >= threshold }];
  });
}

/** Copies of an earlier text in the input (same normalized text): what the pipeline should link at least. */
function identicalCopies(articles: readonly Article[]): number {
  const groups = new Map<string, number>();
  for (const a of articles) if (a.text.trim() !== '') groups.set(a.contentHash, (groups.get(a.contentHash) ?? 0) + 1);
  return [...groups.values()].reduce((n, size) => n + size - 1, 0);
}

/**
 * Documents with the URL of an earlier one: they share its document id, so the store keeps the first and the
 * dedup stage never sees them. Counted apart, with whether their text is the same.
 */
function sameUrlDocuments(docs: readonly SourceDocument[]): { identical: number; different: number } {
  const first = new Map<string, SourceDocument>();
  let identical = 0;
  let different = 0;
  for (const doc of docs) {
    const earlier = first.get(doc.id);
    if (!earlier) first.set(doc.id, doc);
    else if (earlier.body === doc.body) identical++;
    else different++;
  }
  return { identical, different };
}

/** SCAN + UNLINK of the bench's own prefix: the Redis may be shared, so never FLUSHDB. */
async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}:*`;
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

async function bench(dir: string, corpusDir: string, corpusArticles: number): Promise<void> {
  const { documents, problems } = readSeedFolder(dir, new Date().toISOString());
  const seeds = documents.length - corpusArticles;
  console.log(
    corpusArticles > 0
      ? `input: ${seeds} seeds + ${corpusArticles} corpus articles from ${corpusDir}`
      : `input: ${seeds} seeds only (no ANT corpus under ${corpusDir}${existsSync(corpusDir) ? '' : ': folder absent'})`,
  );
  console.log(`cpus: ${os.availableParallelism()}, node ${process.version}`);
  for (const p of problems) console.log(`  ! ${p}`);

  const prefix = `{marsad-bench-${randomBytes(4).toString('hex')}}`;
  const env = { ...process.env, MARSAD_PREFIX: prefix, MARSAD_LOG_LEVEL: 'silent' };
  const app = await openApp({ log: createLogger(env), env });
  try {
    // 1. Pure cores: the first pass lets V8 optimize, the second is measured.
    timeCores(app, documents);
    const cores = timeCores(app, documents);
    const core = { clean: stats(cores.clean), dedup: stats(cores.dedup), tag: stats(cores.tag) };
    const total = stats(documents.map((_, i) => cores.clean[i]! + cores.dedup[i]! + cores.tag[i]!));
    console.log(`\n1. pure cores, ms per article (${documents.length} articles, after a warm-up pass)`);
    const row = (name: string, s: Stats): string[] => [name, ms(s.mean), ms(s.p50), ms(s.p95)];
    console.log(
      table(
        ['stage', 'mean', 'p50', 'p95'],
        [
          row('clean   cleanDocument', core.clean),
          row('dedup   words+contentHash+signTokens+bandKeys', core.dedup),
          row('tag     tagArticle (gazetteer+milestones)', core.tag),
          row('all three', total),
        ],
      ),
    );

    // 2. The real pipeline: workers attached first, so they run while seedDocuments stores and enqueues.
    app.startWorkers(STAGES);
    const t0 = performance.now();
    const seeded = await seedDocuments(app, dir, { timeoutMs: PIPELINE_TIMEOUT_MS });
    const wallMs = performance.now() - t0;
    const articles = await app.store.getArticles(await app.store.listArticleIds({}, 0));
    const tagged = articles.filter((a) => a.stage === 'alerted').length;
    const msPerArticle = wallMs / Math.max(1, tagged);
    const c = app.config.settings.concurrency;
    console.log(`\n2. pipeline on Redis (${app.endpoint.url}, prefix ${prefix}, concurrency clean ${c.clean} / dedup ${c.dedup} / tag ${c.tag})`);
    console.log(`  ${seeded.documents} documents -> ${tagged} articles tagged, ${seeded.failed} failed, in ${(wallMs / 1000).toFixed(2)} s (store + enqueue + 3 stages)`);
    console.log(`  ${(tagged / (wallMs / 1000)).toFixed(1)} articles/s, ${ms(msPerArticle)} ms/article wall`);
    for (const o of seeded.outcomes.filter((x) => x.status === 'failed')) console.log(`  ✗ ${o.file}: ${o.error}`);
    console.log('  per job, from BullMQ timestamps (ms):');
    console.log(
      table(
        ['stage', 'jobs', 'run mean', 'run p50', 'run p95', 'queued mean', 'queued p95'],
        // BullMQ keeps whole milliseconds.
        (await jobTimes(app)).map((j) => [j.stage, String(j.jobs), ...[j.run.mean, j.run.p50, j.run.p95, j.wait.mean, j.wait.p95].map((x) => x.toFixed(1))]),
      ),
    );

    // 3. Near-duplicates on the corpus.
    const flagged = judgeDuplicates(app, articles);
    const byMatch = (m: string): number => flagged.filter((f) => f.article.duplicateMatch === m).length;
    const reprints = flagged.filter((f) => f.reprint);
    const falsePositives = flagged.filter((f) => !f.reprint).sort((a, b) => b.jaccard - a.jaccard);
    const copies = identicalCopies(articles);
    const sameUrl = sameUrlDocuments(documents);
    const linkedCopies = flagged.filter((f) => f.identical).length;
    console.log(`\n3. duplicates flagged among ${articles.length} articles (true reprint: same text, or exact 3-shingle Jaccard >= ${app.config.settings.dedup.threshold})`);
    console.log(
      table(
        ['', 'pairs'],
        [
          ['flagged (duplicateOf set)', String(flagged.length)],
          ['  by url', String(byMatch('url'))],
          ['  by exact', String(byMatch('exact'))],
          ['  by near', String(byMatch('near'))],
          ['true reprints', String(reprints.length)],
          ['  of which identical text', String(linkedCopies)],
          ['false positives', String(falsePositives.length)],
          ['identical-text copies among articles', String(copies)],
          ['same URL, one article (not flagged)', String(sameUrl.identical + sameUrl.different)],
          ['  of which identical text', String(sameUrl.identical)],
        ],
      ),
    );
    for (const f of falsePositives.slice(0, MAX_LISTED)) {
      console.log(`  FP ${f.article.duplicateMatch} est ${f.article.similarity ?? '-'} exact J ${f.jaccard.toFixed(3)}`);
      console.log(`     ${f.article.id}: ${f.article.title ?? '(no title)'}`);
      console.log(`     ${f.original.id}: ${f.original.title ?? '(no title)'}`);
    }

    // 4. Summary in ratios and per-item costs, comparable across machines and corpus sizes.
    const perK = (n: number): string => ((1000 * n) / Math.max(1, articles.length)).toFixed(1);
    console.log('\n4. summary');
    console.log(
      table(
        ['figure', 'value'],
        [
          ['pure cores, ms/article (clean+dedup+tag)', ms(total.mean)],
          ['  share clean / dedup / tag', [core.clean, core.dedup, core.tag].map((s) => `${((100 * s.mean) / total.mean).toFixed(0)}%`).join(' / ')],
          ['pipeline, ms/article wall', ms(msPerArticle)],
          ['pipeline wall / pure cores', `${(msPerArticle / total.mean).toFixed(1)}x`],
          ['flagged duplicates per 1,000 articles', perK(flagged.length)],
          ['false positives per 1,000 articles', perK(falsePositives.length)],
          ['false positives / flagged', `${falsePositives.length} / ${flagged.length}`],
          ['identical copies linked', `${linkedCopies} / ${copies}`],
        ],
      ),
    );
  } finally {
    // Workers first, so nothing writes under the prefix while its keys are deleted.
    await Promise.all(app.workers.map((w) => w.close()));
    const deleted = await deleteKeys(app.redis, prefix);
    await app.close();
    console.log(`\ncleanup: deleted ${deleted} keys under ${prefix}`);
  }
}

const { values } = parseArgs({ options: { corpus: { type: 'string' } } });
const corpusDir = path.resolve(values.corpus ?? DEFAULT_CORPUS_DIR);
const { dir, corpusArticles } = buildInputFolder(corpusDir);
try {
  await bench(dir, corpusDir, corpusArticles);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
