/**
 * `npx tsx bench/dashboard.ts [--articles N]`: the status page's weight and server time with N (default
 * 10,000) articles in the store. The articles are the seeds, cleaned and tagged by the real cores, written
 * again and again under new ids straight into the store (first seen over the last 14 days), on a fresh key
 * prefix that is deleted afterwards. GET / is timed over real HTTP on loopback, like a browser asks.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { openApp } from '../src/app.js';
import { DEFAULT_SEEDS_DIR } from '../src/ops/seed.js';
import { tagArticle } from '../src/cores.js';
import { contentHash } from '../src/dedup/content-hash.js';
import { cleanDocument } from '../src/extract/document.js';
import { createLogger } from '../src/log.js';
import type { Article } from '../src/model.js';
import { readSeedFolder } from '../src/seed/documents.js';
import { createServer } from '../src/server/server.js';
import { words } from '../src/text/arabic.js';
import { deleteKeys, stats, table } from './support.js';

const { values } = parseArgs({ options: { articles: { type: 'string', default: '10000' }, runs: { type: 'string', default: '7' } } });
const COUNT = Number(values.articles);
const RUNS = Number(values.runs);
const DAY = 24 * 3600_000;

const prefix = `{marsad-bench-dashboard-${randomBytes(4).toString('hex')}}`;
const token = randomBytes(16).toString('hex');
const env = { ...process.env, MARSAD_PREFIX: prefix, MARSAD_LOG_LEVEL: 'silent', MARSAD_DASHBOARD_TOKEN: token };
const app = await openApp({ log: createLogger(env), env });
try {
  const now = Date.now();
  const templates = readSeedFolder(DEFAULT_SEEDS_DIR, new Date(now).toISOString()).documents.map((doc) => {
    const clean = cleanDocument(doc);
    return { doc, clean, tags: tagArticle(app.cores, clean) };
  });
  const started = performance.now();
  const BATCH = 500;
  for (let from = 0; from < COUNT; from += BATCH) {
    const writes: Promise<void>[] = [];
    for (let i = from; i < Math.min(COUNT, from + BATCH); i++) {
      const { doc, clean, tags } = templates[i % templates.length]!;
      // Oldest first: seq and first-seen grow together, as in the pipeline.
      const firstSeen = new Date(now - 14 * DAY + (i / COUNT) * 14 * DAY).toISOString();
      const article: Article = {
        id: i.toString(16).padStart(16, '0'),
        origin: doc.origin,
        url: doc.url ? `${doc.url}?copy=${i}` : null,
        canonicalUrl: null,
        source: doc.source,
        author: doc.author,
        byline: clean.byline,
        title: clean.title ? `${clean.title} (${i})` : null,
        published: firstSeen,
        language: clean.language,
        text: clean.text,
        ...tags,
        duplicateOf: null,
        duplicateMatch: null,
        similarity: null,
        alsoReportedBy: [],
        contentHash: contentHash(words(clean.text)),
        seq: i + 1,
        firstSeen,
        stage: 'alerted',
        baseline: false,
        warnings: [],
      };
      writes.push(app.store.saveArticle(article, null));
    }
    await Promise.all(writes);
  }
  const fillMs = performance.now() - started;
  const articleBytes = await app.redis.memory('USAGE', `${prefix}:article:${(0).toString(16).padStart(16, '0')}`);

  const server = await createServer(app);
  const base = await server.listen({ host: '127.0.0.1', port: 0 });
  const headers = { authorization: `Bearer ${token}`, 'accept-encoding': 'identity' };
  const rows: string[][] = [];
  for (const [name, path] of [
    ['GET /', '/'],
    ['GET /?milestone=ain-al-asad-exit', '/?milestone=ain-al-asad-exit'],
    ['GET /?language=en (scan of 300)', '/?language=en'],
    ['GET /articles/:id', `/articles/${(COUNT - 1).toString(16).padStart(16, '0')}`],
  ] as const) {
    const times: number[] = [];
    let bytes = 0;
    for (let run = 0; run < RUNS + 1; run++) {
      const t = performance.now();
      const res = await fetch(`${base}${path}`, { headers });
      const body = await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      // The first request warms up (JIT, connections): not counted.
      if (run > 0) times.push(performance.now() - t);
      bytes = body.byteLength;
    }
    const s = stats(times);
    rows.push([name, String(bytes), `${(bytes / 1024).toFixed(1)}`, s.p50.toFixed(1), s.mean.toFixed(1), Math.max(...times).toFixed(1)]);
  }
  await server.close();
  process.stdout.write(`dashboard with ${COUNT} articles in the store (filled in ${(fillMs / 1000).toFixed(1)} s; one article ≈ ${articleBytes} bytes in Redis), ${RUNS} timed runs each:\n`);
  process.stdout.write(table(['request', 'bytes', 'KiB', 'p50 ms', 'mean ms', 'max ms'], rows) + '\n');
} finally {
  const deleted = await deleteKeys(app.redis, prefix);
  await app.close();
  process.stdout.write(`deleted ${deleted} keys under ${prefix}\n`);
}
