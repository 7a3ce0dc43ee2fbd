/**
 * The child processes of bench/floor.ts, forked with `--import tsx` (and `--cpu-prof` when profiled). One mode each:
 *   stages S1,S2,…  marsad's own workers for those stages (openApp + startWorkers), as `marsad worker S1 S2` runs them;
 *   chain H          a bare BullMQ chain of H queues whose workers only hand the payload on: the queue part of the floor;
 *   cores URLS_FILE  each stage's pure work on the same pages, one page at a time: the compute part of the floor.
 * It tells the parent over IPC when it is ready and how much CPU it has used (process.cpuUsage), and exits on 'stop'
 * (a normal exit, so that --cpu-prof writes its profile).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { alertsFor } from '../src/alerts/decide.js';
import { actorNames } from '../src/milestones/assess.js';
import { openApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { compileCores, tagArticle } from '../src/cores.js';
import { contentHash } from '../src/dedup/content-hash.js';
import { bandKeys } from '../src/dedup/lsh.js';
import { signTokens } from '../src/dedup/minhash.js';
import { cleanDocument } from '../src/extract/document.js';
import { decodeBody } from '../src/fetch/charset.js';
import { createHttpClient } from '../src/fetch/http.js';
import { createLogger } from '../src/log.js';
import type { Article, SourceDocument } from '../src/model.js';
import { isStage, type Stage } from '../src/queues/names.js';
import { lookupConcepts, storyFeatures } from '../src/stories/features.js';
import { words } from '../src/text/arabic.js';

export type ToChild = { type: 'cpu' } | { type: 'stop' };
export type FromChild =
  | { type: 'ready' }
  | { type: 'cpu'; ms: number }
  | { type: 'cores'; stages: CoreStage[]; msPerArticle: Record<CoreStage, number>; pages: number }
  | { type: 'error'; message: string };

/** The stages from a feed item to an alert record, in order: the hops of the chain. */
export const ITEM_TO_ALERT = ['fetch', 'clean', 'dedup', 'tag', 'story', 'alert'] as const satisfies readonly Stage[];
export type CoreStage = (typeof ITEM_TO_ALERT)[number];

const send = (m: FromChild): void => void process.send?.(m);
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Answers the parent's CPU questions; `stop` closes, reports the CPU used so far, and exits normally. */
function serve(close: () => Promise<void>): void {
  process.on('message', (m: ToChild) => {
    if (m.type === 'cpu') send({ type: 'cpu', ms: cpuMs() });
    else if (m.type === 'stop') {
      void close().finally(() => {
        send({ type: 'cpu', ms: cpuMs() });
        process.exit(0);
      });
    }
  });
  // The parent gone, nothing is left to do here.
  process.on('disconnect', () => process.exit(0));
}

/**
 * A CPU profile of the measured part only (from ready to stop, not the start-up), in --cpu-prof's format:
 * written to FLOOR_PROFILE when set.
 */
