/** The per-subscriber rate limit on a real Redis: a sliding window shared by every worker. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RateLimiter, type RateDecision } from '../../src/subscribers/rate-limit.js';
import { INTERVAL_MS, WAIT_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';

let url: string;
let prefix: string;
let redis: Redis;
let limiter: RateLimiter;

beforeAll(() => {
  url = testRedisUrl();
  prefix = testPrefix('subscribers-rate');
  redis = new Redis(url, { maxRetriesPerRequest: 3 });
  limiter = new RateLimiter(redis, prefix);
});

afterAll(async () => {
  redis?.disconnect();
  if (url) await deleteKeys(url, prefix);
});

async function redisNow(): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

describe('RateLimiter.allow', () => {
  it('allows max sends per window, then says when the next one may go', async () => {
    const limit = { max: 3, perSeconds: 60 };
    const before = await redisNow();
    for (let i = 0; i < 3; i++) expect(await limiter.allow('hook-a', limit)).toEqual({ allowed: true, retryAtMs: null });
    const denied = await limiter.allow('hook-a', limit);
    expect(denied.allowed).toBe(false);
    // The first send ages out of the window a minute after it was made.
    const [, firstScore] = await redis.zrange(`${prefix}:rate:hook-a`, '0', '0', 'WITHSCORES');
    expect(denied.retryAtMs).toBe(Number(firstScore) + 60_000);
    expect(denied.retryAtMs!).toBeGreaterThanOrEqual(before + 60_000);
    // A denied send takes nothing: the log still holds three.
    expect(await redis.zcard(`${prefix}:rate:hook-a`)).toBe(3);
    const ttl = await redis.pttl(`${prefix}:rate:hook-a`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('keeps one window per subscriber', async () => {
    const limit = { max: 1, perSeconds: 60 };
    expect((await limiter.allow('hook-b', limit)).allowed).toBe(true);
    expect((await limiter.allow('hook-b', limit)).allowed).toBe(false);
    expect((await limiter.allow('hook-c', limit)).allowed).toBe(true);
  });

  it('allows again once the window has slid past the oldest send, not before', async () => {
    const limit = { max: 2, perSeconds: 1 };
    // Two sends, and a third within the window: denied. A machine so loaded that the three took longer than
    // the window sees the first age out before the third, which is then rightly allowed: it tries again.
    let id = '';
    let denied: RateDecision | null = null;
    for (let attempt = 1; denied === null; attempt++) {
      id = `hook-d${attempt}`;
      const started = await redisNow();
      await limiter.allow(id, limit);
      await limiter.allow(id, limit);
      const third = await limiter.allow(id, limit);
      if (!third.allowed) denied = third;
      else {
        expect(await redisNow(), 'a third send allowed within the window').toBeGreaterThanOrEqual(started + 1000);
        if (attempt === 10) throw new Error('ten tries, and never three sends within a second');
      }
    }
    await vi.waitFor(async () => expect((await limiter.allow(id, limit)).allowed).toBe(true), { timeout: WAIT_MS, interval: INTERVAL_MS });
    expect(await redisNow()).toBeGreaterThanOrEqual(denied.retryAtMs!);
  });

  it('after the limit is lowered, waits until enough sends have aged out', async () => {
    for (let i = 0; i < 3; i++) await limiter.allow('hook-e', { max: 3, perSeconds: 60 });
    const denied = await limiter.allow('hook-e', { max: 1, perSeconds: 60 });
    const scores = await redis.zrange(`${prefix}:rate:hook-e`, '0', '-1', 'WITHSCORES');
    // Three in the log, one allowed: the newest must age out too.
    expect(denied).toEqual({ allowed: false, retryAtMs: Number(scores[5]) + 60_000 });
  });

  it('is exact under concurrency: of 20 simultaneous sends, max go', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => limiter.allow('hook-f', { max: 5, perSeconds: 60 })));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });
});
