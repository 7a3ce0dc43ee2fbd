// What the dashboard's pages and live fragments read, section by section, each with a bounded cost: a page or
// a fragment reads only the sections it shows.
import type { Alert, Delivery } from '../alerts/model.js';
import type { App } from '../app.js';
import { collectFeeds } from '../ops/feeds.js';
import { collectMilestoneStatuses, dueEnd, type MilestoneJson } from '../ops/milestones.js';
import { collectQueues, scanDeliveries } from '../ops/overview.js';
import { collectStatus } from '../ops/status.js';
import type { Article } from '../model.js';
import { STAGES } from '../queues/names.js';
import { keys } from '../store/keys.js';
import { readSamples, type QueueSample } from './samples.js';
import type { Lang } from './views/i18n.js';
import type { AlertDeliveries, ArticleFilters, Pager, QueueView, Section, StatusView } from './views/status.js';

/** Rows of each table on the overview; their own pages show PAGE_SIZE rows a page. */
export const OVERVIEW_ROWS = 10;
export const PAGE_SIZE = 25;
/** Pages beyond this are not served (each page reads the ids before it). */
export const MAX_PAGE = 200;
/** The overview's deliveries: the latest, with the dead ones (the ones to replay) even when older. */
const LATEST_DELIVERIES = 20;
/** Language and outlet are not indexed: their filters look through this many of the newest (index-filtered) articles. */
const FILTER_SCAN = 300;
/** What alerts' deliveries are looked up in: the newest delivery records. */
const DELIVERY_LOOKBACK = 1_000;
/** How long the status page reuses the milestones' statuses when no report was added (a re-tag shows after it). */
const STATUS_CACHE_MS = 30_000;

/**
 * The milestones' statuses for the board. Assessing reads every timeline entry (about 0.5 s for 20,000 of
 * them), so the result is kept until a timeline gains an entry (HLEN, one round trip) or STATUS_CACHE_MS
 * pass; concurrent requests share one reading.
 */
export class MilestoneStatusCache {
  private cached: { fingerprint: string; at: number; statuses: Promise<MilestoneJson[]> } | null = null;

  constructor(private readonly app: App) {}

  /** The timelines' sizes, one round trip: changes when a report is added. */
  async fingerprint(): Promise<string> {
    const k = keys(this.app.config.settings.redis.prefix);
    const pipe = this.app.redis.pipeline();
    for (const m of this.app.config.milestones.milestones) pipe.hlen(k.timeline(m.id));
    return ((await pipe.exec()) ?? []).map(([err, n]) => (err ? 'x' : String(n))).join(',');
  }

  async get(now = Date.now()): Promise<MilestoneJson[]> {
    const fingerprint = await this.fingerprint();
    const c = this.cached;
    if (c && c.fingerprint === fingerprint && now - c.at < STATUS_CACHE_MS && !fingerprint.includes('x')) return c.statuses;
    const statuses = collectMilestoneStatuses(this.app, [], new Date(now));
    const entry = { fingerprint, at: now, statuses };
    this.cached = entry;
    statuses.catch(() => {
      if (this.cached === entry) this.cached = null;
    });
    return statuses;
  }
}

/** Jobs completed per minute over the last hour (oldest first), from BullMQ's metrics through the queue door. */
async function completedPerMinute(app: App, now: number): Promise<number[][]> {
  return Promise.all(STAGES.map(async (stage) => (await app.queues.throughput(stage, 60, now)).completed));
}

/** This minute's waiting and failed counts of every queue, for the sample ring. */
export async function queueSample(app: App): Promise<QueueSample> {
  const status = await collectStatus(app);
  return Object.fromEntries(STAGES.map((s) => [s, { waiting: status.queues[s]?.waiting ?? 0, failed: status.queues[s]?.failed ?? 0 }])) as QueueSample;
}

export function filtersOf(app: App, query: Record<string, string | undefined>): ArticleFilters {
  const known = (value: string | undefined, ids: readonly string[]) => (value && ids.includes(value) ? value : undefined);
  const { taxonomy, milestones } = app.config;
  return {
    base: known(query.base, taxonomy.bases.map((b) => b.id)),
    topic: known(query.topic, taxonomy.topics.map((t) => t.id)),
    milestone: known(query.milestone, milestones.milestones.map((m) => m.id)),
    language: known(query.language, ['ar', 'en', 'und']),
    outlet: query.outlet?.trim().slice(0, 100) || undefined,
  };
}

