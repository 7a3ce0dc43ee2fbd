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

/*
 * The pacer works on the Redis clock, and a reservation returns "wait this long from my now". The tests
 * read the Redis clock before and after each step and the slot the key records, and check the contract
 * (where each slot is, how far apart, what each caller was told) for any time the step took: on a loaded
 * machine two awaits can be seconds apart. The intervals are long (a minute) so that a slow step still
 * falls inside them.
 */
const MINUTE = 60_000;

/** The Redis clock in ms, as the pacer's scripts read it. */
async function redisNow(): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

/** The host's next free slot (ms, Redis clock), as the key records it. */
async function nextSlot(host: string): Promise<number> {
  const value = await redis.get(`${prefix}:pace:${host}`);
  if (value === null) throw new Error(`no pacing key for ${host}`);
  return Number(value);
}

/** Runs `step` and gives the Redis clock's readings around it. */
async function timed<T>(step: () => Promise<T>): Promise<{ value: T; before: number; after: number }> {
  const before = await redisNow();
  const value = await step();
  return { value, before, after: await redisNow() };
}

/** A wait told by a reservation made at some Redis time within [before, after] for a slot at `slot`. */
function expectWaitFor(wait: number, slot: number, { before, after }: { before: number; after: number }): void {
  expect(wait).toBeGreaterThanOrEqual(Math.max(0, slot - after));
  expect(wait).toBeLessThanOrEqual(slot - before);
}

describe('HostPacer', () => {
  it('gives concurrent reservations for one host slots one interval apart', async () => {
    // Separate connections, as separate workers would have.
    const others = [new Redis(testRedisUrl()), new Redis(testRedisUrl())];
    const pacers = others.map((r) => new HostPacer(r, prefix));
    const run = await timed(() => Promise.all([...pacers, pacer].map((p) => p.reserve('news.example', MINUTE))));
    for (const r of others) r.disconnect();
    const waits = [...run.value].sort((a, b) => a - b);
    // Three slots one interval apart, the next free one after them: the key records that next one.
    const next = await nextSlot('news.example');
    const slots = [next - 3 * MINUTE, next - 2 * MINUTE, next - MINUTE];
    // The first found the host free: its slot is its own now, and it goes at once.
    expect(waits[0]).toBe(0);
    expect(slots[0]).toBeGreaterThanOrEqual(run.before);
    expect(slots[0]).toBeLessThanOrEqual(run.after);
    // Each of the others was told to wait for its slot, from a now within the run; the later the slot, the
    // longer the wait (they ran one after another, within one interval).
    for (const i of [1, 2]) expectWaitFor(waits[i]!, slots[i]!, run);
    expect(waits[1]).toBeLessThan(waits[2]!);
  });

  it('does not make other hosts wait, and treats host names case-insensitively', async () => {
    expect(await pacer.reserve('other.example', MINUTE)).toBe(0);
    const slot = (await nextSlot('other.example')) - MINUTE;
    // The same host in capitals gets the next slot of the same key, one interval after the first.
    const again = await timed(() => pacer.reserve('OTHER.example', MINUTE));
    expectWaitFor(again.value, slot + MINUTE, again);
    expect(await nextSlot('other.example')).toBe(slot + 2 * MINUTE);
    expect(await redis.exists(`${prefix}:pace:OTHER.example`)).toBe(0);
    expect(await pacer.reserve('third.example', MINUTE)).toBe(0);
  });

  it('lets a zero interval through at once', async () => {
    expect(await pacer.reserve('fast.example', 0)).toBe(0);
    expect(await pacer.reserve('fast.example', 0)).toBe(0);
  });

  it('pushes the next slot out after a backoff, never pulls it in', async () => {
    const backoff = await timed(() => pacer.backoffHost('busy.example', MINUTE));
    // A host that was free: free again a full backoff from the now of the call.
    expect(backoff.value).toBe(MINUTE);
    const free = await nextSlot('busy.example');
    expect(free).toBeGreaterThanOrEqual(backoff.before + MINUTE);
    expect(free).toBeLessThanOrEqual(backoff.after + MINUTE);
    // A reservation takes the slot at the end of the backoff, and moves the next one an interval on.
    const reserved = await timed(() => pacer.reserve('busy.example', 1000));
    expectWaitFor(reserved.value, free, reserved);
    expect(await nextSlot('busy.example')).toBe(free + 1000);
    // A shorter backoff leaves the later slot where it is, and says how long until then.
    const shorter = await timed(() => pacer.backoffHost('busy.example', 5_000));
    expectWaitFor(shorter.value, free + 1000, shorter);
    expect(await nextSlot('busy.example')).toBe(free + 1000);
  });

  it('keeps a host key only as long as it matters', async () => {
    // Until its next free slot (one interval after a reservation on a free host), and not longer.
    const run = await timed(async () => {
      await pacer.reserve('ttl.example', MINUTE);
      return redis.pttl(`${prefix}:pace:ttl.example`);
    });
    expect(run.value).toBeLessThanOrEqual(MINUTE + 1);
    expect(run.value).toBeGreaterThanOrEqual(MINUTE + 1 - (run.after - run.before));
  });
});
