/**
 * The feed side of `npm run bench` (called from bench/pipeline.ts, which prints the figures):
 *   1. the poll stage on unchanged feeds: FEEDS feeds on one loopback FeedSite (distinct query strings), a
 *      first poll through the whole pipeline, then rounds of force-polls through the real poll queue and
 *      workers, every one answered 304; and the pure core of such a poll (no I/O) for comparison;
 *   2. fetch + extract per page: `http.get` + `decodeBody` + `cleanDocument`, one page at a time, over the
 *      FeedSite's article pages and the HTML extraction fixtures served by a loopback server.
 * Its keys live under a prefix of their own, deleted at the end (SCAN + UNLINK, never FLUSHDB).
 */
import { deleteKeys } from './support.js';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { openApp, type App } from '../src/app.js';
import { pollFeedsOnce } from '../src/ops/feeds.js';
import { DEFAULT_CONFIG_DIR } from '../src/config/load.js';
import { cleanDocument } from '../src/extract/document.js';
import { conditionalHeaders, feedBounds, isUnchanged, recordSuccess, type FeedState } from '../src/feeds/schedule.js';
import { decodeBody } from '../src/fetch/charset.js';
import { createHttpClient, type HttpClient } from '../src/fetch/http.js';
import { createLogger } from '../src/log.js';
import type { JobData } from '../src/queues/jobs.js';
import type { StageResult } from '../src/queues/pipeline.js';
import { ARTICLES } from '../tests/fixtures/feed-site/articles.js';
import { loadHtmlFixtures } from '../tests/fixtures/html/load.js';
import { FeedSite } from '../tests/support/feed-site.js';

const FEEDS = 50;
/** Measured rounds of FEEDS force-polls each (after one warm-up round). */
const POLL_ROUNDS = 20;
/** Iterations of the pure 304 core. */
const CORE_ITERATIONS = 20_000;
/** Measured fetches of every page (after one warm-up round). */
const PAGE_ROUNDS = 5;
const TIMEOUT_MS = 60_000;

/** One sample per page fetched: ms of each step, and the page's size on the wire. */
export interface PageTimes {
  pages: number;
  rounds: number;
  fetch: number[];
  decode: number[];
  clean: number[];
  bytes: number[];
  /** Pages the cleaner marked "too little text" (the fixtures include two on purpose). */
  tooLittleText: number;
}

export interface FeedsBench {
  redisUrl: string;
  prefix: string;
  feeds: number;
  pollConcurrency: number;
  firstPoll: { wallMs: number; failedPolls: number; documents: number; failedDocuments: number };
  unchanged: {
    rounds: number;
    polls: number;
    /** Polls whose result was "304 not modified". */
    notModified: number;
    /** Requests the site saw for the feed during the measured rounds. */
    feedRequests: number;
    /** From the first add of the first measured round to the last poll finished. */
    wallMs: number;
    /** Per job, from BullMQ timestamps (whole ms): in the worker, and in the queue before it. */
    runMs: number[];
    queuedMs: number[];
  };
  /** conditionalHeaders + isUnchanged + recordSuccess on a stored state; and with the state's JSON parse + stringify. */
  core: { iterations: number; msPerPoll: number; msPerPollWithJson: number };
  pages: { feedSite: PageTimes; fixtures: PageTimes };
  cleanup: { prefix: string; deleted: number };
}

/** A config folder: the real taxonomy and milestones, no pacing, FEEDS feeds on the site. */
function writeConfig(site: FeedSite): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'marsad-bench-feeds-config-'));
  for (const f of ['taxonomy.yaml', 'milestones.yaml', 'stance.yaml', 'stories.yaml']) cpSync(path.join(DEFAULT_CONFIG_DIR, f), path.join(dir, f));
  writeFileSync(path.join(dir, 'settings.yaml'), 'fetch:\n  hostIntervalMs: 0\n  contact: mailto:bench@example.org\n# every measured poll job is read back: keep them all\nqueues:\n  keepCompletedCount: 100000\n');
  const feeds = Array.from({ length: FEEDS }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    return `  - id: bench-feed-${n}\n    url: ${site.baseUrl}/feed.xml?feed=${n}\n    name: Bench Daily ${n}\n    language: ar\n`;
  });
  writeFileSync(path.join(dir, 'feeds.yaml'), `feeds:\n${feeds.join('')}`);
  return dir;
}

