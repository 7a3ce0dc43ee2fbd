// Which items of a poll go on as new reporting. Pure: the worker looks every item up in its seen-index
// (the item's guid within this feed, or its urlKey in any feed) and passes the answers here.
import { publishedTime, type FeedItem } from './parse.js';

export interface SelectOptions {
  /** The feed's first successful poll: nothing is known about what it published before. */
  firstPoll: boolean;
  /** settings.yaml feeds.backfillDays. */
  backfillDays: number;
  /** At most this many fresh and backfill items together (fresh first); settings.yaml feeds.maxItemsPerPoll. */
  maxItems: number;
}

export interface Selection {
  /** New reporting: fetch, clean, tag, alert. */
  fresh: FeedItem[];
  /** Not seen before but old: fetch and record, never alert. */
  backfill: FeedItem[];
  known: FeedItem[];
  /** Unseen items left out by `maxItems`; still unseen, so a later poll offers them again while the feed lists them. */
  capped: number;
}

/**
 * Splits a poll's items, in their order.
 * - Known (`known[i]` true): `known`.
 * - Published more than `backfillDays` before `now`: `backfill`, at any poll (a feed that resurfaces an old
 *   article, or a gap in polling, is not news today).
 * - Without a date at the first poll: `backfill`. The first poll cannot tell yesterday's undated item from last
 *   year's, and a burst of false "new reporting" is worse than recording them quietly. At later polls an unseen
 *   undated item appeared since the last poll, so it is `fresh`.
 * - Otherwise (also dated in the future: clock skew): `fresh`.
 */
export function selectNewItems(items: readonly FeedItem[], known: readonly boolean[], now: Date, opts: SelectOptions): Selection {
  if (known.length !== items.length) throw new RangeError(`known has ${known.length} answers for ${items.length} items`);
  const windowStart = now.getTime() - opts.backfillDays * 24 * 3600 * 1000;
  const fresh: FeedItem[] = [];
  const backfill: FeedItem[] = [];
  const knownItems: FeedItem[] = [];
  items.forEach((item, i) => {
    if (known[i]) knownItems.push(item);
    else if (item.published === null ? opts.firstPoll : publishedTime(item.published) < windowStart) backfill.push(item);
    else fresh.push(item);
  });
  const keptFresh = fresh.slice(0, opts.maxItems);
  const keptBackfill = backfill.slice(0, opts.maxItems - keptFresh.length);
  return {
    fresh: keptFresh,
    backfill: keptBackfill,
    known: knownItems,
    capped: fresh.length + backfill.length - keptFresh.length - keptBackfill.length,
  };
}
