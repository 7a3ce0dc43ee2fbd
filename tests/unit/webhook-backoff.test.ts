import { Backoffs, type BackoffStrategy } from 'bullmq';
import { describe, expect, it } from 'vitest';
import {
  DELIVERY_ATTEMPTS,
  DELIVERY_BACKOFF_TYPE,
  DELIVERY_RETRY_OPTIONS,
  MAX_RETRY_AFTER_MS,
  deliveryBackoff,
  deliveryBackoffStrategy,
} from '../../src/deliver/backoff.js';

const S = 1_000;
const MIN = 60 * S;
const H = 60 * MIN;

/** An error as a delivery worker would throw it after a 429 with Retry-After. */
const retryAfter = (ms: number) => Object.assign(new Error('receiver answered HTTP 429'), { retryAfterMs: ms });

describe('deliveryBackoff', () => {
  // [attemptsMade, nominal delay]
  const table: [number, number][] = [
    [1, 5 * S],
    [2, 5 * MIN],
    [3, 30 * MIN],
    [4, 2 * H],
    [5, 5 * H],
    [6, 10 * H],
    [7, 10 * H],
  ];

  it.each(table)('after attempt %i: %i ms, with 20 percent jitter either way', (attemptsMade, nominal) => {
    expect(deliveryBackoff(attemptsMade, () => 0.5)).toBe(nominal);
    expect(deliveryBackoff(attemptsMade, () => 0)).toBe(0.8 * nominal);
    expect(deliveryBackoff(attemptsMade, () => 1)).toBe(1.2 * nominal);
  });

  it('eight attempts: the first and one retry per step', () => {
    expect(DELIVERY_ATTEMPTS).toBe(8);
    expect(table).toHaveLength(DELIVERY_ATTEMPTS - 1);
  });

  it('stays on the last step past the table, and on the first below it', () => {
    expect(deliveryBackoff(12, () => 0.5)).toBe(10 * H);
    expect(deliveryBackoff(0, () => 0.5)).toBe(5 * S);
  });
});

describe('deliveryBackoffStrategy', () => {
  it('fits BullMQ\'s BackoffStrategy and is what BullMQ calls for the custom type', async () => {
    const strategy: BackoffStrategy = deliveryBackoffStrategy;
    const delay = await Backoffs.calculate(DELIVERY_RETRY_OPTIONS.backoff, 3, new Error('HTTP 500'), undefined as never, strategy);
    expect(delay).toBeGreaterThanOrEqual(0.8 * 30 * MIN);
    expect(delay).toBeLessThanOrEqual(1.2 * 30 * MIN);
    expect(DELIVERY_RETRY_OPTIONS).toEqual({ attempts: 8, backoff: { type: 'marsad-delivery' } });
  });

  it('honours a Retry-After longer than the scheduled delay, not a shorter one', () => {
    expect(deliveryBackoffStrategy(1, DELIVERY_BACKOFF_TYPE, retryAfter(90 * S))).toBe(90 * S);
    const scheduled = deliveryBackoffStrategy(4, DELIVERY_BACKOFF_TYPE, retryAfter(90 * S));
    expect(scheduled).toBeGreaterThanOrEqual(0.8 * 2 * H);
  });

  it('caps a Retry-After at a day and ignores one that is not a positive number', () => {
    expect(deliveryBackoffStrategy(1, DELIVERY_BACKOFF_TYPE, retryAfter(30 * 24 * H))).toBe(MAX_RETRY_AFTER_MS);
    for (const bad of [Number.NaN, -5, Number.POSITIVE_INFINITY]) {
      expect(deliveryBackoffStrategy(1, DELIVERY_BACKOFF_TYPE, retryAfter(bad))).toBeLessThanOrEqual(1.2 * 5 * S);
    }
    expect(deliveryBackoffStrategy(1, DELIVERY_BACKOFF_TYPE, undefined)).toBeLessThanOrEqual(1.2 * 5 * S);
  });

  it('refuses a backoff type it does not own', () => {
    expect(() => deliveryBackoffStrategy(1, 'exponentialish')).toThrow(/unknown backoff type exponentialish/);
  });
});