/** Rounds of force-polls of every feed through the poll queue, one round after the other. */
async function pollRounds(app: App, site: FeedSite): Promise<FeedsBench['unchanged']> {
  const results = await app.queues.watchResults('poll'); // listening before the jobs exist
  try {
    // `slot` only names the job (elsewhere a manual poll's time in ms): the round number keeps the ids distinct.
    const round = async (slot: number): Promise<void> => {
      const data = app.config.feeds.map((f): JobData<'poll'> => ({ feedId: f.id, force: true, slot }));
      const ids = await app.queues.enqueueMany('poll', data);
      await Promise.all(ids.map((id) => results.result(id, TIMEOUT_MS)));
    };
    await round(0); // warm-up
    const requestsBefore = site.count('/feed.xml');
    const t0 = performance.now();
    for (let r = 1; r <= POLL_ROUNDS; r++) await round(r);
    const wallMs = performance.now() - t0;
    const measured = (await app.queues.queuesForBoard().poll.getJobs(['completed'], 0, -1)).filter((j) => (j.data.slot ?? 0) >= 1 && (j.data.slot ?? 0) <= POLL_ROUNDS);
    return {
      rounds: POLL_ROUNDS,
      polls: measured.length,
      notModified: measured.filter((j) => (j.returnvalue as StageResult | null)?.note === '304 not modified').length,
      feedRequests: site.count('/feed.xml') - requestsBefore,
      wallMs,
      runMs: measured.map((j) => (j.finishedOn ?? 0) - (j.processedOn ?? 0)),
      queuedMs: measured.map((j) => (j.processedOn ?? 0) - j.timestamp),
    };
  } finally {
    await results.close();
  }
}

/** What the poll worker computes for a 304, without Redis or HTTP: twice, the first pass for the JIT. */
function timeCore(app: App, state: FeedState, etag: string | null): FeedsBench['core'] {
  const feed = app.config.feeds[0]!;
  const bounds = feedBounds(app.config.settings.feeds, feed);
  const raw = JSON.stringify(state);
  let sink = 0;
  const pass = (json: boolean): number => {
    const t0 = performance.now();
    for (let i = 0; i < CORE_ITERATIONS; i++) {
      const s = json ? (JSON.parse(raw) as FeedState) : state;
      const headers = conditionalHeaders(s);
      const unchanged = isUnchanged(s, 304, null);
      const next = recordSuccess(s, { at: new Date(), status: 304, cacheControl: null, etag, lastModified: null, itemCount: 0, newItemCount: 0, bodyHash: null }, bounds);
      sink += (unchanged ? 1 : 0) + Object.keys(headers).length + (json ? JSON.stringify(next).length : next.interval);
    }
    return (performance.now() - t0) / CORE_ITERATIONS;
  };
  pass(false);
  pass(true);
  const result = { iterations: CORE_ITERATIONS, msPerPoll: pass(false), msPerPollWithJson: pass(true) };
  if (sink === -1) console.log(sink); // keeps the loop's results observable
  return result;
}

