import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Alert, Delivery } from '../alerts/model.js';
import type { App } from '../app.js';
import { retryDelivery } from '../ops/deliveries.js';
import { collectFeeds } from '../ops/feeds.js';
import { collectMilestoneStatuses, type MilestoneJson } from '../ops/milestones.js';
import { collectStatus } from '../ops/status.js';
import { actorNames } from '../milestones/assess.js';
import type { Article } from '../model.js';
import { articleStance, type StanceCue } from '../tagging/stance.js';
import { STAGES } from '../queues/names.js';
import { keys } from '../store/keys.js';
import { registerBullBoard } from './bull-board.js';
import type { ServerContext } from './context.js';
import { EventHub, registerEvents } from './events.js';
import { collectMilestones, collectQueues } from '../ops/overview.js';
import { articlePage, notFoundPage } from './views/article.js';
import type { LayoutOptions } from './views/html.js';
import { milestonePage } from './views/milestone.js';
import { storyPage } from './views/story.js';
import { readStory, STORY_ID } from '../stories/read.js';
import { DASHBOARD_SCRIPT } from './views/script.js';
import { alertRow, statusPage, type ArticleFilters, type QueueView, type StatusView } from './views/status.js';

/** Rows of each list on the status page: it never reads more than these (plus the filter scan). */
const LATEST_ARTICLES = 50;
const LATEST_ALERTS = 20;
const LATEST_DELIVERIES = 20;
/** Language and outlet are not indexed: their filters look through this many of the newest (index-filtered) articles. */
const FILTER_SCAN = 300;
const MINUTE = 60_000;

/** Reports drawn and listed on a milestone's page: the newest ones (the assessment counts them all). */
export const MILESTONE_PAGE_REPORTS = 200;
/** How long the status page reuses the milestones' statuses when no report was added (a re-tag shows after it). */
const STATUS_CACHE_MS = 30_000;

const ARTICLE_ID = /^[0-9a-f]{16}$/;
const DELIVERY_ID = /^dl-[0-9a-f]{16}$/;

const HTML = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };

/** The CSP nonces @fastify/helmet puts on the reply when the server's CSP uses them. */
function nonceOf(reply: FastifyReply): LayoutOptions['nonce'] {
  return (reply as { cspNonce?: LayoutOptions['nonce'] }).cspNonce;
}

/** @fastify/csrf-protection's token for the replay forms, when the server has it. */
async function csrfOf(reply: FastifyReply): Promise<string | null> {
  const generate = (reply as { generateCsrf?: () => string | Promise<string> }).generateCsrf;
  return typeof generate === 'function' ? await generate.call(reply) : null;
}

/**
 * Jobs completed per minute over the last hour, from the completed set (scored by finishedOn) that
 * BullMQ keeps per queue within its retention bound: one ZCOUNT per minute, one round trip in all.
 */
async function completedPerMinute(app: App, now: number): Promise<number[][]> {
  const pipe = app.redis.pipeline();
  for (const stage of STAGES) {
    const key = app.queues[stage].keys.completed!;
    for (let i = 59; i >= 0; i--) pipe.zcount(key, now - (i + 1) * MINUTE, i === 0 ? '+inf' : `(${now - i * MINUTE}`);
  }
  const counts = ((await pipe.exec()) ?? []).map(([err, n]) => (err ? 0 : Number(n)));
  return STAGES.map((_, s) => counts.slice(s * 60, s * 60 + 60));
}