async function startProfile(file: string | undefined): Promise<() => Promise<void>> {
  if (!file) return async () => {};
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

async function runStages(stages: Stage[]): Promise<void> {
  const app: App = await openApp({ log: createLogger(process.env), env: process.env });
  const stopProfile = await startProfile(process.env.FLOOR_PROFILE);
  app.startWorkers(stages);
  serve(async () => {
    await stopProfile();
    await app.close();
  });
  send({ type: 'ready' });
}

/** payload of hop i: ids, as marsad's (documentId until cleaned, articleId after). */
function chainPayload(hop: number, id: string): Record<string, string> {
  return hop < 2 ? { documentId: id } : { articleId: id };
}

/** A bare chain: queue i's worker adds the same id to queue i+1, with marsad's job ids, retention and concurrency. */
async function runChain(hops: number): Promise<void> {
  const config = loadConfig(process.env);
  const prefix = config.settings.redis.prefix;
  const url = process.env.REDIS_URL!;
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const q = config.settings.queues;
  const defaultJobOptions = {
    attempts: q.attempts,
    backoff: { type: 'exponential', delay: q.backoffDelayMs, jitter: 0.5 },
    removeOnComplete: { age: q.keepCompletedSeconds, count: q.keepCompletedCount },
    removeOnFail: { count: q.keepFailedCount },
  };
  const names = Array.from({ length: hops }, (_, i) => `chain-${i}`);
  const queues = names.map((name) => new Queue(name, { connection, prefix, defaultJobOptions }));
  const workers = names.map(
    (name, i) =>
      new Worker(
        name,
        async (job) => {
          const id = Object.values(job.data as Record<string, string>)[0]!;
          if (i + 1 < hops) await queues[i + 1]!.add(names[i + 1]!, chainPayload(i + 1, id), { jobId: `${names[i + 1]}-${id}` });
          return { status: 'done', next: [id] };
        },
        { connection: new Redis(url, { maxRetriesPerRequest: null }), prefix, concurrency: config.settings.concurrency[ITEM_TO_ALERT[i] ?? 'clean'] },
      ),
  );
  serve(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all(queues.map((x) => x.close()));
    connection.disconnect();
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  send({ type: 'ready' });
}

/**
 * Each stage's core on each page, one page at a time, as CPU ms (process.cpuUsage around each step): fetch is the
 * HTTP GET with marsad's client plus decoding, the others what their workers compute, without Redis.
 * Two passes; the first lets V8 optimize and is not counted.
 */
async function runCores(urlsFile: string): Promise<void> {
  const urls = JSON.parse(readFileSync(urlsFile, 'utf8')) as string[];
  const config = loadConfig(process.env);
  const cores = compileCores(config);
  const http = createHttpClient(config.settings.fetch);
  const { shingleSize, bands, rows } = config.settings.dedup;
  const names = actorNames(config.stance);
  const total: Record<CoreStage, number> = { fetch: 0, clean: 0, dedup: 0, tag: 0, story: 0, alert: 0 };
  const now = new Date();
  let sink = 0;
  for (const pass of [0, 1]) {
    for (const url of urls) {
      const times: number[] = [cpuMs()];
      const response = await http.get(url, { expect: 'html' });
      const body = decodeBody(response.body, response.headers['content-type'], 'html').text;
      times.push(cpuMs());
      const doc: SourceDocument = { id: 'core', origin: { kind: 'feed', feedId: 'bench', url }, format: 'html', body, url, source: null, author: null, title: null, published: now.toISOString(), language: null, baseline: false, receivedAt: now.toISOString() };
      const clean = cleanDocument(doc);
      const hash = contentHash(words(clean.text));
      times.push(cpuMs());
      const signed = signTokens(words(clean.text), { shingleSize });
      sink += bandKeys(signed.signature, bands, rows).length;
      times.push(cpuMs());
      const tags = tagArticle(cores, clean);
      times.push(cpuMs());
      const article: Article = {
        id: 'core', origin: doc.origin, url, canonicalUrl: clean.canonicalUrl, source: null, author: null, byline: clean.byline, title: clean.title,
        published: clean.published, language: clean.language, text: clean.text, ...tags, duplicateOf: null, duplicateMatch: null, similarity: null,
        alsoReportedBy: [], contentHash: hash, seq: 1, firstSeen: now.toISOString(), stage: 'tagged', baseline: false, warnings: clean.warnings,
      };
      const features = storyFeatures(cores.stories, cores.gazetteer, article);
      sink += lookupConcepts(cores.stories, features).length;
      times.push(cpuMs());
      sink += alertsFor(article, config.milestones.milestones, { now, windowDays: config.settings.alerts.windowDays, timelines: new Map(), names, storyId: null }).alerts.length;
      times.push(cpuMs());
      if (pass === 1) ITEM_TO_ALERT.forEach((stage, i) => (total[stage] += times[i + 1]! - times[i]!));
    }
  }
  await http.close();
  const msPerArticle = Object.fromEntries(ITEM_TO_ALERT.map((s) => [s, total[s] / urls.length])) as Record<CoreStage, number>;
  send({ type: 'cores', stages: [...ITEM_TO_ALERT], msPerArticle, pages: urls.length });
  if (sink < 0) console.log(sink); // keeps the results alive for the optimizer
  process.exit(0);
}

/** Forked by bench/floor.ts (which imports this module only for its types and ITEM_TO_ALERT). */
async function main(mode: string | undefined, arg: string | undefined): Promise<void> {
  if (mode === 'stages') {
    const stages = (arg ?? '').split(',');
    if (!stages.every(isStage)) throw new Error(`floor-worker: unknown stage in ${arg}`);
    await runStages(stages as Stage[]);
  } else if (mode === 'chain') await runChain(Number(arg));
  else if (mode === 'cores') await runCores(arg!);
  else throw new Error(`floor-worker: mode is stages, chain or cores, got ${mode}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [mode, arg] = process.argv.slice(2);
  main(mode, arg).catch((err: Error) => {
    send({ type: 'error', message: err.message });
    process.exit(1);
  });
}