/** The HTML fixtures as committed, as a site would serve them (text/html, the charset left to the page). */
async function serveFixtures(): Promise<{ server: Server; urls: string[] }> {
  const pages = new Map(loadHtmlFixtures().map((f) => [`/${f.name}.html`, f.bytes]));
  const server = createServer((req, res) => {
    const body = pages.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (body) res.writeHead(200, { 'content-type': 'text/html' }).end(body);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, urls: [...pages.keys()].map((p) => base + p) };
}

/** `http.get` + `decodeBody` + `cleanDocument` of each page, one at a time, as the fetch and clean stages do them. */
async function timePages(http: HttpClient, urls: readonly string[]): Promise<PageTimes> {
  const times: PageTimes = { pages: urls.length, rounds: PAGE_ROUNDS, fetch: [], decode: [], clean: [], bytes: [], tooLittleText: 0 };
  for (let round = 0; round <= PAGE_ROUNDS; round++) {
    for (const url of urls) {
      const t0 = performance.now();
      const response = await http.get(url, { expect: 'html' });
      const t1 = performance.now();
      const decoded = decodeBody(response.body, response.headers['content-type'], 'html');
      const t2 = performance.now();
      const clean = cleanDocument({ format: 'html', body: decoded.text, url: response.url, title: null, published: null, language: null });
      const t3 = performance.now();
      if (round === 0) {
        if (clean.tooLittleText) times.tooLittleText++;
        continue; // warm-up: connections, JIT, cheerio's lazy setup
      }
      times.fetch.push(t1 - t0);
      times.decode.push(t2 - t1);
      times.clean.push(t3 - t2);
      times.bytes.push(response.body.length);
    }
  }
  return times;
}

/** The figures, on an app whose config lists the feeds of `site`. */
async function measure(app: App, site: FeedSite, http: HttpClient, fixtureUrls: readonly string[]): Promise<Omit<FeedsBench, 'cleanup'>> {
  // The first poll: every feed lists the same 20 articles, fetched and cleaned once, through the pipeline.
  const t0 = performance.now();
  const first = await pollFeedsOnce(app, app.config.feeds, { timeoutMs: TIMEOUT_MS });
  const firstPoll = {
    wallMs: performance.now() - t0,
    failedPolls: first.polls.filter((p) => p.failed).length,
    documents: first.documents.size,
    failedDocuments: [...first.documents.values()].filter((e) => e !== null).length,
  };
  const feedId = app.config.feeds[0]!.id;
  const state = await app.store.getFeedState<FeedState>(feedId);
  if (!state?.etag) throw new Error(`no ETag held after the first poll of ${feedId}: the rounds would measure 200s, not 304s`);

  const unchanged = await pollRounds(app, site);
  const core = timeCore(app, state, state.etag);
  const articleUrls = ARTICLES.map((a) => `${site.baseUrl}/news/${a.slug}.html`);
  const pages = { feedSite: await timePages(http, articleUrls), fixtures: await timePages(http, fixtureUrls) };
  return { redisUrl: app.endpoint.url, prefix: app.config.settings.redis.prefix, feeds: app.config.feeds.length, pollConcurrency: app.config.settings.concurrency.poll, firstPoll, unchanged, core, pages };
}

export async function runFeedsBench(): Promise<FeedsBench> {
  const site = new FeedSite(ARTICLES, new Date());
  await site.start();
  const configDir = writeConfig(site);
  const prefix = `{marsad-bench-feeds-${randomBytes(4).toString('hex')}}`;
  const env = { ...process.env, MARSAD_PREFIX: prefix, MARSAD_CONFIG_DIR: configDir, MARSAD_ALLOW_PRIVATE_NETWORKS: 'true', MARSAD_LOG_LEVEL: 'silent' };
  let figures: Omit<FeedsBench, 'cleanup'>;
  let deleted = 0;
  try {
    const app = await openApp({ log: createLogger(env), env });
    const http = createHttpClient(app.config.settings.fetch);
    const fixtures = await serveFixtures();
    try {
      figures = await measure(app, site, http, fixtures.urls);
    } finally {
      await http.close();
      await new Promise<void>((resolve) => fixtures.server.close(() => resolve()));
      // Workers first, so nothing writes under the prefix while its keys are deleted.
      await Promise.all(app.workers.map((w) => w.close()));
      deleted = await deleteKeys(app.redis, prefix);
      await app.close();
    }
  } finally {
    await site.stop();
    rmSync(configDir, { recursive: true, force: true });
  }
  return { ...figures, cleanup: { prefix, deleted } };
}