/** Rows `[from, to)` of a list, and whether there is more after them. */
interface Window {
  from: number;
  to: number;
}

/** The articles matching the filters in a window of the newest: the tag indexes first, then language/outlet over a bounded scan. */
async function latestArticles(app: App, f: ArticleFilters, w: Window): Promise<{ articles: Article[]; hasNext: boolean; scanLimit: number | null }> {
  const byIndex = { base: f.base, topic: f.topic, milestone: f.milestone };
  if (!f.language && !f.outlet) {
    const ids = await app.store.listArticleIds(byIndex, w.to + 1);
    return { articles: await app.store.getArticles(ids.slice(w.from, w.to)), hasNext: ids.length > w.to, scanLimit: null };
  }
  const ids = await app.store.listArticleIds(byIndex, FILTER_SCAN);
  const outlet = f.outlet?.toLowerCase();
  const articles = (await app.store.getArticles(ids)).filter((a) => (!f.language || a.language === f.language) && (!outlet || (a.source ?? '').toLowerCase().includes(outlet)));
  return { articles: articles.slice(w.from, w.to), hasNext: articles.length > w.to, scanLimit: ids.length === FILTER_SCAN ? FILTER_SCAN : null };
}

/** The latest deliveries, with the dead ones (the ones to replay) even when older. */
async function recentDeliveries(app: App): Promise<Delivery[]> {
  const [latest, dead] = await Promise.all([app.alerts.listDeliveryIds(LATEST_DELIVERIES), app.alerts.listDeliveryIds(LATEST_DELIVERIES, 'dead')]);
  const deliveries = await app.alerts.getDeliveries([...new Set([...latest, ...dead])]);
  return deliveries.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/**
 * The story each alert's article is in now (an alert's own `storyId` is the one it had when raised, which a
 * later merge may have retired) and how many reports it has, by alert id.
 */
async function storiesOfAlerts(app: App, alerts: readonly Alert[]): Promise<Record<string, { id: string; reports: number }>> {
  const current = await app.stories.storyOf(alerts.map((a) => a.article.id));
  const sizes = new Map<string, number>();
  for (const id of new Set(current.filter((x): x is string => x !== null))) sizes.set(id, (await app.stories.members(id)).length);
  const out: Record<string, { id: string; reports: number }> = {};
  alerts.forEach((a, i) => {
    const id = current[i];
    if (id) out[a.id] = { id, reports: sizes.get(id) ?? 0 };
  });
  return out;
}

/** What became of each alert's deliveries (by status), from the newest DELIVERY_LOOKBACK delivery records. */
async function deliveriesOfAlerts(app: App, alerts: readonly Alert[]): Promise<Record<string, AlertDeliveries>> {
  const wanted = new Set(alerts.map((a) => a.id));
  const out: Record<string, AlertDeliveries> = {};
  if (wanted.size === 0) return out;
  await scanDeliveries(app, DELIVERY_LOOKBACK, (d) => {
    for (const id of d.alertIds) {
      if (!wanted.has(id)) continue;
      const counts = (out[id] ??= {});
      counts[d.status] = (counts[d.status] ?? 0) + 1;
    }
    return false;
  });
  return out;
}

export interface ViewRequest {
  sections: readonly Section[];
  query: Record<string, string | undefined>;
  lang: Lang;
  /** The page the sections are on: its own page paginates its table (`?page=`); the overview shows the first rows. */
  path: string;
  now?: number;
}

const isOwnPage = (path: string, section: Section) => path === `/${section}`;

export function pageOf(query: Record<string, string | undefined>): number {
  const n = Number(query.page);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_PAGE) : 1;
}

