/**
 * When to retry a delivery. A receiver that is down for a deploy is back in seconds, one that is down for
 * the night in hours: the steps cover a bit more than a day in total before a delivery is given up.
 */

/** The `backoff.type` delivery jobs use: `{ attempts: DELIVERY_ATTEMPTS, backoff: { type: DELIVERY_BACKOFF_TYPE } }`. */
export const DELIVERY_BACKOFF_TYPE = 'marsad-delivery';

/** The delay before retry n is STEPS_MS[n - 1]: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about 27.6 h in all). */
const STEPS_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000] as const;

/** The first try and one retry per step. */
export const DELIVERY_ATTEMPTS = STEPS_MS.length + 1;

/** Job options that opt a delivery job into this schedule. */
export const DELIVERY_RETRY_OPTIONS = { attempts: DELIVERY_ATTEMPTS, backoff: { type: DELIVERY_BACKOFF_TYPE } } as const;

/** ±20 %: receivers that failed together (one outage, many subscribers) are not all retried at the same second. */
const JITTER = 0.2;

/** A Retry-After longer than this is not honoured in full: a receiver should not park a job for days. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/** The delay in ms before the retry that follows `attemptsMade` failed attempts (BullMQ counts from 1). */
export function deliveryBackoff(attemptsMade: number, random: () => number = Math.random): number {
  const step = STEPS_MS[Math.min(Math.max(attemptsMade, 1), STEPS_MS.length) - 1]!;
  return Math.round(step * (1 - JITTER + 2 * JITTER * random()));
}

/** `retryAfterMs` as the failed attempt's error carries it (from the receiver's Retry-After), when usable. */
function retryAfterOf(err: Error | undefined): number | undefined {
  const value = (err as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.min(value, MAX_RETRY_AFTER_MS) : undefined;
}

/**
 * The Worker's `settings.backoffStrategy` (BullMQ calls it for every job whose backoff type is not built
 * in). A Retry-After longer than the scheduled delay wins.
 */
export function deliveryBackoffStrategy(attemptsMade: number, type?: string, err?: Error): number {
  // Like BullMQ with an unknown type: a job with a type this worker does not know is a programming error.
  if (type !== DELIVERY_BACKOFF_TYPE) throw new Error(`unknown backoff type ${String(type)}; delivery jobs use "${DELIVERY_BACKOFF_TYPE}"`);
  return Math.max(deliveryBackoff(attemptsMade), retryAfterOf(err) ?? 0);
}
