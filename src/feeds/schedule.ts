// When to poll a feed next, and whether it is healthy. Pure: the poll worker loads FeedState from Redis,
// calls recordSuccess or recordFailure with what the poll saw, stores the result and schedules nextPollAt.
// Deterministic on purpose (no jitter): the worker may spread polls; these functions must be testable.
import { publishedTime } from './parse.js';
import type { FeedBounds, FeedConfig } from './schema.js';

export type FeedStatus = 'ok' | 'failing';

export interface FeedError {
  at: string;
  reason: string;
  /** HTTP status, when the failure was an HTTP answer. */
  status?: number;
}

/** A feed's schedule and health, stored as JSON. Times are ISO 8601 in UTC, durations in seconds. */
export interface FeedState {
  /** The adaptive interval between successful polls. */
  interval: number;
  lastPollAt: string | null;
  lastSuccessAt: string | null;
  /** Start of observation, for staleness when the feed has never shown an item. */
  firstSuccessAt: string | null;
  /** null: poll now. */
  nextPollAt: string | null;
  status: FeedStatus;
  /** Weighted failures since the last success (hard errors weigh HARD_FAILURE_WEIGHT). */
  failures: number;
  consecutiveFailures: number;
  lastError: FeedError | null;
  etag: string | null;
  lastModified: string | null;
  /** Hash of the last body, to tell an unchanged feed whose server rotates ETags. */
  bodyHash: string | null;
  /** Items first seen in this feed (fresh and backfill), over its lifetime. */
  itemsSeen: number;
  /** Exponentially weighted mean time between new items; null until estimated. */
  meanGapSeconds: number | null;
  /** The last poll that found an item not seen before. */
  lastNewItemAt: string | null;
  stale: boolean;
}

export const SCHEDULE = {
  /** First interval of a new feed, before anything is known about it. */
  initialIntervalSeconds: 30 * 60,
  /** Weight of the newest gap in the mean gap. */
  gapSmoothing: 0.3,
  /** Polls per expected gap between items: twice, so an item waits half a gap on average. */
  pollsPerGap: 2,
  /** Interval factor when a poll found nothing new. */
  slowDown: 1.5,
  /** Interval factor when most of the feed was new: items may have scrolled out unseen. */
  speedUp: 0.5,
  manyNewShare: 0.5,
  hardFailureWeight: 3,
  softFailureWeight: 1,
  failingThreshold: 3,
  maxBackoffSeconds: 24 * 3600,
  maxRetryAfterSeconds: 24 * 3600,
  staleGaps: 3,
  staleMinSeconds: 2 * 24 * 3600,
} as const;

/** What a successful poll (200 or 304) saw. */
export interface PollSuccess {
  at: Date;
  status: number;
  /** Items in the response, after the parser's cap; 0 on 304. */
  itemCount: number;
  /** Of those, items not seen before (fresh and backfill). */
  newItemCount: number;
  /** `published` of the response's items: estimates the mean gap at the first poll that sees items. */
  itemDates?: readonly (string | null)[];
  ttlMinutes?: number | null;
  cacheControl?: string | null;
  etag?: string | null;
  lastModified?: string | null;
  bodyHash?: string | null;
}

/**
 * - `http`: an HTTP error answer (give `status`); 408, 429 and 5xx are soft, other statuses hard.
 * - `timeout`, `network`: soft.
 * - `parse` (not a feed, malformed), `blocked` (robots.txt, private address, too large): hard.
 * - `unresolvable`: DNS answered that the name does not exist (ENOTFOUND): hard, so the feed shows failing at
 *   once instead of ok for the hours its backoff takes to reach three soft failures.
 */
export type FailureKind = 'http' | 'timeout' | 'network' | 'parse' | 'blocked' | 'unresolvable';

export interface PollFailure {
  at: Date;
  kind: FailureKind;
  reason: string;
  status?: number;
  /** Retry-After in seconds (FetchError.retryAfterMs / 1000), honoured on 429 and 503. */
  retryAfterSeconds?: number | null;
}

const iso = (d: Date) => d.toISOString();
const clamp = (s: number, b: FeedBounds) => Math.min(b.maxIntervalSeconds, Math.max(b.minIntervalSeconds, Math.round(s)));

/** A feed's bounds: the global floor, and the lower of the global ceiling and the feed's own `interval`. */
export function feedBounds(global: FeedBounds, feed: Pick<FeedConfig, 'interval'>): FeedBounds {
  return {
    minIntervalSeconds: global.minIntervalSeconds,
    maxIntervalSeconds: Math.min(global.maxIntervalSeconds, feed.interval ?? global.maxIntervalSeconds),
  };
}

