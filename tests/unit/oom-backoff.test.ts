import { describe, expect, it } from 'vitest';
import { BASE_MS, LOG_EVERY_MS, MAX_MS, OutOfMemoryBackoff } from '../../src/queues/oom-backoff.js';
import { isRedisOutOfMemory } from '../../src/redis/errors.js';

describe('OutOfMemoryBackoff', () => {
  it('pauses for a doubling time up to the maximum and logs once per interval with the refusals since', () => {
    const b = new OutOfMemoryBackoff();
    expect(b.refused(0)).toEqual({ pauseMs: BASE_MS, log: true, refusals: 1 });
    expect(b.refused(10)).toMatchObject({ pauseMs: 2 * BASE_MS, log: false });
    let step = b.refused(20);
    for (let i = 0; i < 1000; i++) step = b.refused(30 + i);
    expect(step).toMatchObject({ pauseMs: MAX_MS, log: false });
    expect(b.refused(LOG_EVERY_MS)).toEqual({ pauseMs: MAX_MS, log: true, refusals: 1003 });
  });

  it('says writes go through again once per logged refusal, however often Redis flips at its limit', () => {
    const b = new OutOfMemoryBackoff();
    b.refused(0);
    expect(b.recovered()).toBe(true);
    expect(b.active).toBe(false);
    expect(b.refused(1)).toMatchObject({ pauseMs: BASE_MS, log: false });
    expect(b.recovered()).toBe(false);
    expect(b.refused(LOG_EVERY_MS)).toMatchObject({ log: true });
    expect(b.recovered()).toBe(true);
  });

  it('knows Redis\'s refusal, also inside BullMQ\'s own messages', () => {
    expect(isRedisOutOfMemory(new Error("OOM command not allowed when used memory > 'maxmemory'."))).toBe(true);
    expect(isRedisOutOfMemory(new Error("Failed to add repeatable job for next iteration: OOM command not allowed when used memory > 'maxmemory'."))).toBe(true);
    expect(isRedisOutOfMemory(new Error('Connection is closed.'))).toBe(false);
    expect(isRedisOutOfMemory(null)).toBe(false);
  });
});
