/** Poll schedule and feed health: adaptive interval, hints, failures, backoff, Retry-After, staleness. */
import { describe, expect, it } from 'vitest';
import {
  SCHEDULE,
  conditionalHeaders,
  failureWeight,
  feedBounds,
  initialFeedState,
  isStale,
  isUnchanged,
  maxAgeSeconds,
  nextInterval,
  recordFailure,
  recordSuccess,
  updatedMeanGap,
  type FailureKind,
  type FeedState,
  type PollSuccess,
} from '../../src/feeds/schedule.js';

const BOUNDS = { minIntervalSeconds: 300, maxIntervalSeconds: 21_600 };
const T0 = Date.UTC(2025, 8, 1, 12, 0, 0);
const at = (secondsAfterT0: number) => new Date(T0 + secondsAfterT0 * 1000);
const isoAt = (secondsAfterT0: number) => at(secondsAfterT0).toISOString();
const HOUR = 3600;
const DAY = 24 * HOUR;

/** A feed polled successfully before, 1800 s ago unless overridden. */
function polled(over: Partial<FeedState> = {}): FeedState {
  return { ...initialFeedState(BOUNDS), lastPollAt: isoAt(-1800), lastSuccessAt: isoAt(-1800), firstSuccessAt: isoAt(-10 * DAY), ...over };
}

function ok(over: Partial<PollSuccess> = {}): PollSuccess {
  return { at: at(0), status: 200, itemCount: 20, newItemCount: 0, bodyHash: 'h-new', ...over };
}

