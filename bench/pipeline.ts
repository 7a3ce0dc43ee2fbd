/**
 * `npm run bench [-- --corpus DIR]`: over the seeds plus the ANT corpus (/work/shared/corpora/README.md),
 *   1. the cost per article of each stage's pure core,
 *   2. articles/s through the real queues on Redis (own key prefix, workers in this process),
 *   3. the near-duplicates the pipeline flagged, checked against the exact Jaccard of their shingles,
 *   4. extraction quality and speed on tests/fixtures/html, marsad against @mozilla/readability (bench/extraction.ts),
 *   5. the feed side on a loopback news site: polls/s of unchanged (304) feeds, fetch + extract ms per page (bench/feeds.ts),
 *   6. a summary in ratios and per-item costs,
 *   7. the pipeline against its floor, feed item -> alert record on loopback pages and a private redis-server: CPU per
 *      article over the floor, articles/s, Redis commands and CPU profile per stage, alert latency (bench/floor.ts,
 *      written to bench/results/floor.json).
 * The corpus holds distinct articles plus a few stored twice, so a flag on anything else is a false positive.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openApp, type App } from '../src/app.js';
import { DEFAULT_SEEDS_DIR, seedDocuments } from '../src/ops/seed.js';
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
import { runExtractionBench, type PageRow } from './extraction.js';
import { benchAlerts } from './alerts.js';
import { runFeedsBench, type FeedsBench, type PageTimes } from './feeds.js';
import { formatStatusScore, readLabelledSet, scoreStatus } from './milestone-status.js';
import { benchStoryCost } from './stories.js';
import { corpusFalseMerges, formatStoryScore, readStorySet, reprintCurve, scoreStories, storyCurve } from './story-eval.js';
import { printFloor, runFloorBench, writeFloorResults } from './floor.js';
import { deleteKeys, stats, table, type Stats } from './support.js';

/** Generous for ~1,800 articles (they take seconds), short enough to keep the bench under its 4 minutes. */
const PIPELINE_TIMEOUT_MS = 120_000;
const MAX_LISTED = 10;

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
      const jobs = await app.queues.queuesForBoard()[stage].getJobs(['completed'], 0, -1);
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

const WORST = 3;

/** Section 4: macro P/R/F1 and ms/page for each extractor, then each one's worst pages. */
function printExtraction(x: ReturnType<typeof runExtractionBench>): void {
  const f = (v: number): string => v.toFixed(3);
  console.log(`\n4. extraction on tests/fixtures/html (${x.pages.length} pages; token P/R/F1 against NAME.expected.txt, macro average; ms/page parse included, decoding not)`);
  console.log(
    table(
      ['extractor', 'P', 'R', 'F1', 'ms/page'],
      [
        ['marsad (extractHtmlDocument)', f(x.macro.marsad.precision), f(x.macro.marsad.recall), f(x.macro.marsad.f1), ms(x.msPerPage.marsad)],
        ['readability (jsdom)', f(x.macro.readability.precision), f(x.macro.readability.recall), f(x.macro.readability.f1), ms(x.msPerPage.readability)],
      ],
    ),
  );
  for (const [who, other] of [['marsad', 'readability'], ['readability', 'marsad']] as const) {
    const worst = [...x.pages].sort((a, b) => a[who].f1 - b[who].f1).slice(0, WORST);
    const name = (p: PageRow): string => (p.tooLittleText ? `${p.name} (marsad: too little text)` : p.name);
    const perfect = x.pages.filter((p) => p[who].f1 === 1).length;
    console.log(`  ${WORST} worst pages for ${who} (${perfect}/${x.pages.length} pages at F1 1.000):`);
    console.log(
      table(
        ['page', 'words', 'P', 'R', 'F1', `${other} F1`],
        worst.map((p) => [name(p), String(p.words), f(p[who].precision), f(p[who].recall), f(p[who].f1), f(p[other].f1)]),
      ),
    );
  }
}

interface PageStats {
  fetch: Stats;
  decode: Stats;
  clean: Stats;
  extract: Stats;
  total: Stats;
  kb: number;
}

