/**
 * The pipeline against its floor, in one run on a private redis-server (so that its CPU and commands are the bench's):
 *   1. the floor: each stage's core on the same pages (child process, CPU ms per article) plus a bare BullMQ chain
 *      of the same hops (fetch → alert: 6 queues) carrying the same id payloads (child process + Redis CPU);
 *   2. stage by stage (one worker process per stage, started when the stage before has drained): CPU per article
 *      of each stage's process and of Redis, Redis commands per article (INFO commandstats), and a CPU profile of
 *      the stage's process summarised by category (bench/cpu-profile.ts);
 *   3. end to end, feed item → alert record: pages served on many loopback addresses (127.0.0.x, so per-host pacing
 *      is not the limit), marsad's workers in the processes of --layout, articles/s and CPU per article
 *      (worker processes' process.cpuUsage + Redis' INFO cpu) against the floor;
 *   4. alert latency, feed item enqueued → webhook received, idle and while 100 articles/s flow.
 * Writes bench/results/floor.json.
 *
 *   npx tsx bench/floor.ts [--articles N] [--layout fetch,clean,dedup/tag,story,alert] [--no-latency] [--no-staged] [--profiles DIR] [--concurrency N]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { openApp, type App } from '../src/app.js';
import { DEFAULT_CONFIG_DIR } from '../src/config/load.js';
import { documentId } from '../src/ids.js';
import { createLogger } from '../src/log.js';
import type { FeedItem } from '../src/model.js';
import type { Stage } from '../src/queues/names.js';
import { CATEGORIES, profileByCategory, type Category } from './cpu-profile.js';
import { DEFAULT_CORPUS_DIR, loadAntCorpus, type CorpusDoc } from './dedup-corpus.js';
import { ITEM_TO_ALERT, type CoreStage, type FromChild } from './floor-worker.js';
import { startPrivateRedis, type PrivateRedis } from './private-redis.js';
import { alertProbe, quantile, table } from './support.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WORKER = path.join(HERE, 'floor-worker.ts');
const RESULTS = path.join(HERE, 'results', 'floor.json');
/** Loopback addresses serving pages; with HOST_INTERVAL_MS they allow HOSTS * 1000 / HOST_INTERVAL_MS pages/s. */
const HOSTS = 64;
const HOST_INTERVAL_MS = 100;
/** Feed items put in per second by the producer in the throughput runs: above what the pipeline does. */
const BURST_RATE = 2000;
const DRAIN_TIMEOUT_MS = 300_000;
const LOADED_RATE = 100;
const LOADED_SECONDS = 15;
const IDLE_PROBES = 15;
const PROBE_EVERY_MS = 400;

export interface FloorFigures {
  articles: number;
  cpus: number;
  layout: string[][];
  concurrency: number | null;
  floor: { coresMsPerArticle: Record<CoreStage, number>; coresMs: number; chainMsPerArticle: number; chainWorkerMs: number; chainRedisMs: number; chainRedisCallsPerArticle: number; msPerArticle: number };
  staged: StagedFigures[] | null;
  endToEnd: { articles: number; alerted: number; wallSeconds: number; articlesPerSecond: number; workerMsPerArticle: number; redisMsPerArticle: number; msPerArticle: number; ratioToFloor: number; redisCallsPerArticle: number };
  latency: { idle: LatencyFigures; loaded: LatencyFigures & { rate: number; flowAlerted: number; flowArticles: number } } | null;
}

interface StagedFigures {
  stage: CoreStage;
  jobs: number;
  workerMsPerArticle: number;
  redisMsPerArticle: number;
  redisCallsPerArticle: number;
  topCommands: { command: string; perArticle: number }[];
  profileMsPerArticle: Record<Category, number>;
}