export function initialFeedState(bounds: FeedBounds): FeedState {
  return {
    interval: clamp(SCHEDULE.initialIntervalSeconds, bounds),
    lastPollAt: null,
    lastSuccessAt: null,
    firstSuccessAt: null,
    nextPollAt: null,
    status: 'ok',
    failures: 0,
    consecutiveFailures: 0,
    lastError: null,
    etag: null,
    lastModified: null,
    bodyHash: null,
    itemsSeen: 0,
    meanGapSeconds: null,
    lastNewItemAt: null,
    stale: false,
  };
}

/** Request headers for a conditional GET. */
export function conditionalHeaders(state: FeedState): Record<string, string> {
  const headers: Record<string, string> = {};
  if (state.etag) headers['If-None-Match'] = state.etag;
  if (state.lastModified) headers['If-Modified-Since'] = state.lastModified;
  return headers;
}

/** 304, or a body identical to the last one (servers that rotate ETags or ignore conditional requests). */
export function isUnchanged(state: FeedState, status: number, bodyHash: string | null | undefined): boolean {
  return status === 304 || (bodyHash != null && bodyHash === state.bodyHash);
}

/** Cache-Control max-age in seconds; null when absent. */
export function maxAgeSeconds(cacheControl: string | null | undefined): number | null {
  const m = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i.exec(cacheControl ?? '');
  return m ? Number(m[1]) : null;
}

/** Mean gap between items from their dates: span / (n − 1); null with fewer than two dates. */
function gapFromDates(dates: readonly (string | null)[]): number | null {
  const times = dates.flatMap((d) => (d === null || Number.isNaN(publishedTime(d)) ? [] : [publishedTime(d)]));
  if (times.length < 2) return null;
  const span = (Math.max(...times) - Math.min(...times)) / 1000;
  return span > 0 ? span / (times.length - 1) : null;
}

/**
 * The mean gap after this poll. A poll that finds k new items, t seconds after the last poll that found any,
 * is a sample of t / k; the mean is EWMA(sample, gapSmoothing). The first poll that finds items has no
 * previous time: the spread of the items' own dates stands in.
 */
export function updatedMeanGap(state: FeedState, obs: PollSuccess): number | null {
  if (obs.newItemCount <= 0 || isUnchanged(state, obs.status, obs.bodyHash)) return state.meanGapSeconds;
  if (state.lastNewItemAt === null) return gapFromDates(obs.itemDates ?? []) ?? state.meanGapSeconds;
  const sample = Math.max(1, (obs.at.getTime() - Date.parse(state.lastNewItemAt)) / 1000 / obs.newItemCount);
  return state.meanGapSeconds === null ? sample : SCHEDULE.gapSmoothing * sample + (1 - SCHEDULE.gapSmoothing) * state.meanGapSeconds;
}

/**
 * The interval after a successful poll, in seconds:
 * 1. gap = max(mean gap, time since the last new item): a feed gone quiet is treated as slower than its mean.
 * 2. First success: gap / pollsPerGap, or the current interval when no gap is known yet.
 *    Later: step = interval × 1.5 when nothing was new (or 304/same body), × 0.5 when at least half the items
 *    were new, else × 1; then min(step, gap / pollsPerGap). The step reacts at once; the gap keeps it in line.
 * 3. Never below RSS <ttl> or Cache-Control max-age (the publisher's own "do not refresh sooner").
 * 4. Clamped to the bounds, which win over ttl and max-age.
 */
export function nextInterval(state: FeedState, obs: PollSuccess, bounds: FeedBounds): number {
  const unchanged = isUnchanged(state, obs.status, obs.bodyHash);
  const newItems = unchanged ? 0 : obs.newItemCount;
  const meanGap = updatedMeanGap(state, obs);
  const lastNew = newItems > 0 ? obs.at.getTime() : state.lastNewItemAt === null ? null : Date.parse(state.lastNewItemAt);
  const quiet = lastNew === null ? null : (obs.at.getTime() - lastNew) / 1000;
  const gap = meanGap === null ? null : Math.max(meanGap, quiet ?? 0);
  const target = gap === null ? null : gap / SCHEDULE.pollsPerGap;

  let interval: number;
  if (state.lastSuccessAt === null) {
    interval = target ?? state.interval;
  } else {
    const share = obs.itemCount > 0 ? newItems / obs.itemCount : 0;
    const factor = newItems === 0 ? SCHEDULE.slowDown : share >= SCHEDULE.manyNewShare ? SCHEDULE.speedUp : 1;
    const step = state.interval * factor;
    interval = target === null ? step : Math.min(step, target);
  }
  interval = Math.max(interval, (obs.ttlMinutes ?? 0) * 60, maxAgeSeconds(obs.cacheControl) ?? 0);
  return clamp(interval, bounds);
}

