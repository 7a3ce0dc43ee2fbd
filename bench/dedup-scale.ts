/**
 * Dedup cost against the size of the index: a private redis-server is filled with 1 k, 10 k, 100 k and 1 M
 * synthetic articles (random LSH bands written straight into the current bucket of the dedup window, many at a
 * time through pipelines), and at each size a few hundred probe articles go through what the dedup stage asks of
 * Redis, one at a time: store the signature, register (claims, band lookup and insert), read the candidates'
 * signatures. Half the probes reprint an article registered at the very start (all its bands match), half are
 * new. Everything falls in one bucket of the window, the worst case (a bucket holds a quarter window of
 * articles). Writes bench/results/dedup-scale.json.
 *
 *   npx tsx bench/dedup-scale.ts [--sizes 1000,10000,100000,1000000] [--probes 500]
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { DEDUP_DEFAULTS } from '../src/dedup/defaults.js';
import { keys } from '../src/store/keys.js';
import { claimField, dedupWindow, Store } from '../src/store/store.js';
import { startPrivateRedis, usedMemory, type PrivateRedis } from './private-redis.js';
import { stats, table, type Stats } from './support.js';

const NAMESPACE = 'scale';
// The probes' band keys carry this namespace too, so they land in the bucket fill() writes to.
const PREFIX = '{marsad}';
const FILL_BATCH = 1_000;
const PLANTED = 250;

const { values } = parseArgs({ options: { sizes: { type: 'string' }, probes: { type: 'string' } } });
const sizes = (values.sizes ?? '1000,10000,100000,1000000').split(',').map(Number);
const probes = Number(values.probes ?? 500);
if (sizes.some((n) => !Number.isInteger(n) || n < PLANTED + probes) || !(probes > 0)) {
  console.error(`--sizes takes increasing whole numbers of at least ${PLANTED} + the probes, --probes a positive number`);
  process.exit(1);
}

/** DEDUP_DEFAULTS.bands band keys, as the dedup stage names them (namespace:band:16 hex digits). */
function randomBands(): string[] {
  const hex = randomBytes(8 * DEDUP_DEFAULTS.bands).toString('hex');
  return Array.from({ length: DEDUP_DEFAULTS.bands }, (_, b) => `${NAMESPACE}:${b}:${hex.slice(16 * b, 16 * b + 16)}`);
}

function randomSignature(): { signature: Uint32Array; shingleCount: number } {
  return { signature: new Uint32Array(randomBytes(4 * DEDUP_DEFAULTS.numHashes).buffer), shingleCount: 200 };
}

/**
 * Articles `from`..`to` - 1 into the index as registration leaves them (their dedup order, their URL and text
 * claims, and each band hash -> order in the current bucket), without the script: only the probes'
 * registrations are measured.
 */
async function fill(redis: Redis, from: number, to: number): Promise<void> {
  const k = keys(PREFIX);
  const window = dedupWindow(DEDUP_DEFAULTS.windowDays);
  const bucket = k.bandBucket(NAMESPACE, window.bucketSeconds, window.bucketOf(Date.now()));
  const claims = k.claimBucket(window.bucketSeconds, window.bucketOf(Date.now()));
  for (let start = from; start < to; start += FILL_BATCH) {
    const tx = redis.pipeline();
    const end = Math.min(to, start + FILL_BATCH);
    const orders = await redis.incrby(k.dedupCounter, end - start);
    for (let i = start; i < end; i++) {
      const order = String(orders - (end - 1 - i));
      const hashes = randomBytes(8 * DEDUP_DEFAULTS.bands);
      const fields: (Buffer | string)[] = [];
      for (let b = 0; b < DEDUP_DEFAULTS.bands; b++) fields.push(hashes.subarray(8 * b, 8 * b + 8), order);
      tx.zadd(k.dedupOrder, order, `fill-${i}`);
      tx.hset(claims, claimField('url', `https://example.org/fill-${i}`), `fill-${i}`, claimField('text', `fill-${i}`), `fill-${i}`);
      tx.hset(bucket, ...fields);
    }
    await tx.exec();
  }
}

const register = (store: Store, id: string, bandKeys: string[]) => store.registerForDedup(id, { urlKey: `https://example.org/${id}`, contentHash: id, bandKeys }, 64);

/** Server time (µs) spent in scripts, from INFO commandstats. */
async function scriptMicros(redis: Redis): Promise<{ calls: number; usec: number }> {
  const line = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(await redis.info('commandstats'));
  return { calls: Number(line?.[1] ?? 0), usec: Number(line?.[2] ?? 0) };
}