function filtersOf(app: App, query: Record<string, string | undefined>): ArticleFilters {
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

/** The newest articles matching the filters: the tag indexes first, then language/outlet over a bounded scan. */
async function latestArticles(app: App, f: ArticleFilters): Promise<{ articles: Article[]; scanLimit: number | null }> {
  const byIndex = { base: f.base, topic: f.topic, milestone: f.milestone };
  if (!f.language && !f.outlet) return { articles: await app.store.getArticles(await app.store.listArticleIds(byIndex, LATEST_ARTICLES)), scanLimit: null };
  const ids = await app.store.listArticleIds(byIndex, FILTER_SCAN);
  const outlet = f.outlet?.toLowerCase();
  const articles = (await app.store.getArticles(ids)).filter((a) => (!f.language || a.language === f.language) && (!outlet || (a.source ?? '').toLowerCase().includes(outlet)));
  return { articles: articles.slice(0, LATEST_ARTICLES), scanLimit: ids.length === FILTER_SCAN ? FILTER_SCAN : null };
}

/** The latest deliveries, with the dead ones (the ones to replay) even when older. */
async function recentDeliveries(app: App): Promise<Delivery[]> {
  const [latest, dead] = await Promise.all([app.alerts.listDeliveryIds(LATEST_DELIVERIES), app.alerts.listDeliveryIds(LATEST_DELIVERIES, 'dead')]);
  const deliveries = await app.alerts.getDeliveries([...new Set([...latest, ...dead])]);
  return deliveries.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/**
 * The milestones' statuses for the status page. Assessing reads every timeline entry (about 0.5 s for
 * 20,000 of them), so the result is kept until a timeline gains an entry (HLEN, one round trip) or
 * STATUS_CACHE_MS pass; concurrent requests share one reading.
 */
export class MilestoneStatusCache {
  private cached: { fingerprint: string; at: number; statuses: Promise<MilestoneJson[]> } | null = null;

  constructor(private readonly app: App) {}

  async get(now = Date.now()): Promise<MilestoneJson[]> {
    const k = keys(this.app.config.settings.redis.prefix);
    const pipe = this.app.redis.pipeline();
    for (const m of this.app.config.milestones.milestones) pipe.hlen(k.timeline(m.id));
    const fingerprint = ((await pipe.exec()) ?? []).map(([err, n]) => (err ? 'x' : String(n))).join(',');
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

async function collectStatusView(app: App, query: Record<string, string | undefined>, now = Date.now(), statusCache = new MilestoneStatusCache(app)): Promise<Omit<StatusView, 'canReplay' | 'csrfToken' | 'flash'>> {
  const filters = filtersOf(app, query);
  const status = await collectStatus(app);
  const [queues, perMinute, feeds, milestones, statuses, latest, alerts, deliveries] = await Promise.all([
    collectQueues(app, status),
    completedPerMinute(app, now),
    collectFeeds(app),
    collectMilestones(app, 3, now),
    statusCache.get(now),
    latestArticles(app, filters),
    app.alerts.listAlertIds(LATEST_ALERTS).then((ids) => app.alerts.getAlerts(ids)),
    recentDeliveries(app),
  ]);
  const { taxonomy } = app.config;
  const alertStories = await storiesOfAlerts(app, alerts);
  return {
    queues: STAGES.map((stage, i): QueueView => ({ ...queues[stage], stage, perMinute: perMinute[i]! })),
    feeds,
    milestones,
    milestoneStatuses: Object.fromEntries(statuses.map((m) => [m.id, { status: m.status, since: m.since, summary: m.summary, pastDue: m.pastDue }])),
    articles: latest.articles,
    scanLimit: latest.scanLimit,
    filters,
    choices: {
      bases: taxonomy.bases.map((b) => ({ id: b.id, name: `${b.name.en} · ${b.name.ar}` })),
      topics: taxonomy.topics.map((t) => ({ id: t.id, name: `${t.name.en} · ${t.name.ar}` })),
      milestones: app.config.milestones.milestones.map((m) => ({ id: m.id, name: `${m.id} (due ${m.due})` })),
    },
    totals: { articles: status.articles, duplicates: status.duplicates },
    alerts,
    alertStories,
    deliveries,
    generatedAt: new Date(now).toISOString(),
  };
}

/**
 * The dashboard's pages: the status page at `/`, article pages, the replay button's route, the
 * page script, live updates at `/events` and bull-board at `/queues`. Behind the auth hook of
 * server.ts like everything else; the replay route needs the operator role (and the CSRF token).
 */
export async function registerPages(server: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { app } = ctx;
  const statusCache = new MilestoneStatusCache(app);

  server.get('/assets/dashboard.js', async (_request, reply) =>
    reply.headers({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }).send(DASHBOARD_SCRIPT),
  );

  server.get<{ Querystring: Record<string, string | undefined> }>('/', async (request, reply) => {
    const data = await collectStatusView(app, request.query, Date.now(), statusCache);
    const replayed = request.query.replayed && DELIVERY_ID.test(request.query.replayed) ? await app.alerts.getDelivery(request.query.replayed) : null;
    const view: StatusView = {
      ...data,
      canReplay: request.role === 'operator',
      csrfToken: request.role === 'operator' ? await csrfOf(reply) : null,
      flash: replayed ? `replay of ${replayed.id} requested: it is ${replayed.status} now (attempts ${replayed.attempts})` : null,
    };
    return reply.headers(HTML).send(statusPage(view, { nonce: nonceOf(reply), scripts: ['/assets/dashboard.js'] }));
  });

  server.get<{ Params: { id: string } }>('/articles/:id', async (request, reply) => {
    const article = ARTICLE_ID.test(request.params.id) ? await app.store.readArticle(request.params.id) : null;
    if (!article) return reply.code(404).headers(HTML).send(notFoundPage(`no article ${request.params.id}`, { nonce: nonceOf(reply) }));
    const storyReports = article.storyId ? (await app.stories.members(article.storyId)).length : undefined;
    return reply.headers(HTML).send(articlePage(article, { nonce: nonceOf(reply) }, actorNames(app.config.stance), storyReports));
  });

  server.get<{ Params: { id: string } }>('/milestones/:id', async (request, reply) => {
    const known = app.config.milestones.milestones.some((m) => m.id === request.params.id);
    const [milestone] = known ? await collectMilestoneStatuses(app, [request.params.id]) : [];
    if (!milestone) return reply.code(404).headers(HTML).send(notFoundPage(`no milestone ${request.params.id}`, { nonce: nonceOf(reply) }));
    const total = milestone.timeline.length;
    const shown = { ...milestone, timeline: milestone.timeline.slice(-MILESTONE_PAGE_REPORTS) };
    // The cues that decided each report's stance are in the stored articles (the timeline keeps the evidence only).
    const cues = new Map<string, StanceCue[]>();
    for (const a of await app.store.getArticles(shown.timeline.map((e) => e.articleId))) {
      const ref = a.milestones.find((m) => m.id === milestone.id);
      const decisive = articleStance(ref?.mentions ?? []).decisive;
      if (decisive) cues.set(a.id, decisive.cues);
    }
    const storyIds = await app.stories.storyOf(shown.timeline.map((e) => e.articleId));
    const stories = new Map(shown.timeline.flatMap((e, i) => (storyIds[i] ? [[e.articleId, storyIds[i]!] as const] : [])));
    const view = { milestone: shown, total, cues, stories, names: actorNames(app.config.stance), now: new Date() };
    return reply.headers(HTML).send(milestonePage(view, { nonce: nonceOf(reply) }));
  });

  server.get<{ Params: { id: string } }>('/stories/:id', async (request, reply) => {
    const story = STORY_ID.test(request.params.id) ? await readStory(app, request.params.id) : null;
    if (!story) return reply.code(404).headers(HTML).send(notFoundPage(`no story ${request.params.id}`, { nonce: nonceOf(reply) }));
    // A story id retired by a merge: the story it is part of now.
    if (story.id !== request.params.id) return reply.redirect(`/stories/${story.id}`, 302);
    return reply.headers(HTML).send(storyPage(story, { nonce: nonceOf(reply) }, actorNames(app.config.stance)));
  });

  server.post<{ Params: { id: string } }>('/deliveries/:id/replay', { preHandler: ctx.requireOperator }, async (request, reply) => {
    const { id } = request.params;
    if (!DELIVERY_ID.test(id)) return reply.code(400).send({ error: 'bad request', details: ['expected a delivery id (dl- and 16 hex digits)'] });
    const message = await retryDelivery(app, id);
    app.log.info({ delivery_id: id, result: message }, 'delivery replay requested from the dashboard');
    return reply.redirect(`/?replayed=${encodeURIComponent(id)}#deliveries`, 303);
  });

  registerEvents(server, new EventHub(app, alertRow));
  await registerBullBoard(server, app);
}
