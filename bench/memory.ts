/**
 * Redis memory per stored article: a private redis-server, the ANT corpus (/work/shared/corpora) seeded through
 * the whole pipeline (clean, dedup, tag, story, alert), then every key's MEMORY USAGE summed by key family, and the
 * server's used_memory before and after. Writes bench/results/memory.json.
 *
 *   npx tsx bench/memory.ts [--corpus DIR] [--limit N]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import { openApp } from '../src/app.js';
import { seedDocuments } from '../src/ops/seed.js';
import { createLogger } from '../src/log.js';
import { STAGES } from '../src/queues/names.js';
import { DEFAULT_CORPUS_DIR, loadAntCorpus } from './dedup-corpus.js';
import { startPrivateRedis, usedMemory } from './private-redis.js';
import { table } from './support.js';

const PREFIX = '{marsad}';
const TIMEOUT_MS = 300_000;

const BULLMQ = 'BullMQ jobs and queues';

/** Key families, matched on what follows the prefix; the first match wins. */
const FAMILIES: [string, RegExp][] = [
  ['LSH bands', /^lsh[:-]/],
  ['signatures', /^sig:/],
  ['raw documents', /^doc:/],
  ['articles', /^article:/],
  ['indexes (listing, tags)', /^(articles|idx:|seq$)/],
  ['timelines', /^timeline:/],
  ['stories', /^story-/],
  ['dedup claims (URL, text hash)', /^(url:|hash:|dedup-claims:)/],
  ['dedup order and reprint links', /^(dedup-|dups:|duplicate-of$)/],
  ['alerts and deliveries', /^(alert:al-|alert-|alerts$|deliver(y:|ies)|digest-)/],
  [BULLMQ, new RegExp(`^(${STAGES.join('|')}):`)],
  ['other', /./],
];

interface Family {
  family: string;
  keys: number;
  bytes: number;
  bytesPerArticle: number;
}

/** BullMQ's keys by what they hold: a job (`queue:jobId`), the events stream, or the queue's own lists and sets. */
function bullmqKind(rest: string): string {
  const [, suffix = ''] = rest.split(':');
  if (suffix === 'events') return 'BullMQ: events streams';
  if (/^[a-z]+-/.test(suffix)) return 'BullMQ: jobs (data, return value, logs)';
  return 'BullMQ: queue lists and sets (wait, completed, ...)';
}

async function memoryByFamily(redis: Redis, prefix: string): Promise<Omit<Family, 'bytesPerArticle'>[]> {
  const totals = new Map<string, { keys: number; bytes: number }>(FAMILIES.map(([f]) => [f, { keys: 0, bytes: 0 }]));
  const add = (family: string, bytes: number) => {
    const t = totals.get(family) ?? { keys: 0, bytes: 0 };
    totals.set(family, { keys: t.keys + 1, bytes: t.bytes + bytes });
  };
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    const tx = redis.pipeline();
    for (const key of found) tx.memory('USAGE', key, 'SAMPLES', '0');
    const sizes = (await tx.exec()) ?? [];
    found.forEach((key, i) => {
      const rest = key.slice(prefix.length + 1);
      const family = FAMILIES.find(([, re]) => re.test(rest))![0];
      const bytes = Number(sizes[i]?.[1] ?? 0);
      add(family, bytes);
      if (family === BULLMQ) add(bullmqKind(rest), bytes);
    });
  } while (cursor !== '0');
  return [...totals].map(([family, t]) => ({ family, ...t }));
}

const { values } = parseArgs({ options: { corpus: { type: 'string' }, limit: { type: 'string' } } });
const corpusDir = path.resolve(values.corpus ?? DEFAULT_CORPUS_DIR);
const corpus = loadAntCorpus(corpusDir).slice(0, values.limit ? Number(values.limit) : undefined);
if (corpus.length === 0) {
  console.error(`no ANT corpus under ${corpusDir}: pass --corpus DIR (see /work/shared/corpora/README.md)`);
  process.exit(1);
}
const input = mkdtempSync(path.join(os.tmpdir(), 'marsad-memory-'));
for (const d of corpus) {
  // As bench/pipeline.ts feeds them: empty fields dropped so the headline in the text wins.
  writeFileSync(path.join(input, `${d.id}.json`), JSON.stringify({ title: d.title || undefined, text: d.text, url: d.url || undefined, source: d.source || undefined }));
}

const server = await startPrivateRedis();
const env = { ...process.env, REDIS_URL: server.url, MARSAD_PREFIX: PREFIX, MARSAD_LOG_LEVEL: 'silent' };
const app = await openApp({ log: createLogger(env), env });
try {
  const before = await usedMemory(app.redis);
  app.startWorkers(STAGES);
  const seeded = await seedDocuments(app, input, { timeoutMs: TIMEOUT_MS });
  await Promise.all(app.workers.map((w) => w.close()));
  const articles = await app.store.countArticles();
  const after = await usedMemory(app.redis);
  const families = (await memoryByFamily(app.redis, PREFIX)).map((f) => ({ ...f, bytesPerArticle: f.bytes / articles }));
  const top = families.filter((f) => !f.family.startsWith('BullMQ: '));
  const keyed = top.reduce((n, f) => n + f.bytes, 0);
  const keyCount = top.reduce((n, f) => n + f.keys, 0);
  const perArticle = (after - before) / articles;

  console.log(`${seeded.documents} corpus documents -> ${articles} articles (${seeded.failed} failed, ${await app.store.countDuplicates()} linked as duplicates), private ${server.url}, prefix ${PREFIX}`);
  console.log(
    table(
      ['key family', 'keys', 'keys/article', 'bytes', 'bytes/article'],
      [
        ...families.filter((f) => f.keys > 0).map((f) => [f.family.startsWith('BullMQ: ') ? `  ${f.family}` : f.family, String(f.keys), (f.keys / articles).toFixed(1), String(f.bytes), f.bytesPerArticle.toFixed(0)]),
        ['all keys (sum of MEMORY USAGE)', String(keyCount), (keyCount / articles).toFixed(1), String(keyed), (keyed / articles).toFixed(0)],
        ['used_memory after - before (INFO)', '', '', String(after - before), perArticle.toFixed(0)],
      ],
    ),
  );
  const result = {
    bench: 'memory',
    command: 'npx tsx bench/memory.ts',
    at: new Date().toISOString(),
    redis: (await app.redis.info('server')).match(/redis_version:(\S+)/)?.[1],
    duplicates: await app.store.countDuplicates(),
    dedupWindowDays: app.config.settings.dedup.windowDays,
    documents: seeded.documents,
    articles,
    usedMemoryDelta: after - before,
    bytesPerArticle: Math.round(perArticle),
    keysPerArticle: keyCount / articles,
    families: families.map((f) => ({ ...f, bytesPerArticle: Math.round(f.bytesPerArticle) })),
  };
  if (!values.limit) writeFileSync(new URL('./results/memory.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
} finally {
  await app.close();
  await server.stop();
  rmSync(input, { recursive: true, force: true });
}
