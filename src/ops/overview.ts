import type { App } from '../app.js';
import type { Delivery, DeliveryStatus } from '../alerts/model.js';
import { collectStatus, type StatusReport } from './status.js';
import type { Article } from '../model.js';
import { STAGES, type Stage } from '../queues/names.js';

/** What the dashboard, the API, /readyz and /metrics read: collected on request, with bounded cost. */

export const DELIVERY_STATUSES = ['pending', 'sent', 'retrying', 'failed', 'dead', 'skipped'] as const satisfies readonly DeliveryStatus[];
/** Delivery statuses are counted over this many of the newest records (exact totals come from the indexes). */
export const DELIVERY_SAMPLE = 5_000;
/** A waiting job older than this means its queue is stuck (or far behind): /readyz says so. */
export const STUCK_AFTER_MS = 10 * 60_000;

export type QueueOverview = StatusReport['queues'][string] & {
  /** Jobs waiting with a priority (backfill): BullMQ keeps them apart from `waiting`. */
  prioritized: number;
  /** Seconds since the longest-waiting job became runnable; null when none waits. */
  oldestWaitingSeconds: number | null;
};

/** `marsad status` per queue, with prioritized jobs and the oldest waiting job's age. */
export async function collectQueues(app: App, status?: StatusReport): Promise<Record<Stage, QueueOverview>> {
  const report = status ?? (await collectStatus(app));
  const now = Date.now();
  const entries = await Promise.all(
    STAGES.map(async (stage) => {
      const [{ prioritized }, since] = await Promise.all([app.queues.jobCounts(stage), app.queues.oldestWaiting(stage)]);
      const overview: QueueOverview = { ...report.queues[stage]!, prioritized, oldestWaitingSeconds: since === null ? null : Math.max(0, Math.round((now - since) / 1000)) };
      return [stage, overview] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Stage, QueueOverview>;
}

export interface DeliveryCounts {
  total: number;
  /** Exact, from the dead-letter index. */
  dead: number;
  /** Over the newest DELIVERY_SAMPLE records. */
  byStatus: Record<DeliveryStatus, number>;
  sampled: number;
}

export async function collectDeliveryCounts(app: App): Promise<DeliveryCounts> {
  const [total, dead] = await Promise.all([app.alerts.countDeliveries(), app.alerts.countDeliveries('dead')]);
  const byStatus = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
  let sampled = 0;
  await scanDeliveries(app, DELIVERY_SAMPLE, (d) => {
    byStatus[d.status]++;
    sampled++;
    return false;
  });
  return { total, dead, byStatus, sampled };
}

/** Reads the delivery log newest first, in pages, until `visit` says stop or `max` records were read. */
export async function scanDeliveries(app: App, max: number, visit: (d: Delivery) => boolean): Promise<void> {
  const PAGE = 500;
  for (let offset = 0; offset < max; offset += PAGE) {
    const ids = await app.alerts.listDeliveryIdsFrom(offset, Math.min(PAGE, max - offset));
    for (const d of await app.alerts.getDeliveries(ids)) if (visit(d)) return;
    if (ids.length < PAGE) return;
  }
}

export interface MilestoneOverview {
  id: string;
  title: { ar: string; en: string };
  due: string;
  bases: string[];
  latestMentions: { articleId: string; title: string | null; outlet: string | null; date: string; language: string; evidence: string | null; duplicateOf: string | null }[];
  /** Articles (reprints included) published in the last 7 days (first seen, when they give no date). */
  reportsLast7Days: number;
  /** The same without reprints: distinct stories. */
  storiesLast7Days: number;
}

const WEEK_MS = 7 * 24 * 3600_000;
/** The week's articles are read in pages of this many. */
const PAGE = 500;

/**
 * The reports among `articles` dated at or after `since` (ms): by the date the article gives, and by
 * when marsad first saw it only when it gives none (so reporting from 2024 seeded today is not this week's).
 */
export function reportedSince(articles: readonly Pick<Article, 'published' | 'firstSeen' | 'duplicateOf'>[], since: number): { reports: number; stories: number } {
  const recent = articles.filter((a) => Date.parse(a.published ?? a.firstSeen) >= since);
  return { reports: recent.length, stories: recent.filter((a) => !a.duplicateOf).length };
}

/**
 * Each milestone of milestones.yaml with its latest mentions and last week's counts. The candidates come
 * from the store's milestone index from the first article marsad saw in the week (a binary search over
 * the listing): an article published in the week was first seen in it. Only those are read, for their dates.
 */
export async function collectMilestones(app: App, latest = 5, now = Date.now()): Promise<MilestoneOverview[]> {
  const since = now - WEEK_MS;
  const weekStart = await app.store.firstSeqSince(since);
  return Promise.all(
    app.config.milestones.milestones.map(async (m) => {
      const [recent, week] = await Promise.all([
        app.store.getArticles(await app.store.listArticleIds({ milestone: m.id }, latest)),
        app.store.indexSince('milestone', m.id, weekStart),
      ]);
      let counts = { reports: 0, stories: 0 };
      for (let i = 0; i < week.ids.length; i += PAGE) {
        const page = reportedSince(await app.store.getArticles(week.ids.slice(i, i + PAGE)), since);
        counts = { reports: counts.reports + page.reports, stories: counts.stories + page.stories };
      }
      return {
        id: m.id,
        title: m.title,
        due: m.due,
        bases: m.bases,
        latestMentions: recent.map((a) => mention(a, m.id)),
        reportsLast7Days: counts.reports,
        storiesLast7Days: counts.stories,
      };
    }),
  );
}

function mention(a: Article, milestoneId: string): MilestoneOverview['latestMentions'][number] {
  return {
    articleId: a.id,
    title: a.title,
    outlet: a.source,
    date: a.published ?? a.firstSeen,
    language: a.language,
    evidence: a.milestones.find((r) => r.id === milestoneId)?.evidence[0]?.text ?? null,
    duplicateOf: a.duplicateOf,
  };
}