interface SizeResult {
  indexed: number;
  msPerArticle: Stats;
  scriptUsecPerCall: number;
  candidatesFound: number;
  usedMemoryBytes: number;
}

/** One private Redis filled to `size`, with the planted originals the reprint probes match. */
interface Index {
  size: number;
  server: PrivateRedis;
  redis: Redis;
  store: Store;
  times: number[];
  candidatesFound: number;
}

const planted = Array.from({ length: PLANTED }, (_, i) => ({ id: `planted-${i}`, bands: randomBands() }));

async function openIndex(size: number): Promise<Index> {
  const server = await startPrivateRedis();
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  const store = new Store(redis, PREFIX);
  for (const p of planted) {
    await store.putSignature(p.id, randomSignature());
    await register(store, p.id, p.bands);
  }
  // A first round of probes lets V8 optimize the client side, and Redis load the script, before anything is timed.
  for (let i = 0; i < probes; i++) await register(store, `warm-up-${i}`, randomBands());
  await fill(redis, PLANTED + probes, size);
  return { size, server, redis, store, times: [], candidatesFound: 0 };
}

async function probe(index: Index, i: number): Promise<void> {
  const id = `probe-${i}`;
  const bands = i % 2 === 0 ? planted[(i / 2) % PLANTED]!.bands : randomBands();
  const t0 = performance.now();
  await index.store.putSignature(id, randomSignature());
  const { candidates } = await register(index.store, id, bands);
  await index.store.getSignatures(candidates);
  index.times.push(performance.now() - t0);
  index.candidatesFound += candidates.length;
}

const indexes: Index[] = [];
try {
  const started = performance.now();
  for (const size of sizes) {
    indexes.push(await openIndex(size));
    console.log(`${size.toLocaleString('en')} articles indexed (${((performance.now() - started) / 1000).toFixed(0)} s so far)`);
  }
  // Interleaved, one probe per index in turn: whatever else the machine does weighs on every size alike.
  const before = await Promise.all(indexes.map((x) => scriptMicros(x.redis)));
  for (let i = 0; i < probes; i++) for (const index of indexes) await probe(index, i);
  const after = await Promise.all(indexes.map((x) => scriptMicros(x.redis)));
  const results: SizeResult[] = await Promise.all(
    indexes.map(async (x, n) => ({
      indexed: x.size,
      msPerArticle: stats(x.times),
      scriptUsecPerCall: (after[n]!.usec - before[n]!.usec) / Math.max(1, after[n]!.calls - before[n]!.calls),
      candidatesFound: x.candidatesFound,
      usedMemoryBytes: await usedMemory(x.redis),
    })),
  );
  const first = results[0]!;
  console.log(`${probes} probes per size, interleaved; half reprint an article indexed first (candidates found: ${results.map((r) => r.candidatesFound).join(', ')})`);
  console.log(
    table(
      ['indexed', 'ms/article mean', 'p50', 'p95', 'script µs/call', 'vs first (wall mean)', 'vs first (wall p50)', 'vs first (script)', 'used_memory MB'],
      results.map((r) => [
        r.indexed.toLocaleString('en'),
        r.msPerArticle.mean.toFixed(3),
        r.msPerArticle.p50.toFixed(3),
        r.msPerArticle.p95.toFixed(3),
        r.scriptUsecPerCall.toFixed(1),
        `${(r.msPerArticle.mean / first.msPerArticle.mean).toFixed(2)}x`,
        `${(r.msPerArticle.p50 / first.msPerArticle.p50).toFixed(2)}x`,
        `${(r.scriptUsecPerCall / first.scriptUsecPerCall).toFixed(2)}x`,
        (r.usedMemoryBytes / 1e6).toFixed(0),
      ]),
    ),
  );
  writeFileSync(
    new URL('./results/dedup-scale.json', import.meta.url),
    JSON.stringify(
      {
        bench: 'dedup-scale',
        command: `npx tsx bench/dedup-scale.ts --sizes ${sizes.join(',')} --probes ${probes}`,
        at: new Date().toISOString(),
        probesPerSize: probes,
        results: results.map((r) => ({
          ...r,
          ratioWall: r.msPerArticle.mean / first.msPerArticle.mean,
          ratioWallP50: r.msPerArticle.p50 / first.msPerArticle.p50,
          ratioScript: r.scriptUsecPerCall / first.scriptUsecPerCall,
        })),
      },
      null,
      2,
    ) + '\n',
  );
} finally {
  for (const x of indexes) {
    x.redis.disconnect();
    await x.server.stop();
  }
}
