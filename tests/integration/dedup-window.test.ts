import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bandKeys } from '../../src/dedup/lsh.js';
import { signTokens } from '../../src/dedup/minhash.js';
import type { SourceDocument } from '../../src/model.js';
import { dedupWindow, Store } from '../../src/store/store.js';
import { mulberry32 } from '../support/random.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';

// The dedup index keeps an article findable for the window (30 days here) and drops it after at most a quarter
// more, whole buckets at a time; Redis's real clock expires the keys, the store's clock (moved here) picks buckets.
const DAY = 86_400_000;
const WINDOW_DAYS = 30;
const t0 = Date.now();
let clock = t0;
let url: string;
let prefix: string;
let redis: Redis;
let store: Store;

const bands = (seed: number): string[] => {
  const random = mulberry32(seed);
  const tokens = Array.from({ length: 80 }, () => `w${Math.floor(random() * 5000)}`);
  return bandKeys(signTokens(tokens).signature).map((k) => `test-ns:${k}`);
};
const register = (id: string, bandKeys: string[], at: number) => {
  clock = at;
  return store.registerForDedup(id, { urlKey: null, contentHash: `hash-${id}`, bandKeys }, 64);
};
const keysUnder = async (pattern: string): Promise<string[]> => {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:${pattern}`, 'COUNT', 1000);
    cursor = next;
    out.push(...found);
  } while (cursor !== '0');
  return out;
};

beforeAll(() => {
  url = testRedisUrl();
  prefix = testPrefix('dedup-window');
  redis = new Redis(url, { maxRetriesPerRequest: 3 });
  store = new Store(redis, prefix, { dedupWindowDays: WINDOW_DAYS, now: () => clock });
});

afterAll(async () => {
  redis?.disconnect();
  if (url) await deleteKeys(url, prefix);
});

describe('the dedup window', () => {
  it('finds an article registered up to the window before, and not one registered 1.25 windows before', async () => {
    const story = bands(1);
    expect((await register('a-original', story, t0)).candidates).toEqual([]);
    expect((await register('a-within', story, t0 + WINDOW_DAYS * DAY - 1000)).candidates).toEqual(['a-original']);
    const late = await register('a-late', story, t0 + 1.25 * WINDOW_DAYS * DAY + DAY);
    expect(late.candidates).not.toContain('a-original');
    expect(late.candidates).toContain('a-within');
  });

  it('keeps a URL or text claim with its first holder for the window, then lets it go', async () => {
    const claim = (id: string, at: number) => {
      clock = at;
      return store.registerForDedup(id, { urlKey: 'example.org/iraq/withdrawal', contentHash: 'same-text', bandKeys: [] }, 64);
    };
    expect(await claim('f-first', t0)).toMatchObject({ urlHolder: 'f-first', hashHolder: 'f-first' });
    expect(await claim('f-again', t0 + WINDOW_DAYS * DAY - 1000)).toMatchObject({ urlHolder: 'f-first', hashHolder: 'f-first' });
    expect(await claim('f-first', t0 + WINDOW_DAYS * DAY)).toMatchObject({ urlHolder: 'f-first', hashHolder: 'f-first' });
    expect(await claim('f-late', t0 + 2.5 * WINDOW_DAYS * DAY)).toMatchObject({ urlHolder: 'f-late', hashHolder: 'f-late' });
    clock = t0;
    expect(await store.registerForDedup('f-no-url', { urlKey: null, contentHash: 'other-text', bandKeys: [] }, 64)).toMatchObject({ urlHolder: null, hashHolder: 'f-no-url' });
  });

  it('registers a text too short for bands on its claims alone', async () => {
    expect(await register('e-short', [], t0)).toMatchObject({ hashHolder: 'e-short', candidates: [] });
    expect((await register('e-copy', [], t0)).candidates).toEqual([]);
  });

  it('gives every band, signature and claim key an expiry at most 1.25 windows after it was written', async () => {
    clock = t0;
    const story = bands(2);
    await store.putSignature('b-1', signTokens(['x', 'y', 'z']));
    await register('b-1', story, t0);
    const limit = Math.ceil((t0 + 1.25 * WINDOW_DAYS * DAY + dedupWindow(WINDOW_DAYS).bucketSeconds * 1000) / 1000);
    const bucket = dedupWindow(WINDOW_DAYS).bucketOf(t0);
    const windowed = [...(await keysUnder(`lsh:*:${bucket}`)), ...(await keysUnder(`dedup-claims:*:${bucket}`)), `${prefix}:sig:b-1`];
    expect(windowed).toHaveLength(3);
    for (const key of windowed) {
      const at = (await redis.call('EXPIRETIME', key)) as number;
      expect(at, key).toBeGreaterThan(Math.floor(t0 / 1000) + WINDOW_DAYS * 86_400 - 1);
      expect(at, key).toBeLessThanOrEqual(limit);
    }
  });

  it('keeps the bands of a time bucket in one hash, 8 bytes a band', async () => {
    const at = t0 + 3 * DAY;
    for (let i = 0; i < 100; i++) await register(`c-${i}`, bands(100 + i), at);
    const buckets = await keysUnder(`lsh:*:${dedupWindow(WINDOW_DAYS).bucketOf(at)}`);
    expect(buckets).toHaveLength(1);
    const fields = await redis.hkeysBuffer(buckets[0]!);
    expect(fields.length).toBeGreaterThanOrEqual(100 * 32);
    expect(new Set(fields.map((f) => f.length))).toEqual(new Set([8]));
  });

  it('drops the raw document at registration; stored again for a known article, it lasts a day', async () => {
    clock = t0;
    const doc: SourceDocument = {
      id: 'd-1',
      origin: { kind: 'seed', file: 'd-1.json' },
      format: 'text',
      body: 'نص',
      url: null,
      source: null,
      author: null,
      title: null,
      published: null,
      language: 'ar',
      baseline: false,
      receivedAt: new Date(t0).toISOString(),
    };
    expect(await store.putDocument(doc)).toBe(true);
    expect(await store.putDocument(doc)).toBe(false);
    await redis.set(`${prefix}:article:d-1`, '{}');
    await register('d-1', bands(3), t0);
    expect(await store.getDocument('d-1')).toBeNull();
    expect(await store.putDocument(doc)).toBe(false);
    expect(await store.getDocument('d-1')).toMatchObject({ id: 'd-1' });
    expect(await redis.ttl(`${prefix}:doc:d-1`)).toBeGreaterThan(0);
    expect(await redis.ttl(`${prefix}:doc:d-1`)).toBeLessThanOrEqual(86_400);
  });
});