function pageStats(t: PageTimes): PageStats {
  const at = (i: number): number => t.fetch[i]! + t.decode[i]! + t.clean[i]!;
  return {
    fetch: stats(t.fetch),
    decode: stats(t.decode),
    clean: stats(t.clean),
    extract: stats(t.decode.map((d, i) => d + t.clean[i]!)),
    total: stats(t.fetch.map((_, i) => at(i))),
    kb: t.bytes.reduce((a, b) => a + b, 0) / Math.max(1, t.bytes.length) / 1024,
  };
}

/** Section 5: the poll stage on 304s, the pure core of such a poll, fetch + extract per page. */
function printFeeds(fb: FeedsBench): { pollsPerSecond: number; msPerPoll: number; run: Stats; feedSite: PageStats; fixtures: PageStats } {
  const u = fb.unchanged;
  const msPerPoll = u.wallMs / Math.max(1, u.polls);
  const pollsPerSecond = (1000 * u.polls) / u.wallMs;
  const run = stats(u.runMs);
  const queued = stats(u.queuedMs);
  console.log(`\n5. feeds on a loopback FeedSite (${fb.feeds} feeds on one site, distinct query strings; ${fb.redisUrl}, prefix ${fb.prefix}, poll concurrency ${fb.pollConcurrency})`);
  const first = fb.firstPoll;
  console.log(`  first poll: ${fb.feeds} feeds -> ${first.documents} new documents through the pipeline in ${(first.wallMs / 1000).toFixed(2)} s (${first.failedPolls} failed polls, ${first.failedDocuments} failed documents)`);
  console.log(`  unchanged feeds: ${u.rounds} rounds of ${fb.feeds} force-polls through the poll queue and workers, ${u.notModified}/${u.polls} answered 304, ${u.feedRequests} feed requests seen by the site`);
  const core = fb.core;
  console.log(
    table(
      ['304 poll', 'polls/s', 'ms/poll'],
      [
        ['poll stage, wall (enqueue + queue + worker)', pollsPerSecond.toFixed(1), ms(msPerPoll)],
        ['pure core: conditionalHeaders+isUnchanged+recordSuccess', (1000 / core.msPerPoll).toFixed(0), ms(core.msPerPoll)],
        ['  + the state\'s JSON.parse + JSON.stringify', (1000 / core.msPerPollWithJson).toFixed(0), ms(core.msPerPollWithJson)],
      ],
    ),
  );
  console.log('  per 304 poll job, from BullMQ timestamps (ms):');
  console.log(
    table(
      ['stage', 'jobs', 'run mean', 'run p50', 'run p95', 'queued mean', 'queued p95'],
      [['poll', String(u.runMs.length), ...[run.mean, run.p50, run.p95, queued.mean, queued.p95].map((x) => x.toFixed(1))]],
    ),
  );

  const sources = [
    { label: 'feed site', t: fb.pages.feedSite, s: pageStats(fb.pages.feedSite) },
    { label: 'html fixtures', t: fb.pages.fixtures, s: pageStats(fb.pages.fixtures) },
  ];
  console.log(`  fetch + extract, ms per page, one page at a time on loopback (${fb.pages.feedSite.rounds} rounds after a warm-up round):`);
  for (const { label, t } of sources) {
    console.log(`    ${label}: ${t.pages} pages x ${t.rounds} = ${t.fetch.length} fetches${t.tooLittleText ? `, ${t.tooLittleText} marked too little text` : ''}`);
  }
  const width = Math.max(...sources.map((x) => x.label.length));
  const row = (label: string, step: string, st: Stats): string[] => [`${label.padEnd(width)}  ${step}`, ms(st.mean), ms(st.p50), ms(st.p95)];
  console.log(
    table(
      [`${'pages'.padEnd(width)}  step`, 'mean', 'p50', 'p95'],
      sources.flatMap(({ label, s }) => [
        row(label, `fetch    http.get (${s.kb.toFixed(1)} KB/page)`, s.fetch),
        row('', 'decode   decodeBody', s.decode),
        row('', 'clean    cleanDocument', s.clean),
        row('', 'extract  decode + clean', s.extract),
        row('', 'total    fetch + extract', s.total),
      ]),
    ),
  );
  return { pollsPerSecond, msPerPoll, run, feedSite: sources[0]!.s, fixtures: sources[1]!.s };
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
  const cleanups: FeedsBench['cleanup'][] = [];
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
    console.log(`  ${seeded.documents} documents -> ${tagged} articles through clean, dedup, tag and alert, ${seeded.failed} failed, in ${(wallMs / 1000).toFixed(2)} s (store + enqueue + stages)`);
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

    // 4. Extraction quality and speed against readability; 5. the feed side, on its own prefix.
    const extraction = runExtractionBench();
    printExtraction(extraction);
    const feedsBench = await runFeedsBench();
    const feeds = printFeeds(feedsBench);
    cleanups.push(feedsBench.cleanup);

    // 6. Alerts end to end: 1,000 articles each mentioning a milestone, to a local webhook receiver.
    const alertFigures = await benchAlerts({ redisUrl: app.endpoint.url });
    console.log(`\n6. alerts: ${alertFigures.articles} articles each mentioning a milestone -> ${alertFigures.alerts} alerts, ${alertFigures.delivered} webhooks received (${alertFigures.badRequests} bad or repeated, ${alertFigures.duplicates} merged as duplicates)`);
    console.log(
      table(
        ['figure', 'value'],
        [
          ['latency article enqueued -> webhook received, median (ms)', alertFigures.latencyMs.median.toFixed(0)],
          ['latency, p95 (ms)', alertFigures.latencyMs.p95.toFixed(0)],
          ['deliveries/s', alertFigures.deliveriesPerSecond.toFixed(1)],
          ['storing + enqueueing the articles (s)', alertFigures.enqueueSeconds.toFixed(1)],
        ],
      ),
    );

    // 6b. Milestone status on the labelled set: what the reporting says happened, and who says so.
    const status = (['sentences', 'sentences-2', 'articles', 'heldout'] as const).map((name) => ({ name, score: scoreStatus(app.cores, readLabelledSet(name)) }));
    console.log('\n6b. milestone status on the labelled set (tests/fixtures/milestone-status/)');
    for (const { name, score } of status) console.log(formatStatusScore(name, score));

    // 6c. Stories: grouping on the labelled set, false merges on the corpus, and the story step's cost.
    const storyCases = readStorySet();
    const storyScore = scoreStories(app.cores, storyCases);
    console.log('\n6c. stories (tests/fixtures/stories/, written for marsad)');
    console.log(formatStoryScore(storyScore));
    console.log('  same-event threshold (config/stories.yaml same_event.min_score) against pairwise precision / recall:');
    for (const p of storyCurve(app.cores, storyCases, [3, 4, 5, 6, 7, 8, 10])) {
      console.log(`    ${String(p.minScore).padStart(2)}${p.minScore === app.config.stories.same_event.min_score ? ' (configured)' : ''}: ${(100 * p.precision).toFixed(1)} % / ${(100 * p.recall).toFixed(1)} %`);
    }
    console.log(`  reprint containment threshold (config/stories.yaml reprint.containment; Jaccard >= ${app.config.stories.reprint.jaccard} always counts):`);
    for (const r of reprintCurve(app.cores, storyCases, loadAntCorpus(corpusDir).slice(0, 600), [0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9])) {
      const configured = r.containment === app.config.stories.reprint.containment ? ' (configured)' : '';
      console.log(`    ${r.containment.toFixed(2)}${configured}: labelled reprints found ${r.found}, missed ${r.missed}; wrong: ${r.wrongLabelled} labelled pairs, ${r.wrongCorpus} distinct corpus pairs (600 articles)`);
    }
    const corpusMerges = corpusFalseMerges(app.cores, loadAntCorpus(corpusDir));
    const falseMerges = corpusMerges.merged.filter((m) => !m.includes('(shares 100 % of its wording)'));
    console.log(`  corpus: ${corpusMerges.articles} articles, ${corpusMerges.pairs} pairs compared as if published on one day: ${falseMerges.length} false merges (${corpusMerges.merged.length - falseMerges.length} identical copies merged)`);
    for (const m of falseMerges.slice(0, MAX_LISTED)) console.log(`    ${m}`);
    const storyCost = await benchStoryCost({ redisUrl: app.endpoint.url, sizes: [1_000, 100_000] });
    for (const c of storyCost) console.log(`  story step with ${c.stored.toLocaleString('en')} stored: ${ms(c.msPerArticle.mean)} ms/article mean, p95 ${ms(c.msPerArticle.p95)}`);
    const storyRatio = storyCost[1]!.msPerArticle.mean / storyCost[0]!.msPerArticle.mean;

    // 7. Summary in ratios and per-item costs, comparable across machines and corpus sizes.
    const perK = (n: number): string => ((1000 * n) / Math.max(1, articles.length)).toFixed(1);
    console.log('\n7. summary');
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
          ['extraction macro F1, marsad / readability', `${extraction.macro.marsad.f1.toFixed(3)} / ${extraction.macro.readability.f1.toFixed(3)}`],
          ['extraction ms/page, marsad / readability', `${ms(extraction.msPerPage.marsad)} / ${ms(extraction.msPerPage.readability)}`],
          ['  readability time / marsad time', `${(extraction.msPerPage.readability / extraction.msPerPage.marsad).toFixed(1)}x`],
          [`first feed poll (${feedsBench.feeds} feeds), ms/new document wall`, ms(feedsBench.firstPoll.wallMs / Math.max(1, feedsBench.firstPoll.documents))],
          ['304 polls/s through the poll stage', `${feeds.pollsPerSecond.toFixed(1)} (concurrency ${feedsBench.pollConcurrency})`],
          ['304 poll, ms/poll wall', ms(feeds.msPerPoll)],
          ['304 poll, ms/job in the worker (mean)', feeds.run.mean.toFixed(1)],
          ['304 poll wall / pure core', `${(feeds.msPerPoll / feedsBench.core.msPerPoll).toFixed(0)}x`],
          ['fetch + extract, ms/page (html fixtures)', ms(feeds.fixtures.total.mean)],
          ['  share fetch / decode / clean', [feeds.fixtures.fetch, feeds.fixtures.decode, feeds.fixtures.clean].map((x) => `${((100 * x.mean) / feeds.fixtures.total.mean).toFixed(0)}%`).join(' / ')],
          ['fetch + extract, ms/page (feed site)', ms(feeds.feedSite.total.mean)],
          ['  extract / fetch', `${(feeds.feedSite.extract.mean / feeds.feedSite.fetch.mean).toFixed(1)}x`],
          ['alert latency median / p95, ms', `${alertFigures.latencyMs.median.toFixed(0)} / ${alertFigures.latencyMs.p95.toFixed(0)}`],
          ['deliveries/s (webhook, loopback)', alertFigures.deliveriesPerSecond.toFixed(1)],
          ['story pairwise precision / recall (labelled set)', `${storyScore.stories.precision.toFixed(3)} / ${storyScore.stories.recall.toFixed(3)}`],
          ['reprint pairwise precision / recall (labelled set)', `${storyScore.reprints.precision.toFixed(3)} / ${storyScore.reprints.recall.toFixed(3)}`],
          ['story false merges on the corpus', `${falseMerges.length} of ${corpusMerges.pairs} pairs`],
          ['story step cost, 100k stored / 1k stored', `${storyRatio.toFixed(2)}x`],
          ...status.map(({ name, score }) => [`milestone F1 / stance accuracy / history accuracy (${name})`, `${score.milestones.f1.toFixed(3)} / ${score.stance.accuracy.toFixed(3)} / ${score.history.accuracy.toFixed(3)}`]),
        ],
      ),
    );

    // After the summary: the pipeline against its floor (its own redis-server and worker processes).
    const floor = await runFloorBench({ corpusDir });
    printFloor(floor);
    writeFloorResults(floor, 'npm run bench');
  } finally {
    // Workers first, so nothing writes under the prefix while its keys are deleted.
    await Promise.all(app.workers.map((w) => w.close()));
    cleanups.unshift({ prefix, deleted: await deleteKeys(app.redis, prefix) });
    await app.close();
    console.log('');
    for (const c of cleanups) console.log(`cleanup: deleted ${c.deleted} keys under ${c.prefix}`);
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
