import type { App } from '../app.js';
import { feedBounds, initialFeedState, type FeedState } from '../feeds/schedule.js';
import type { FeedConfig } from '../feeds/schema.js';
import { STAGES } from '../queues/names.js';
import { ensureWorkers, waitThroughPipeline, type ProgressSink } from './wait.js';

export interface FeedReport {
  id: string;
  name: string;
  url: string;
  language: string;
  verified: boolean;
  status: FeedState['status'] | 'never polled';
  stale: boolean;
  lastPollAt: string | null;
  lastSuccessAt: string | null;
  nextPollAt: string | null;
  intervalSeconds: number;
  etag: string | null;
  lastModified: string | null;
  itemsSeen: number;
  failures: number;
  consecutiveFailures: number;
  lastError: FeedState['lastError'];
}

/** Each feed of feeds.yaml with its state as the poll stage keeps it (`marsad feeds`, the dashboard). */
export async function collectFeeds(app: App): Promise<FeedReport[]> {
  const reports: FeedReport[] = [];
  for (const feed of app.config.feeds) {
    const stored = await app.store.getFeedState<FeedState>(feed.id);
    const state = stored ?? initialFeedState(feedBounds(app.config.settings.feeds, feed));
    reports.push({
      id: feed.id,
      name: feed.name,
      url: feed.url,
      language: feed.language,
      verified: feed.verified,
      status: stored ? state.status : 'never polled',
      stale: state.stale,
      lastPollAt: state.lastPollAt,
      lastSuccessAt: state.lastSuccessAt,
      nextPollAt: state.nextPollAt,
      intervalSeconds: state.interval,
      etag: state.etag,
      lastModified: state.lastModified,
      itemsSeen: state.itemsSeen,
      failures: state.failures,
      consecutiveFailures: state.consecutiveFailures,
      lastError: state.lastError,
    });
  }
  return reports;
}

/**
 * One forced poll job per feed. The slot is the request's time in ms, so each `marsad poll` is a poll
 * of its own (two within one second are not merged), while a retry of one job stays that job.
 */
export async function enqueueManualPolls(app: App, feeds: readonly FeedConfig[]): Promise<string[]> {
  const slot = Date.now();
  return app.queues.enqueueMany('poll', feeds.map((feed) => ({ feedId: feed.id, force: true, slot })));
}

export interface PollOnceResult {
  polls: { feedId: string; note: string; failed: boolean }[];
  /** Documents the polls handed on (new and backfill), with their error, null when through. */
  documents: Map<string, string | null>;
}

/**
 * Polls the feeds now (due or not), waits for the polls, then until what they found is through the
 * pipeline. Stages no process serves run in this one meanwhile.
 */
export async function pollFeedsOnce(app: App, feeds: readonly FeedConfig[], opts: { timeoutMs: number; progress?: ProgressSink }): Promise<PollOnceResult> {
  // Watch first, so that no poll's result can come before the watcher.
  const results = await app.queues.watchResults('poll');
  try {
    const jobIds = await enqueueManualPolls(app, feeds);
    await ensureWorkers(app, STAGES);
    const polls: PollOnceResult['polls'] = [];
    const found: string[] = [];
    for (const [i, jobId] of jobIds.entries()) {
      const result = await results.result(jobId, opts.timeoutMs);
      const note = result.note ?? result.status;
      polls.push({ feedId: feeds[i]!.id, note, failed: note.startsWith('failed') });
      found.push(...result.next, ...(result.later ?? []));
    }
    const documents = await waitThroughPipeline(app, found, STAGES, { timeoutMs: opts.timeoutMs, progress: opts.progress });
    return { polls, documents };
  } finally {
    await results.close();
  }
}