interface LatencyFigures {
  probes: number;
  /** Alerts recorded and deliveries made in the whole latency run (idle and loaded). */
  alerts?: number;
  deliveries?: number;
  received: number;
  p50: number;
  p95: number;
  max: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Pages on many loopback hosts

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An article page with the furniture a news site puts around it. */
function articlePage(title: string, paragraphs: string[], lang: 'ar' | 'en', canonical: string, published: string): string {
  return `<!doctype html>
<html lang="${lang}"${lang === 'ar' ? ' dir="rtl"' : ''}>
<head><meta charset="utf-8"><title>${escapeHtml(title)} | Bench News</title>
<link rel="canonical" href="${canonical}"><meta property="article:published_time" content="${published}"></head>
<body>
<header><nav><a href="/">Home</a> <a href="/iraq">Iraq</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>${escapeHtml(title)}</h1><div class="meta"><time datetime="${published}">${published.slice(0, 10)}</time></div>
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
</article><aside class="related"><h3>Related</h3><ul><li><a href="/x1">Gold prices</a></li><li><a href="/x2">Exam results</a></li></ul></aside></main>
<footer><p>All rights reserved 2025</p></footer>
</body></html>
`;
}

/** Probe n as a page: raises an alert (see alertProbe). */
function probePage(n: number, canonical: string, published: string): string {
  const { title, paragraphs } = alertProbe(n);
  return articlePage(title, paragraphs, 'en', canonical, published);
}

interface Site {
  /** URL of corpus page i (spread over the hosts) and of probe n. */
  pageUrl(i: number): string;
  probeUrl(n: number): string;
  stop(): Promise<void>;
}

async function startSite(corpus: readonly CorpusDoc[], hosts: number): Promise<Site> {
  const published = new Date().toISOString();
  const servers: { server: Server; base: string }[] = [];
  for (let h = 0; h < hosts; h++) {
    const address = `127.0.0.${2 + h}`;
    const server = createServer((req, res) => {
      const url = req.url ?? '/';
      const base = `http://${req.headers.host}`;
      if (url === '/robots.txt') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /private/\n');
      const news = /^\/news\/(\d+)\.html$/.exec(url);
      const probe = /^\/probe\/(\d+)\.html$/.exec(url);
      const doc = news ? corpus[Number(news[1])] : undefined;
      if (doc) {
        const paragraphs = doc.text.split(/\n+/).map((p) => p.trim()).filter(Boolean);
        return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articlePage(doc.title || paragraphs[0]!.slice(0, 80), paragraphs, 'ar', base + url, published));
      }
      if (probe) return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(probePage(Number(probe[1]), base + url, published));
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>');
    });
    await new Promise<void>((resolve) => server.listen(0, address, resolve));
    servers.push({ server, base: `http://${address}:${(server.address() as AddressInfo).port}` });
  }
  return {
    pageUrl: (i) => `${servers[i % hosts]!.base}/news/${i}.html`,
    probeUrl: (n) => `${servers[(n * 7 + 3) % hosts]!.base}/probe/${n}.html`,
    async stop() {
      await Promise.all(servers.map(({ server }) => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); })));
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Child processes, Redis figures

interface Child {
  proc: ChildProcess;
  cpuMs(): Promise<number>;
  /** Closes the child; resolves with its CPU ms at the end. */
  stop(): Promise<number>;
}

async function startChild(args: string[], env: NodeJS.ProcessEnv, onMessage?: (m: FromChild) => void): Promise<Child> {
  const proc = fork(WORKER, args, { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiters: ((m: FromChild) => void)[] = [];
  proc.on('message', (m: FromChild) => {
    onMessage?.(m);
    if (m.type === 'cpu') waiters.shift()?.(m);
  });
  await new Promise<void>((resolve, reject) => {
    proc.on('message', (m: FromChild) => (m.type === 'ready' ? resolve() : m.type === 'error' ? reject(new Error(m.message)) : undefined));
    proc.once('exit', (code) => reject(new Error(`floor-worker ${args.join(' ')} exited with ${code} before it was ready`)));
  });
  const ask = (type: 'cpu' | 'stop'): Promise<number> =>
    new Promise((resolve) => {
      waiters.push((m) => resolve(m.type === 'cpu' ? m.ms : NaN));
      proc.send({ type });
    });
  return {
    proc,
    cpuMs: () => ask('cpu'),
    async stop() {
      const exited = new Promise((r) => proc.once('exit', r));
      const ms = await ask('stop');
      await exited;
      return ms;
    },
  };
}

async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const get = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return (get('used_cpu_sys') + get('used_cpu_user')) * 1000;
}

async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const out = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}

function callsDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [cmd, n] of after) {
    const d = n - (before.get(cmd) ?? 0);
    if (d > 0) out.set(cmd, d);
  }
  // The bench's own reads (INFO, and the counts it polls) are not the pipeline's.
  out.delete('info');
  return out;
}