/**
 * Stale: no new item for longer than the feed's expected period, max(staleGaps × mean gap, staleMinSeconds)
 * (3 gaps, at least 2 days: a weekly feed is stale after 3 weeks, a busy one after 2 days). Counted from the
 * last new item, or from the first success for a feed that has never shown one. Never stale before that.
 */
export function isStale(state: FeedState, now: Date): boolean {
  const since = state.lastNewItemAt ?? state.firstSuccessAt;
  if (since === null) return false;
  const period = Math.max(SCHEDULE.staleGaps * (state.meanGapSeconds ?? 0), SCHEDULE.staleMinSeconds);
  return (now.getTime() - Date.parse(since)) / 1000 > period;
}

/** The state after a 200 or 304: schedule from `nextInterval`, failures reset, status ok. */
export function recordSuccess(state: FeedState, obs: PollSuccess, bounds: FeedBounds): FeedState {
  const unchanged = isUnchanged(state, obs.status, obs.bodyHash);
  const newItems = unchanged ? 0 : obs.newItemCount;
  const interval = nextInterval(state, obs, bounds);
  const at = iso(obs.at);
  // Validators describe the latest representation: a 200 without them clears them; a 304 may refresh them.
  const notModified = obs.status === 304;
  const next: FeedState = {
    ...state,
    interval,
    lastPollAt: at,
    lastSuccessAt: at,
    firstSuccessAt: state.firstSuccessAt ?? at,
    nextPollAt: iso(new Date(obs.at.getTime() + interval * 1000)),
    status: 'ok',
    failures: 0,
    consecutiveFailures: 0,
    etag: obs.etag ?? (notModified ? state.etag : null),
    lastModified: obs.lastModified ?? (notModified ? state.lastModified : null),
    bodyHash: notModified ? state.bodyHash : (obs.bodyHash ?? null),
    itemsSeen: state.itemsSeen + newItems,
    meanGapSeconds: updatedMeanGap(state, obs),
    lastNewItemAt: newItems > 0 ? at : state.lastNewItemAt,
  };
  return { ...next, stale: isStale(next, obs.at) };
}

/** Hard failures are unlikely to clear by themselves; soft ones usually do. */
export function failureWeight(f: Pick<PollFailure, 'kind' | 'status'>): number {
  switch (f.kind) {
    case 'timeout':
    case 'network':
      return SCHEDULE.softFailureWeight;
    case 'parse':
    case 'blocked':
    case 'unresolvable':
      return SCHEDULE.hardFailureWeight;
    case 'http': {
      const s = f.status;
      const soft = s === undefined || s === 408 || s === 429 || s >= 500;
      return soft ? SCHEDULE.softFailureWeight : SCHEDULE.hardFailureWeight;
    }
  }
}

/**
 * The state after a failed poll. The next poll waits min(interval × 2^consecutive failures, 24 h): beyond the
 * ceiling on purpose, a broken feed should not be hit every few hours. On 429/503 it also waits at least
 * Retry-After, which wins over the floor, the ceiling and the backoff, capped at 24 h so that a wrong header
 * cannot park a feed for good. `status` turns `failing` at failingThreshold weighted failures (one hard error,
 * or three soft ones) and back to `ok` on the first success. The adaptive interval itself is kept.
 */
export function recordFailure(state: FeedState, failure: PollFailure): FeedState {
  const consecutive = state.consecutiveFailures + 1;
  const failures = state.failures + failureWeight(failure);
  let delay = Math.min(SCHEDULE.maxBackoffSeconds, state.interval * 2 ** consecutive);
  if (failure.kind === 'http' && (failure.status === 429 || failure.status === 503)) {
    const wait = failure.retryAfterSeconds;
    if (wait != null && Number.isFinite(wait)) delay = Math.max(delay, Math.min(Math.ceil(wait), SCHEDULE.maxRetryAfterSeconds));
  }
  const at = iso(failure.at);
  const next: FeedState = {
    ...state,
    lastPollAt: at,
    nextPollAt: iso(new Date(failure.at.getTime() + delay * 1000)),
    status: failures >= SCHEDULE.failingThreshold ? 'failing' : 'ok',
    failures,
    consecutiveFailures: consecutive,
    lastError: { at, reason: failure.reason, ...(failure.status === undefined ? {} : { status: failure.status }) },
  };
  return { ...next, stale: isStale(next, failure.at) };
}
