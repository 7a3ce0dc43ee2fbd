import type { Queue } from 'bullmq';
import type { Settings } from '../config/settings.js';
import type { Subscriber } from '../alerts/model.js';
import type { FeedConfig } from '../feeds/schema.js';

/** Scheduler ids are stored in Redis: never change the form. */
export function pollSchedulerId(feedId: string): string {
  return `poll-${feedId}`;
}

/**
 * How often each feed's scheduler ticks. The poll stage decides from the feed's state whether a tick
 * is due, so the adaptive interval needs no re-scheduling; ticks are a fifth of the floor (at least a
 * minute), so a feed is polled at most that late.
 */
export function tickMs(settings: Settings): number {
  return Math.max(60_000, (settings.feeds.minIntervalSeconds * 1000) / 5);
}

/**
 * One job scheduler per feed in feeds.yaml, and none for feeds no longer there. Upserting is
 * idempotent: every process that runs poll workers may call this at start, and there is still one
 * poll per feed per tick.
 */
export async function syncPollSchedulers(queue: Queue, feeds: readonly FeedConfig[], settings: Settings): Promise<{ added: number; removed: number }> {
  const wanted = new Set(feeds.map((f) => pollSchedulerId(f.id)));
  for (const feed of feeds) {
    await queue.upsertJobScheduler(pollSchedulerId(feed.id), { every: tickMs(settings) }, {
      name: 'poll',
      data: { feedId: feed.id },
      // Ticks that find a feed not due are noise: keep few of them.
      opts: { removeOnComplete: { count: 200 }, removeOnFail: { count: 1000 } },
    });
  }
  let removed = 0;
  for (const scheduler of await queue.getJobSchedulers(0, -1)) {
    if (scheduler.key.startsWith('poll-') && !wanted.has(scheduler.key)) {
      await queue.removeJobScheduler(scheduler.key);
      removed++;
    }
  }
  return { added: feeds.length, removed };
}

export function digestSchedulerId(subscriberId: string): string {
  return `digest-${subscriberId}`;
}

/**
 * One scheduler per digest subscriber, firing at its boundaries (top of the hour in UTC, or HH:MM in
 * its time zone, which BullMQ's cron handles across DST); none for the others.
 */
export async function syncDigestSchedulers(queue: Queue, subscribers: readonly Subscriber[]): Promise<{ added: number; removed: number }> {
  const wanted = new Map<string, Subscriber>();
  for (const s of subscribers) if (s.mode === 'digest' && s.digest && !s.disabled) wanted.set(digestSchedulerId(s.id), s);
  for (const [id, s] of wanted) {
    const digest = s.digest!;
    const repeat =
      digest.every === 'hour'
        ? { pattern: '0 * * * *', tz: 'UTC' }
        : { pattern: `${Number(digest.at.slice(3, 5))} ${Number(digest.at.slice(0, 2))} * * *`, tz: digest.timezone };
    await queue.upsertJobScheduler(id, repeat, { name: 'digest', data: { subscriberId: s.id }, opts: { removeOnComplete: { count: 200 }, removeOnFail: { count: 1000 } } });
  }
  let removed = 0;
  for (const scheduler of await queue.getJobSchedulers(0, -1)) {
    if (scheduler.key.startsWith('digest-') && !wanted.has(scheduler.key)) {
      await queue.removeJobScheduler(scheduler.key);
      removed++;
    }
  }
  return { added: wanted.size, removed };
}