/** Waits until none of `stages`' queues (on `prefix`) holds a job that is waiting, active, delayed or prioritized. */
async function drained(redis: Redis, prefix: string, queues: readonly string[]): Promise<void> {
  const bull = queues.map((name) => new Queue(name, { connection: redis, prefix }));
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  try {
    for (;;) {
      const counts = await Promise.all(bull.map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
      if (counts.every((c) => (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) === 0)) return;
      if (Date.now() > deadline) throw new Error(`queues ${queues.join(', ')} still busy after ${DRAIN_TIMEOUT_MS / 1000} s: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await Promise.all(bull.map((q) => q.close()));
  }
}

/** Calls `put(i)` for i < count at `rate` per second (in 10 ms steps). */
async function produce(count: number, rate: number, put: (i: number) => Promise<void>): Promise<void> {
  const t0 = Date.now();
  let i = 0;
  while (i < count) {
    const due = Math.min(count, Math.floor(((Date.now() - t0 + 10) * rate) / 1000));
    const batch: Promise<void>[] = [];
    for (; i < due; i++) batch.push(put(i));
    await Promise.all(batch);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function feedItem(url: string, n: number): FeedItem {
  const now = new Date().toISOString();
  return { documentId: documentId({ url, body: '' }), feedId: 'bench-wire', url, guid: `bench-${n}-${url}`, title: null, published: now, summary: null, baseline: false, discoveredAt: now };
}

async function putItem(app: App, item: FeedItem): Promise<void> {
  await app.store.putFeedItem(item);
  await app.queues.enqueue('fetch', { documentId: item.documentId });
}

// ---------------------------------------------------------------------------------------------------------------

function writeConfig(opts: { latency: boolean; hookUrl?: string; concurrency?: number }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'marsad-bench-floor-config-'));
  for (const f of ['taxonomy.yaml', 'milestones.yaml', 'stance.yaml', 'stories.yaml']) cpSync(path.join(DEFAULT_CONFIG_DIR, f), path.join(dir, f));
  // --concurrency N overrides every stage's concurrency (to try settings); by default marsad's own defaults run.
  const concurrency = opts.concurrency ? `concurrency:\n${[...ITEM_TO_ALERT, 'deliver'].map((s) => `  ${s}: ${opts.concurrency}\n`).join('')}` : '';
  writeFileSync(path.join(dir, 'settings.yaml'), `fetch:\n  hostIntervalMs: ${HOST_INTERVAL_MS}\n  contact: mailto:bench@example.org\nhttp:\n  publicUrl: https://marsad.test\n${concurrency}`);
  writeFileSync(path.join(dir, 'feeds.yaml'), 'feeds: []\n');
  if (opts.latency) {
    // Probes are variations of one sentence on one day: as one story they would raise one alert. Each stays its own.
    const stories = readFileSync(path.join(dir, 'stories.yaml'), 'utf8');
    writeFileSync(path.join(dir, 'stories.yaml'), stories.replace(/^  min_score: .*$/m, '  min_score: 1000').replace(/^  jaccard: .*$/m, '  jaccard: 1').replace(/^  containment: .*$/m, '  containment: 1'));
    writeFileSync(path.join(dir, 'subscribers.yaml'), `subscribers:\n  - id: bench-hook\n    channel: webhook\n    url: ${opts.hookUrl}\n    secret: whsec_${randomBytes(32).toString('base64')}\n`);
  }
  return dir;
}

interface RunContext {
  redisUrl: string;
  redis: Redis;
  env: (prefix: string, configDir: string) => NodeJS.ProcessEnv;
}

async function withApp<T>(ctx: RunContext, configDir: string, fn: (app: App, prefix: string, env: NodeJS.ProcessEnv) => Promise<T>): Promise<T> {
  const prefix = `{bench-floor-${randomBytes(3).toString('hex')}}`;
  const env = ctx.env(prefix, configDir);
  const app = await openApp({ log: createLogger(env), env });
  try {
    return await fn(app, prefix, env);
  } finally {
    await app.close();
  }
}

async function runChain(ctx: RunContext, configDir: string, count: number, site: Site): Promise<{ workerMs: number; redisMs: number; calls: number }> {
  return withApp(ctx, configDir, async (_app, prefix, env) => {
    const chain = await startChild(['chain', String(ITEM_TO_ALERT.length)], env);
    const first = new Queue('chain-0', { connection: ctx.redis, prefix });
    try {
      const [w0, r0, c0] = [await chain.cpuMs(), await redisCpuMs(ctx.redis), await commandCalls(ctx.redis)];
      await produce(count, BURST_RATE, async (i) => {
        const id = documentId({ url: site.pageUrl(i), body: '' });
        await first.add('chain-0', { documentId: id }, { jobId: `chain-0-${id}` });
      });
      await drained(ctx.redis, prefix, ITEM_TO_ALERT.map((_, i) => `chain-${i}`));
      const [w1, r1, c1] = [await chain.cpuMs(), await redisCpuMs(ctx.redis), await commandCalls(ctx.redis)];
      return { workerMs: w1 - w0, redisMs: r1 - r0, calls: [...callsDelta(c0, c1).values()].reduce((a, b) => a + b, 0) };
    } finally {
      await first.close();
      await chain.stop();
    }
  });
}

async function runStaged(ctx: RunContext, configDir: string, count: number, site: Site, profileDir: string): Promise<StagedFigures[]> {
  return withApp(ctx, configDir, async (app, prefix, env) => {
    await produce(count, BURST_RATE, (i) => putItem(app, feedItem(site.pageUrl(i), i)));
    const out: StagedFigures[] = [];
    for (const stage of ITEM_TO_ALERT) {
      const profile = path.join(profileDir, `${stage}.cpuprofile`);
      const child = await startChild(['stages', stage], { ...env, FLOOR_PROFILE: profile });
      const [w0, r0, c0] = [await child.cpuMs(), await redisCpuMs(ctx.redis), await commandCalls(ctx.redis)];
      await drained(ctx.redis, prefix, [stage]);
      const [w1, r1, c1] = [await child.cpuMs(), await redisCpuMs(ctx.redis), await commandCalls(ctx.redis)];
      await child.stop();
      const calls = callsDelta(c0, c1);
      const byCategory = profileByCategory(profile);
      const per = (x: number): number => x / count;
      out.push({
        stage,
        jobs: count,
        workerMsPerArticle: per(w1 - w0),
        redisMsPerArticle: per(r1 - r0),
        redisCallsPerArticle: per([...calls.values()].reduce((a, b) => a + b, 0)),
        topCommands: [...calls].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([command, n]) => ({ command, perArticle: per(n) })),
        profileMsPerArticle: Object.fromEntries(CATEGORIES.map((c) => [c, per(byCategory[c])])) as Record<Category, number>,
      });
    }
    return out;
  });
}

function articlesThrough(app: App, ids: readonly string[]): Promise<number> {
  return app.store.getArticles(ids).then((list) => list.filter((a) => a.stage === 'alerted').length);
}

async function startLayout(layout: string[][], env: NodeJS.ProcessEnv): Promise<Child[]> {
  return Promise.all(layout.map((stages) => startChild(['stages', stages.join(',')], env)));
}

async function runEndToEnd(ctx: RunContext, configDir: string, count: number, site: Site, layout: string[][]): Promise<FloorFigures['endToEnd']> {
  return withApp(ctx, configDir, async (app, prefix, env) => {
    const children = await startLayout(layout, env);
    try {
      const w0 = await Promise.all(children.map((c) => c.cpuMs()));
      const [r0, c0] = [await redisCpuMs(ctx.redis), await commandCalls(ctx.redis)];
      const t0 = performance.now();
      const items = Array.from({ length: count }, (_, i) => feedItem(site.pageUrl(i), i));
      await produce(count, BURST_RATE, (i) => putItem(app, items[i]!));
      await drained(ctx.redis, prefix, ITEM_TO_ALERT);
      const wallSeconds = (performance.now() - t0) / 1000;
      const w1 = await Promise.all(children.map((c) => c.cpuMs()));
      const [r1, c1] = [await redisCpuMs(ctx.redis), await commandCalls(ctx.redis)];
      const alerted = await articlesThrough(app, items.map((x) => x.documentId));
      const workerMs = w1.reduce((a, b, i) => a + b - w0[i]!, 0);
      const calls = [...callsDelta(c0, c1).values()].reduce((a, b) => a + b, 0);
      return {
        articles: count,
        alerted,
        wallSeconds,
        articlesPerSecond: alerted / wallSeconds,
        workerMsPerArticle: workerMs / alerted,
        redisMsPerArticle: (r1 - r0) / alerted,
        msPerArticle: (workerMs + r1 - r0) / alerted,
        ratioToFloor: NaN,
        redisCallsPerArticle: calls / alerted,
      };
    } finally {
      await Promise.all(children.map((c) => c.stop()));
    }
  });
}

/** A webhook receiver noting when each alert's article arrives. */
async function startReceiver(): Promise<{ url: string; received: Map<string, number>; stop(): Promise<void> }> {
  const received = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { alert: { article: { id: string } } } };
        if (!received.has(body.data.alert.article.id)) received.set(body.data.alert.article.id, at);
      } catch {
        // a digest or an unexpected body: not a probe
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/bench`,
    received,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function latencyFigures(sent: Map<string, number>, received: Map<string, number>): LatencyFigures {
  const ms = [...sent].flatMap(([id, at]) => (received.has(id) ? [received.get(id)! - at] : [])).sort((a, b) => a - b);
  return { probes: sent.size, received: ms.length, p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), max: ms.at(-1) ?? NaN };
}

async function runLatency(ctx: RunContext, site: Site, pages: number, layout: string[][], concurrency: number | undefined): Promise<NonNullable<FloorFigures['latency']>> {
  const receiver = await startReceiver();
  const configDir = writeConfig({ latency: true, hookUrl: receiver.url, concurrency });
  const waitFor = async (cond: () => boolean, ms: number): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  };
  try {
    return await withApp(ctx, configDir, async (app, prefix, env) => {
      await app.subscribers.syncFromConfig(app.config.subscribers);
      // Deliveries go out from the process that raises the alerts.
      const children = await startLayout(layout.map((stages) => (stages.includes('alert') ? [...stages, 'deliver'] : stages)), env);
      try {
        const probe = async (n: number, sent: Map<string, number>): Promise<string> => {
          const item = feedItem(site.probeUrl(n), n);
          sent.set(item.documentId, Date.now());
          await putItem(app, item);
          return item.documentId;
        };
        // Idle: one probe at a time, each after the one before has arrived (or 10 s). The first, not counted, warms
        // up what every process does once (robots.txt of its host, connections, JIT).
        const idleSent = new Map<string, number>();
        await probe(IDLE_PROBES + 10_000, new Map()).then((id) => waitFor(() => receiver.received.has(id), 10_000));
        for (let n = 0; n < IDLE_PROBES; n++) {
          const id = await probe(n, idleSent);
          await waitFor(() => receiver.received.has(id), 10_000);
        }
        const idle = latencyFigures(idleSent, receiver.received);

        // Loaded: corpus pages at LOADED_RATE per second, a probe every PROBE_EVERY_MS among them.
        const flowCount = Math.min(pages, LOADED_RATE * LOADED_SECONDS);
        const flow = Array.from({ length: flowCount }, (_, i) => feedItem(site.pageUrl(i), i));
        const loadedSent = new Map<string, number>();
        let probes = IDLE_PROBES;
        const probing = setInterval(() => void probe(probes++, loadedSent), PROBE_EVERY_MS);
        try {
          await produce(flowCount, LOADED_RATE, (i) => putItem(app, flow[i]!));
        } finally {
          clearInterval(probing);
        }
        await drained(ctx.redis, prefix, [...ITEM_TO_ALERT, 'deliver']);
        await waitFor(() => [...loadedSent.keys()].every((id) => receiver.received.has(id)), 10_000);
        const loaded = latencyFigures(loadedSent, receiver.received);
        const alerts = (await app.alerts.listAlertIds(0)).length;
        const deliveries = (await app.alerts.listDeliveryIds(0)).length;
        return { idle: { ...idle, alerts, deliveries }, loaded: { ...loaded, rate: LOADED_RATE, flowArticles: flowCount, flowAlerted: await articlesThrough(app, flow.map((x) => x.documentId)) } };
      } finally {
        await Promise.all(children.map((c) => c.stop()));
      }
    });
  } finally {
    await receiver.stop();
    rmSync(configDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------

export interface FloorOptions {
  articles?: number;
  layout?: string[][];
  staged?: boolean;
  latency?: boolean;
  corpusDir?: string;
  /** Keep the stage processes' .cpuprofile files here (else they go with the run's temporary folder). */
  profilesDir?: string;
  /** Every pipeline stage's concurrency, instead of marsad's defaults. */
  concurrency?: number;
}

export const DEFAULT_LAYOUT: string[][] = [['fetch', 'clean', 'dedup', 'tag', 'story', 'alert']];

export async function runFloorBench(opts: FloorOptions = {}): Promise<FloorFigures> {
  const corpus = loadAntCorpus(opts.corpusDir ?? DEFAULT_CORPUS_DIR);
  if (corpus.length === 0) throw new Error(`no ANT corpus under ${opts.corpusDir ?? DEFAULT_CORPUS_DIR}: the floor bench serves its articles as pages`);
  const count = Math.min(opts.articles ?? corpus.length, corpus.length);
  const layout = opts.layout ?? DEFAULT_LAYOUT;
  const redisServer: PrivateRedis = await startPrivateRedis();
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const site = await startSite(corpus, HOSTS);
  const configDir = writeConfig({ latency: false, concurrency: opts.concurrency });
  const work = mkdtempSync(path.join(os.tmpdir(), 'marsad-bench-floor-'));
  const ctx: RunContext = {
    redisUrl: redisServer.url,
    redis,
    env: (prefix, dir) => ({ ...process.env, REDIS_URL: redisServer.url, MARSAD_PREFIX: prefix, MARSAD_CONFIG_DIR: dir, MARSAD_ALLOW_PRIVATE_NETWORKS: 'true', MARSAD_LOG_LEVEL: 'silent' }),
  };
  try {
    // 1. The floor: cores on the same pages, then the bare chain.
    const urlsFile = path.join(work, 'urls.json');
    writeFileSync(urlsFile, JSON.stringify(Array.from({ length: count }, (_, i) => site.pageUrl(i))));
    const cores = await new Promise<Record<CoreStage, number>>((resolve, reject) => {
      startChild(['cores', urlsFile], ctx.env('{bench-floor-cores}', configDir), (m) => (m.type === 'cores' ? resolve(m.msPerArticle) : m.type === 'error' ? reject(new Error(m.message)) : undefined)).catch(reject);
    });
    const coresMs = Object.values(cores).reduce((a, b) => a + b, 0);
    const chain = await runChain(ctx, configDir, count, site);
    const chainMsPerArticle = (chain.workerMs + chain.redisMs) / count;
    const floor = { coresMsPerArticle: cores, coresMs, chainMsPerArticle, chainWorkerMs: chain.workerMs / count, chainRedisMs: chain.redisMs / count, chainRedisCallsPerArticle: chain.calls / count, msPerArticle: coresMs + chainMsPerArticle };

    // 2. Stage by stage, profiled.
    const profileDir = opts.profilesDir ?? path.join(work, 'profiles');
    mkdirSync(profileDir, { recursive: true });
    const staged = opts.staged === false ? null : await runStaged(ctx, configDir, count, site, profileDir);

    // 3. End to end.
    const endToEnd = await runEndToEnd(ctx, configDir, count, site, layout);
    endToEnd.ratioToFloor = endToEnd.msPerArticle / floor.msPerArticle;

    // 4. Alert latency.
    const latency = opts.latency === false ? null : await runLatency(ctx, site, corpus.length, layout, opts.concurrency);
    return { articles: count, cpus: os.availableParallelism(), layout, concurrency: opts.concurrency ?? null, floor, staged, endToEnd, latency };
  } finally {
    await site.stop();
    redis.disconnect();
    await redisServer.stop();
    rmSync(configDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

const f2 = (x: number): string => x.toFixed(2);
const f3 = (x: number): string => x.toFixed(3);

export function printFloor(x: FloorFigures): void {
  const layout = x.layout.map((p) => p.join(',')).join(' / ');
  console.log(`\nfloor bench: ${x.articles} corpus pages on ${HOSTS} loopback hosts, private redis-server, ${x.cpus} cpus, worker processes: ${layout}, concurrency ${x.concurrency ?? 'marsad defaults'}`);
  const fl = x.floor;
  console.log(
    table(
      ['floor, CPU ms per article', 'ms'],
      [
        ...ITEM_TO_ALERT.map((s) => [`core ${s}`, f3(fl.coresMsPerArticle[s])]),
        ['cores, all six', f3(fl.coresMs)],
        [`bare BullMQ chain, ${ITEM_TO_ALERT.length} hops (worker + Redis)`, f3(fl.chainMsPerArticle)],
        ['  of which Redis', f3(fl.chainRedisMs)],
        ['  Redis calls per article (commandstats)', f2(fl.chainRedisCallsPerArticle)],
        ['floor', f3(fl.msPerArticle)],
      ],
    ),
  );
  if (x.staged) {
    console.log('\nstage by stage (one worker process per stage, run after the stage before drained): CPU ms and Redis calls per article');
    console.log(
      table(
        ['stage', 'worker ms', 'redis ms', 'core ms', 'stage / core', 'redis calls', 'top commands (calls per article)'],
        x.staged.map((s) => [
          s.stage,
          f3(s.workerMsPerArticle),
          f3(s.redisMsPerArticle),
          f3(fl.coresMsPerArticle[s.stage]),
          `${((s.workerMsPerArticle + s.redisMsPerArticle) / fl.coresMsPerArticle[s.stage]).toFixed(1)}x`,
          f2(s.redisCallsPerArticle),
          s.topCommands.slice(0, 5).map((c) => `${c.command} ${c.perArticle.toFixed(1)}`).join(', '),
        ]),
      ),
    );
    console.log('\nwhere the worker CPU goes, ms per article (CPU profile of each stage process, idle left out)');
    const used = CATEGORIES.filter((c) => x.staged!.some((s) => s.profileMsPerArticle[c] >= 0.005));
    console.log(
      table(
        ['category', ...x.staged.map((s) => s.stage), 'all'],
        used.map((c) => [c, ...x.staged!.map((s) => f3(s.profileMsPerArticle[c])), f3(x.staged!.reduce((a, s) => a + s.profileMsPerArticle[c], 0))]),
      ),
    );
  }
  const e = x.endToEnd;
  console.log(`\nend to end, feed item -> alert record: ${e.alerted}/${e.articles} articles alerted in ${e.wallSeconds.toFixed(2)} s`);
  console.log(
    table(
      ['figure', 'value'],
      [
        ['articles/s', e.articlesPerSecond.toFixed(1)],
        ['CPU ms per article (workers + Redis)', f3(e.msPerArticle)],
        ['  workers / Redis', `${f3(e.workerMsPerArticle)} / ${f3(e.redisMsPerArticle)}`],
        ['CPU per article / floor', `${e.ratioToFloor.toFixed(2)}x`],
        ['Redis calls per article', f2(e.redisCallsPerArticle)],
      ],
    ),
  );
  if (x.latency) {
    const { idle, loaded } = x.latency;
    console.log('\nalert latency, feed item enqueued -> webhook received (ms)');
    console.log(
      table(
        ['', 'probes', 'received', 'p50', 'p95', 'max'],
        [
          ['idle', String(idle.probes), String(idle.received), String(idle.p50), String(idle.p95), String(idle.max)],
          [`${loaded.rate} articles/s (${loaded.flowAlerted}/${loaded.flowArticles} through)`, String(loaded.probes), String(loaded.received), String(loaded.p50), String(loaded.p95), String(loaded.max)],
        ],
      ),
    );
  }
}

export function writeFloorResults(x: FloorFigures, command: string): void {
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify({ command, at: new Date().toISOString(), node: process.version, ...x }, null, 2)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { articles: { type: 'string' }, layout: { type: 'string' }, 'no-latency': { type: 'boolean' }, 'no-staged': { type: 'boolean' }, corpus: { type: 'string' }, profiles: { type: 'string' }, concurrency: { type: 'string' } } });
  const layout = values.layout ? values.layout.split('/').map((p) => p.split(',') as Stage[]) : undefined;
  const figures = await runFloorBench({ articles: values.articles ? Number(values.articles) : undefined, layout, latency: !values['no-latency'], staged: !values['no-staged'], corpusDir: values.corpus, profilesDir: values.profiles && path.resolve(values.profiles), concurrency: values.concurrency ? Number(values.concurrency) : undefined });
  printFloor(figures);
  writeFloorResults(figures, `npx tsx bench/floor.ts ${process.argv.slice(2).join(' ')}`.trim());
  console.log(`\nwritten: ${path.relative(process.cwd(), RESULTS)}`);
}
