import type { Settings } from '../config/settings.js';
import type { Subscriber } from '../alerts/model.js';
import type { FeedConfig } from '../feeds/schema.js';
import type { QueueDoor, ScheduleSpec } from './door.js';

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

/** One job scheduler per feed in feeds.yaml. */
export function pollSchedules(feeds: readonly FeedConfig[], settings: Settings): ScheduleSpec[] {
  return feeds.map((feed) => ({ id: pollSchedulerId(feed.id), repeat: { every: tickMs(settings) }, data: { feedId: feed.id } }));
}

/**
 * One job scheduler per feed in feeds.yaml, and none for feeds no longer there. Upserting is
 * idempotent: every process that runs poll workers may call this at start, and there is still one
 * poll per feed per tick.
 */
export function syncPollSchedulers(queues: QueueDoor, feeds: readonly FeedConfig[], settings: Settings): Promise<{ added: number; removed: number }> {
  return queues.syncSchedulers('poll', 'poll-', pollSchedules(feeds, settings));
}

export function digestSchedulerId(subscriberId: string): string {
  return `digest-${subscriberId}`;
}

/**
 * One scheduler per digest subscriber, firing at its boundaries (top of the hour in UTC, or HH:MM in
 * its time zone, which BullMQ's cron handles across DST).
 */
export function digestSchedules(subscribers: readonly Subscriber[]): ScheduleSpec[] {
  return subscribers
    .filter((s) => s.mode === 'digest' && s.digest && !s.disabled)
    .map((s) => {
      const digest = s.digest!;
      const repeat =
        digest.every === 'hour'
          ? { pattern: '0 * * * *', tz: 'UTC' }
          : { pattern: `${Number(digest.at.slice(3, 5))} ${Number(digest.at.slice(0, 2))} * * *`, tz: digest.timezone };
      return { id: digestSchedulerId(s.id), repeat, data: { subscriberId: s.id } };
    });
}

/** The digest schedulers of `subscribers`, and none for the others. */
export function syncDigestSchedulers(queues: QueueDoor, subscribers: readonly Subscriber[]): Promise<{ added: number; removed: number }> {
  return queues.syncSchedulers('digest', 'digest-', digestSchedules(subscribers));
}