/** The path and query of a page without `page` and `lang`: what a pager's links start from. */
export function pagerHref(path: string, query: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v && k !== 'page' && k !== 'lang') q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** Everything the requested sections show; the rest of the view stays empty. */
export async function collectView(app: App, req: ViewRequest, statusCache: MilestoneStatusCache): Promise<Omit<StatusView, 'canReplay' | 'csrfToken' | 'flash'>> {
  const now = req.now ?? Date.now();
  const want = new Set(req.sections);
  const page = pageOf(req.query);
  const windowOf = (section: Section): Window => (isOwnPage(req.path, section) ? { from: (page - 1) * PAGE_SIZE, to: page * PAGE_SIZE } : { from: 0, to: OVERVIEW_ROWS });
  const pager = (section: Section, hasNext: boolean): Pager | undefined => (isOwnPage(req.path, section) ? { page, hasNext, href: pagerHref(req.path, req.query) } : undefined);
  const filters = filtersOf(app, req.query);
  const { taxonomy } = app.config;
  const view: Omit<StatusView, 'canReplay' | 'csrfToken' | 'flash'> = {
    queues: [],
    feeds: [],
    milestones: [],
    milestoneStatuses: {},
    board: [],
    articles: [],
    scanLimit: null,
    filters,
    choices: {
      bases: taxonomy.bases.map((b) => ({ id: b.id, name: `${b.name.en} · ${b.name.ar}` })),
      topics: taxonomy.topics.map((t) => ({ id: t.id, name: `${t.name.en} · ${t.name.ar}` })),
      milestones: app.config.milestones.milestones.map((m) => ({ id: m.id, name: `${m.id} (due ${m.due})` })),
    },
    totals: { articles: 0, duplicates: 0 },
    alerts: [],
    deliveries: [],
    generatedAt: new Date(now).toISOString(),
    lang: req.lang,
    pagers: {},
  };
  const tasks: Promise<void>[] = [];
  if (want.has('queues')) {
    tasks.push(
      (async () => {
        const status = await collectStatus(app);
        const [queues, perMinute, samples] = await Promise.all([collectQueues(app, status), completedPerMinute(app, now), readSamples(app, now)]);
        view.totals = { articles: status.articles, duplicates: status.duplicates };
        view.queues = STAGES.map((stage, i): QueueView => ({ ...queues[stage], stage, perMinute: perMinute[i]!, waitingHistory: samples.waiting[stage], failedHistory: samples.failed[stage] }));
      })(),
    );
  }
  if (want.has('feeds')) tasks.push(collectFeeds(app).then((feeds) => void (view.feeds = feeds)));
  if (want.has('milestones')) {
    tasks.push(
      (async () => {
        // Everything on the board comes from the (cached) assessment: its timelines give the latest reports and the
        // counts per day by report date.
        const statuses = await statusCache.get(now);
        view.milestoneStatuses = Object.fromEntries(statuses.map((m) => [m.id, { status: m.status, since: m.since, summary: m.summary, pastDue: m.pastDue }]));
        view.board = statuses.map((status) => ({ status, dueEnd: dueEnd(status.due) }));
      })(),
    );
  }
  if (want.has('articles')) {
    tasks.push(
      latestArticles(app, filters, windowOf('articles')).then((r) => {
        view.articles = r.articles;
        view.scanLimit = r.scanLimit;
        view.pagers!.articles = pager('articles', r.hasNext);
      }),
    );
  }
  if (want.has('alerts')) {
    tasks.push(
      (async () => {
        const w = windowOf('alerts');
        const ids = await app.alerts.listAlertIds(w.to + 1);
        const alerts = await app.alerts.getAlerts(ids.slice(w.from, w.to));
        const [stories, deliveries] = await Promise.all([storiesOfAlerts(app, alerts), deliveriesOfAlerts(app, alerts)]);
        view.alerts = alerts;
        view.alertStories = stories;
        view.alertDeliveries = deliveries;
        view.pagers!.alerts = pager('alerts', ids.length > w.to);
      })(),
    );
  }
  if (want.has('deliveries')) {
    tasks.push(
      (async () => {
        if (!isOwnPage(req.path, 'deliveries')) {
          view.deliveries = await recentDeliveries(app);
          return;
        }
        const w = windowOf('deliveries');
        const ids = await app.alerts.listDeliveryIdsFrom(w.from, w.to - w.from + 1);
        view.deliveries = await app.alerts.getDeliveries(ids.slice(0, w.to - w.from));
        view.pagers!.deliveries = pager('deliveries', ids.length > w.to - w.from);
      })(),
    );
  }
  await Promise.all(tasks);
  return view;
}