describe('initialFeedState', () => {
  it('starts at 30 minutes, due now, healthy, and survives a JSON round trip', () => {
    const s = initialFeedState(BOUNDS);
    expect(s).toMatchObject({ interval: 1800, nextPollAt: null, status: 'ok', failures: 0, itemsSeen: 0, stale: false });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('respects narrow bounds', () => {
    expect(initialFeedState({ minIntervalSeconds: 3600, maxIntervalSeconds: 7200 }).interval).toBe(3600);
  });
});

describe('feedBounds', () => {
  it("takes the lower of the global ceiling and the feed's interval", () => {
    expect(feedBounds(BOUNDS, { interval: 7200 })).toEqual({ minIntervalSeconds: 300, maxIntervalSeconds: 7200 });
    expect(feedBounds(BOUNDS, { interval: undefined })).toEqual(BOUNDS);
    expect(feedBounds(BOUNDS, { interval: 300 })).toEqual({ minIntervalSeconds: 300, maxIntervalSeconds: 300 });
  });
});

describe('nextInterval', () => {
  it.each<[string, Partial<FeedState>, Partial<PollSuccess>, number]>([
    ['first poll: half the gap estimated from the items’ dates (11 items over 10 h)', { lastSuccessAt: null, firstSuccessAt: null },
      { newItemCount: 11, itemCount: 11, itemDates: Array.from({ length: 11 }, (_, i) => isoAt(-i * HOUR)) }, 1800],
    ['first poll: date-only and zone-less dates count too', { lastSuccessAt: null, firstSuccessAt: null },
      { newItemCount: 3, itemCount: 3, itemDates: ['2025-09-01', '2025-08-31T12:00:00', '2025-08-31', null] }, 6 * HOUR],
    ['first poll without dates: keeps the initial interval', { lastSuccessAt: null, firstSuccessAt: null }, { newItemCount: 5, itemCount: 5 }, 1800],
    ['nothing new: ×1.5', {}, { newItemCount: 0 }, 2700],
    ['304: ×1.5', { bodyHash: 'h-old' }, { status: 304, itemCount: 0, bodyHash: null }, 2700],
    ['same body as last time, whatever it claims: ×1.5', { bodyHash: 'h-same' }, { bodyHash: 'h-same', newItemCount: 20 }, 2700],
    ['at least half new: ×0.5', {}, { newItemCount: 10, itemCount: 20 }, 900],
    ['some new: unchanged', {}, { newItemCount: 3, itemCount: 20 }, 1800],
    ['mean gap caps the slow-down (gap 20 min → 10 min)', { interval: 600, meanGapSeconds: 1200, lastNewItemAt: isoAt(-300) }, {}, 600],
    ['a quiet feed may slow down step by step', { interval: 600, meanGapSeconds: 1200, lastNewItemAt: isoAt(-10 * HOUR) }, {}, 900],
    ['floor', { interval: 400 }, { newItemCount: 20 }, 300],
    ['ceiling', { interval: 20_000 }, {}, 21_600],
    ['RSS ttl is a floor', { interval: 600 }, { newItemCount: 3, ttlMinutes: 120 }, 7200],
    ['Cache-Control max-age is a floor', { interval: 600 }, { newItemCount: 3, cacheControl: 'public, max-age=3600' }, 3600],
    ['the ceiling wins over ttl', { interval: 600 }, { ttlMinutes: 1440 }, 21_600],
    ['the floor wins over max-age=0', { interval: 300 }, { newItemCount: 20, cacheControl: 'max-age=0' }, 300],
  ])('%s', (_name, state, obs, expected) => {
    expect(nextInterval(polled(state), ok(obs), BOUNDS)).toBe(expected);
  });
});

describe('updatedMeanGap', () => {
  it.each<[string, Partial<FeedState>, Partial<PollSuccess>, number | null]>([
    ['EWMA of the new sample (0.3 × 2000 + 0.7 × 1000)', { meanGapSeconds: 1000, lastNewItemAt: isoAt(-2000) }, { newItemCount: 1 }, 1300],
    ['the sample is spread over the new items', { meanGapSeconds: null, lastNewItemAt: isoAt(-2000) }, { newItemCount: 4 }, 500],
    ['nothing new: unchanged', { meanGapSeconds: 1000, lastNewItemAt: isoAt(-2000) }, { newItemCount: 0 }, 1000],
    ['304: unchanged', { meanGapSeconds: 1000, lastNewItemAt: isoAt(-2000) }, { status: 304, newItemCount: 0 }, 1000],
    ['one dated item cannot estimate a gap', { lastNewItemAt: null }, { newItemCount: 1, itemDates: [isoAt(0)] }, null],
  ])('%s', (_name, state, obs, expected) => {
    const gap = updatedMeanGap(polled(state), ok(obs));
    if (expected === null) expect(gap).toBeNull();
    else expect(gap).toBeCloseTo(expected, 6);
  });
});

describe('recordSuccess', () => {
  it('schedules the next poll, counts new items and remembers validators', () => {
    const s = recordSuccess(polled({ itemsSeen: 40 }), ok({ newItemCount: 3, etag: '"v2"', lastModified: 'Mon, 01 Sep 2025 11:58:00 GMT' }), BOUNDS);
    expect(s).toMatchObject({
      interval: 1800,
      lastPollAt: isoAt(0),
      lastSuccessAt: isoAt(0),
      nextPollAt: isoAt(1800),
      itemsSeen: 43,
      lastNewItemAt: isoAt(0),
      etag: '"v2"',
      lastModified: 'Mon, 01 Sep 2025 11:58:00 GMT',
      bodyHash: 'h-new',
      stale: false,
    });
  });

  it('on 304 keeps the body hash and the validators the server did not resend', () => {
    const s = recordSuccess(polled({ etag: '"v1"', lastModified: 'x', bodyHash: 'h-old' }), ok({ status: 304, itemCount: 0, bodyHash: null }), BOUNDS);
    expect(s).toMatchObject({ etag: '"v1"', lastModified: 'x', bodyHash: 'h-old', interval: 2700 });
  });

  it('on 200 without validators drops the old ones', () => {
    const s = recordSuccess(polled({ etag: '"v1"', lastModified: 'x' }), ok(), BOUNDS);
    expect(s).toMatchObject({ etag: null, lastModified: null });
  });

  it('records the first success', () => {
    const s = recordSuccess(initialFeedState(BOUNDS), ok({ newItemCount: 20 }), BOUNDS);
    expect(s).toMatchObject({ firstSuccessAt: isoAt(0), itemsSeen: 20, lastNewItemAt: isoAt(0) });
  });

  it('recovers a failing feed at once and resets the counts, keeping the last error for operators', () => {
    let s = polled();
    s = recordFailure(s, { at: at(-600), kind: 'http', status: 404, reason: 'HTTP 404' });
    expect(s.status).toBe('failing');
    s = recordSuccess(s, ok(), BOUNDS);
    expect(s).toMatchObject({ status: 'ok', failures: 0, consecutiveFailures: 0, lastError: { status: 404, reason: 'HTTP 404' } });
  });
});

describe('failures', () => {
  it.each<[FailureKind, number | undefined, number]>([
    ['timeout', undefined, 1],
    ['network', undefined, 1],
    ['parse', undefined, 3],
    ['blocked', undefined, 3],
    ['http', 400, 3],
    ['http', 401, 3],
    ['http', 403, 3],
    ['http', 404, 3],
    ['http', 410, 3],
    ['http', 408, 1],
    ['http', 429, 1],
    ['http', 500, 1],
    ['http', 502, 1],
    ['http', 503, 1],
  ])('%s %s weighs %i', (kind, status, weight) => {
    expect(failureWeight({ kind, status })).toBe(weight);
  });

  it('three soft failures make a feed failing, with exponential backoff from its interval', () => {
    let s = polled({ interval: 600 });
    const seen: [string, number, string][] = [];
    for (let i = 1; i <= 3; i++) {
      s = recordFailure(s, { at: at(0), kind: 'timeout', reason: 'timeout after 20 s' });
      seen.push([s.status, s.failures, s.nextPollAt!]);
    }
    expect(seen).toEqual([
      ['ok', 1, isoAt(1200)],
      ['ok', 2, isoAt(2400)],
      ['failing', 3, isoAt(4800)],
    ]);
    expect(s).toMatchObject({ consecutiveFailures: 3, interval: 600, lastError: { at: isoAt(0), reason: 'timeout after 20 s' } });
    expect(s.lastError).not.toHaveProperty('status');
  });

  it('one hard failure makes a feed failing', () => {
    const s = recordFailure(polled(), { at: at(0), kind: 'parse', reason: 'the URL serves an HTML page, not a feed' });
    expect(s).toMatchObject({ status: 'failing', failures: 3, consecutiveFailures: 1 });
  });

  it('a name DNS says does not exist (ENOTFOUND) makes a feed failing at once, not ok for hours', () => {
    const s = recordFailure(polled(), { at: at(0), kind: 'unresolvable', reason: 'getaddrinfo ENOTFOUND feeds.example.invalid' });
    expect(s).toMatchObject({ status: 'failing', consecutiveFailures: 1 });
  });

  it('caps the backoff at 24 h, above the ceiling', () => {
    let s = polled({ interval: 21_600 });
    for (let i = 0; i < 5; i++) s = recordFailure(s, { at: at(0), kind: 'http', status: 500, reason: 'HTTP 500' });
    expect(s.nextPollAt).toBe(isoAt(SCHEDULE.maxBackoffSeconds));
  });

  it.each<[string, number, number | null, number]>([
    ['Retry-After wins over a shorter backoff', 429, 7200, 7200],
    ['Retry-After wins over the ceiling too', 503, 30_000, 30_000],
    ['Retry-After is capped at 24 h', 429, 999_999, DAY],
    ['a fractional Retry-After is rounded up', 503, 7199.2, 7200],
    ['a shorter Retry-After does not shorten the backoff', 429, 10, 600],
    ['no Retry-After: the backoff', 429, null, 600],
    ['Retry-After on a 500 is ignored', 500, 7200, 600],
  ])('%s', (_name, status, retryAfterSeconds, delay) => {
    const s = recordFailure(polled({ interval: 300 }), { at: at(0), kind: 'http', status, retryAfterSeconds, reason: `HTTP ${status}` });
    expect(s.nextPollAt).toBe(isoAt(delay));
  });
});

describe('isStale', () => {
  it.each<[string, Partial<FeedState>, number, boolean]>([
    ['never succeeded', { lastSuccessAt: null, firstSuccessAt: null, lastNewItemAt: null }, 100 * DAY, false],
    ['new item a day ago, no gap known: 2-day minimum', { lastNewItemAt: isoAt(0) }, DAY, false],
    ['new item three days ago, no gap known', { lastNewItemAt: isoAt(0) }, 3 * DAY, true],
    ['busy feed (gap 1 h): still 2 days', { lastNewItemAt: isoAt(0), meanGapSeconds: HOUR }, 2 * DAY + 1, true],
    ['weekly-ish feed (gap 2 days): 6 days', { lastNewItemAt: isoAt(0), meanGapSeconds: 2 * DAY }, 5 * DAY, false],
    ['weekly-ish feed (gap 2 days): after 7 days', { lastNewItemAt: isoAt(0), meanGapSeconds: 2 * DAY }, 7 * DAY, true],
    ['never showed an item: counted from the first success', { lastNewItemAt: null, firstSuccessAt: isoAt(0) }, 3 * DAY, true],
  ])('%s', (_name, state, after, stale) => {
    expect(isStale(polled(state), at(after))).toBe(stale);
  });

  it('recordSuccess and recordFailure set the flag', () => {
    const quiet = polled({ lastNewItemAt: isoAt(-5 * DAY) });
    expect(recordSuccess(quiet, ok(), BOUNDS).stale).toBe(true);
    expect(recordSuccess(quiet, ok({ newItemCount: 1 }), BOUNDS).stale).toBe(false);
    expect(recordFailure(quiet, { at: at(0), kind: 'network', reason: 'ECONNRESET' }).stale).toBe(true);
  });
});

describe('conditional requests', () => {
  it('sends the validators it has', () => {
    expect(conditionalHeaders(polled())).toEqual({});
    expect(conditionalHeaders(polled({ etag: 'W/"abc"', lastModified: 'Mon, 01 Sep 2025 10:00:00 GMT' }))).toEqual({
      'If-None-Match': 'W/"abc"',
      'If-Modified-Since': 'Mon, 01 Sep 2025 10:00:00 GMT',
    });
  });

  it.each<[number, string | null, string | null, boolean]>([
    [304, 'h1', null, true],
    [200, 'h1', 'h1', true],
    [200, 'h1', 'h2', false],
    [200, null, null, false],
    [200, null, 'h1', false],
  ])('status %i, stored %s, body %s → unchanged %s', (status, stored, body, unchanged) => {
    expect(isUnchanged(polled({ bodyHash: stored }), status, body)).toBe(unchanged);
  });
});

describe('header parsing', () => {
  it.each<[string | null, number | null]>([
    ['max-age=600', 600],
    ['public, max-age="900", must-revalidate', 900],
    ['s-maxage=600', null],
    ['no-cache', null],
    [null, null],
  ])('Cache-Control %j → %j', (value, expected) => {
    expect(maxAgeSeconds(value)).toBe(expected);
  });
});
