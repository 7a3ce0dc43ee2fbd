import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostPacer } from '../../src/fetch/pacing.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';

const prefix = testPrefix('fetch-pacing');
let redis: Redis;
let pacer: HostPacer;

beforeAll(() => {
  redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 3 });
  pacer = new HostPacer(redis, prefix);
});

afterAll(async () => {
  await deleteKeys(testRedisUrl(), prefix);
  redis.disconnect();
});

describe('HostPacer', () => {
  it('gives concurrent reservations for one host slots one interval apart', async () => {
    // Separate connections, as separate workers would have.
    const others = [new Redis(testRedisUrl()), new Redis(testRedisUrl())];
    const pacers = others.map((r) => new HostPacer(r, prefix));
    const waits = (await Promise.all([...pacers, pacer].map((p) => p.reserve('news.example', 1000)))).sort((a, b) => a - b);
    for (const r of others) r.disconnect();
    expect(waits[0]).toBe(0);
    // Each reservation runs a few ms after the previous one, on the Redis clock.
    expect(waits[1]).toBeGreaterThan(950);
    expect(waits[1]).toBeLessThanOrEqual(1000);
    expect(waits[2]).toBeGreaterThan(1950);
    expect(waits[2]).toBeLessThanOrEqual(2000);
  });

  it('does not make other hosts wait, and treats host names case-insensitively', async () => {
    expect(await pacer.reserve('other.example', 1000)).toBe(0);
    expect(await pacer.reserve('OTHER.example', 1000)).toBeGreaterThan(950);
    expect(await pacer.reserve('third.example', 1000)).toBe(0);
  });

  it('lets a zero interval through at once', async () => {
    expect(await pacer.reserve('fast.example', 0)).toBe(0);
    expect(await pacer.reserve('fast.example', 0)).toBe(0);
  });

  it('pushes the next slot out after a backoff, never pulls it in', async () => {
    expect(await pacer.backoffHost('busy.example', 60_000)).toBeGreaterThan(59_900);
    const wait = await pacer.reserve('busy.example', 1000);
    expect(wait).toBeGreaterThan(59_900);
    expect(wait).toBeLessThanOrEqual(60_000);
    // A shorter backoff leaves the later slot where it is (the reservation moved it 1 s on).
    expect(await pacer.backoffHost('busy.example', 5_000)).toBeGreaterThan(60_900);
  });

  it('keeps a host key only as long as it matters', async () => {
    await pacer.reserve('ttl.example', 2000);
    const ttl = await redis.pttl(`${prefix}:pace:ttl.example`);
    expect(ttl).toBeGreaterThan(1900);
    expect(ttl).toBeLessThanOrEqual(2001);
  });
});
