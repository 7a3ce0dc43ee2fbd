import { createHash } from 'node:crypto';
import { FeedParseError, parseFeed } from '../feeds/parse.js';
import { selectNewItems } from '../feeds/items.js';
import { conditionalHeaders, feedBounds, initialFeedState, isUnchanged, recordFailure, recordSuccess, type FeedState, type PollFailure } from '../feeds/schedule.js';
import type { FeedConfig } from '../feeds/schema.js';
import { decodeBody } from '../fetch/charset.js';
import { FetchError } from '../fetch/http.js';
import { documentId } from '../ids.js';
import type { FeedItem } from '../model.js';
import type { JobData } from '../queues/jobs.js';
import type { StageResult } from '../queues/pipeline.js';
import type { JobControl } from '../queues/door.js';
import type { StageDeps } from './deps.js';
import { paceHost } from './pace.js';

/**
 * Poll stage: conditional GET of a feed, parse, hand new items to fetch. Scheduler ticks come more
 * often than any feed's interval; a tick for a feed that is not due costs one Redis read. A failed
 * poll is recorded in the feed's state (weighted failures, backoff, `failing`), which is what
 * operators see in `marsad feeds`; the next tick after the backoff tries again.
 */
export async function handlePoll({ feedId, force, slotAt }: JobData<'poll'>, deps: StageDeps, job: JobControl): Promise<StageResult> {
  const { store, config, http, pacer, log } = deps;
  const feed = config.feeds.find((f) => f.id === feedId);
  if (!feed) return { status: 'skipped', next: [], note: `feed ${feedId} is not in feeds.yaml any more` };
  const bounds = feedBounds(config.settings.feeds, feed);
  const state = (await store.getFeedState<FeedState>(feedId)) ?? initialFeedState(bounds);
  const now = new Date();
  if (!force && state.nextPollAt !== null && Date.parse(state.nextPollAt) > now.getTime()) {
    return { status: 'skipped', next: [], note: `not due before ${state.nextPollAt}` };
  }
  await paceHost(pacer, job, new URL(feed.url).host, config.settings.fetch.hostIntervalMs, slotAt);

  try {
    const response = await http.get(feed.url, { headers: conditionalHeaders(state), expect: 'feed', signal: job.signal });
    const observed = {
      at: now,
      status: response.status,
      cacheControl: response.headers['cache-control'] ?? null,
      etag: response.headers.etag ?? null,
      lastModified: response.headers['last-modified'] ?? null,
    };
    const bodyHash = response.status === 304 ? null : createHash('sha256').update(response.body).digest('hex');
    if (isUnchanged(state, response.status, bodyHash)) {
      await store.putFeedState(feedId, recordSuccess(state, { ...observed, itemCount: 0, newItemCount: 0, bodyHash }, bounds));
      return { status: 'skipped', next: [], note: response.status === 304 ? '304 not modified' : 'unchanged body' };
    }
    const parsed = await parseFeed(decodeBody(response.body, response.headers['content-type'], 'xml').text, response.url, {
      maxItems: config.settings.feeds.maxItemsPerPoll,
    });
    const ids = parsed.items.map((item) => documentId({ url: item.url, body: '' }));
    const [guidSeen, documentKnown] = await Promise.all([store.seenGuids(feedId, parsed.items.map((i) => i.guid)), store.knownDocuments(ids)]);
    const selection = selectNewItems(
      parsed.items,
      parsed.items.map((_, i) => guidSeen[i]! || documentKnown[i]!),
      now,
      { firstPoll: state.lastSuccessAt === null, backfillDays: config.settings.feeds.backfillDays, maxItems: config.settings.feeds.maxItemsPerPoll },
    );
    const record = async (items: typeof selection.fresh, baseline: boolean) => {
      const out: string[] = [];
      for (const item of items) {
        const record: FeedItem = {
          documentId: documentId({ url: item.url, body: '' }),
          feedId,
          url: item.url,
          guid: item.guid,
          title: item.title,
          published: item.published,
          summary: item.summary,
          baseline,
          discoveredAt: now.toISOString(),
        };
        // Another feed may have listed the same article first: one document, fetched once.
        if (await store.putFeedItem(record)) out.push(record.documentId);
      }
      return out;
    };
    const fresh = await record(selection.fresh, false);
    const backfill = await record(selection.backfill, true);
    await store.markGuidsSeen(feedId, [...selection.fresh, ...selection.backfill, ...selection.known].map((i) => i.guid));
    const newItemCount = selection.fresh.length + selection.backfill.length;
    await store.putFeedState(
      feedId,
      recordSuccess(state, { ...observed, itemCount: parsed.items.length, newItemCount, itemDates: parsed.items.map((i) => i.published), ttlMinutes: parsed.ttlMinutes, bodyHash }, bounds),
    );
    log.info({ feed_id: feedId, items: parsed.items.length, fresh: fresh.length, backfill: backfill.length, capped: selection.capped }, 'feed polled');
    return { status: 'done', next: fresh, later: backfill, note: `${fresh.length} new, ${backfill.length} backfill, ${selection.known.length} known` };
  } catch (err) {
    const failure = pollFailure(err, now, feed);
    if (failure === null) throw err;
    await store.putFeedState(feedId, recordFailure(state, failure));
    log.warn({ feed_id: feedId, url: feed.url, reason: failure.reason, status: failure.status }, 'feed poll failed');
    return { status: 'skipped', next: [], note: `failed: ${failure.reason}` };
  }
}

/** Whether an error or one of its causes carries this system error code. */
function hasCode(err: unknown, code: string): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) if ((e as { code?: unknown }).code === code) return true;
  return false;
}

/** What a failed poll means for the feed's health; null for errors that are not the feed's (Redis down: retry the job). */
function pollFailure(err: unknown, at: Date, feed: FeedConfig): PollFailure | null {
  if (err instanceof FeedParseError) return { at, kind: 'parse', reason: err.message };
  if (!(err instanceof FetchError)) return null;
  const reason = `${err.message} (${feed.url})`;
  switch (err.reason) {
    case 'http-status':
      return { at, kind: 'http', reason, status: err.status, retryAfterSeconds: err.retryAfterMs === undefined ? null : err.retryAfterMs / 1000 };
    case 'timeout':
    case 'connect-timeout':
      return { at, kind: 'timeout', reason };
    case 'dns':
      // ENOTFOUND is DNS's answer that the name does not exist; EAI_AGAIN and the like are a resolver outage.
      return { at, kind: hasCode(err, 'ENOTFOUND') ? 'unresolvable' : 'network', reason };
    case 'connection':
      return { at, kind: 'network', reason };
    default:
      return { at, kind: 'blocked', reason };
  }
}
