import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { App } from '../app.js';
import type { Config } from '../config/load.js';
import { retryDelivery } from '../ops/deliveries.js';
import { collectFeeds } from '../ops/feeds.js';
import { collectMilestoneStatuses } from '../ops/milestones.js';
import { collectStatus } from '../ops/status.js';
import type { Article } from '../model.js';
import { listStories, readStory } from '../stories/read.js';
import { outletSlug } from '../subscribers/match.js';
import { redact, SubscriberError } from '../subscribers/registry.js';
import type { ServerContext } from './context.js';
import { apiSchemas } from './api-schemas.js';
import { buildOpenApi } from './openapi.js';
import { collectDeliveryCounts, collectQueues, scanDeliveries } from '../ops/overview.js';

/** A 4xx with the shape every API error has: `{error, details}`. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
  }
}

/** zod problems as `details`: where (`limit`, `filters.bases.0`) and what. */
export function zodDetails(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new ApiError(400, `invalid ${what}`, zodDetails(result.error));
  return result.data;
}

/** Bound on the articles read for one page when language/outlet filters (applied after reading) skip many. */
const ARTICLE_SCAN = 2_000;
/** Bound on the delivery records read to find one page of a status other than `dead`. */
const DELIVERY_SCAN = 5_000;


function articleSummary(a: Article) {
  return {
    id: a.id,
    title: a.title,
    source: a.source,
    url: a.url,
    published: a.published,
    language: a.language,
    bases: a.bases,
    topics: a.topics,
    milestones: a.milestones.map((m) => m.id),
    duplicateOf: a.duplicateOf,
    firstSeen: a.firstSeen,
    stage: a.stage,
    baseline: a.baseline,
  };
}

/**
 * One page of articles, newest first. The cursor is the `seq` of the last article of the previous
 * page; base/topic/milestone use the store's indexes, language and outlet filter what was read, so a
 * page reads at most ARTICLE_SCAN articles: it may then hold fewer than `limit` items with a nextCursor.
 */
async function articlesPage(app: App, q: z.output<ReturnType<typeof apiSchemas>['articlesQuery']>) {
  const outlet = q.outlet === undefined ? null : outletSlug(q.outlet);
  const keep = (a: Article) => (q.language === undefined || a.language === q.language) && (outlet === null || (a.source !== null && outletSlug(a.source) === outlet));
  const items: Article[] = [];
  let before = q.cursor === undefined ? undefined : Number(q.cursor);
  let scanned = 0;
  let exhausted = false;
  // One more than asked, to know whether a next page exists.
  while (items.length <= q.limit && scanned < ARTICLE_SCAN) {
    const ids = await app.store.listArticleIds({ base: q.base, topic: q.topic, milestone: q.milestone }, Math.min(q.limit + 1, ARTICLE_SCAN - scanned), before);
    const articles = ids.length === 0 ? [] : await app.store.getArticles(ids);
    if (articles.length === 0) {
      exhausted = true;
      break;
    }
    scanned += ids.length;
    for (const a of articles) {
      before = a.seq;
      if (keep(a)) items.push(a);
      if (items.length > q.limit) break;
    }
  }
  if (items.length > q.limit) {
    items.length = q.limit;
    return { items: items.map(articleSummary), nextCursor: String(items.at(-1)!.seq) };
  }
  return { items: items.map(articleSummary), nextCursor: exhausted || before === undefined ? null : String(before) };
}

/** Every `/api/` route; writes go through `ctx.requireOperator`. Documented by `GET /api/openapi.json`. */
export async function registerApi(server: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { app } = ctx;
  const s = apiSchemas(app.config);
  const openapi = buildOpenApi(s);
  const write = { preHandler: ctx.requireOperator };

  await server.register(
    async (api) => {
      // Authenticated data: no proxy or browser cache keeps it.
      api.addHook('onSend', async (_req, reply: FastifyReply) => {
        reply.header('cache-control', 'no-store');
      });

      api.get('/openapi.json', async () => openapi);

      api.get('/csrf', async (_req, reply) => ({ token: reply.generateCsrf() }));

      api.get('/status', async () => {
        const status = await collectStatus(app);
        const [feeds, alerts, deliveries] = await Promise.all([collectFeeds(app), app.alerts.countAlerts(), collectDeliveryCounts(app)]);
        const byStatus: Record<string, number> = {};
        for (const f of feeds) byStatus[f.status] = (byStatus[f.status] ?? 0) + 1;
        return { ...status, feeds: { total: feeds.length, byStatus, stale: feeds.filter((f) => f.stale).length }, alerts, deliveries };
      });

      api.get('/queues', async () => collectQueues(app));

      api.get('/feeds', async () => collectFeeds(app));

      api.get('/articles', async (req) => articlesPage(app, parse(s.articlesQuery, req.query, 'query')));

      api.get('/articles/:id', async (req) => {
        const { id } = parse(s.articleParams, req.params, 'article id');
        const article = await app.store.readArticle(id);
        if (!article) throw new ApiError(404, 'no such article', [`no article "${id}"`]);
        return article;
      });

      api.get('/milestones', async () => collectMilestoneStatuses(app));

      api.get('/milestones/:id', async (req) => {
        const { id } = parse(s.milestoneParams, req.params, 'milestone id');
        const known = app.config.milestones.milestones.map((m) => m.id);
        if (!known.includes(id)) throw new ApiError(404, 'no such milestone', [`no milestone "${id}"; known: ${known.join(', ')}`]);
        const [milestone] = await collectMilestoneStatuses(app, [id]);
        return milestone;
      });

      api.get('/stories', async (req) => {
        const { milestone, limit } = parse(s.storiesQuery, req.query, 'query');
        return listStories(app, { milestone, limit });
      });

      api.get('/stories/:id', async (req) => {
        const { id } = parse(s.storyParams, req.params, 'story id');
        const story = await readStory(app, id);
        if (!story) throw new ApiError(404, 'no such story', [`no story "${id}"`]);
        return story;
      });

      api.get('/alerts', async (req) => {
        const { limit } = parse(s.listQuery, req.query, 'query');
        const alerts = await app.alerts.getAlerts(await app.alerts.listAlertIds(limit));
        return Promise.all(alerts.map(async (a) => ({ ...a, alsoReportedBy: await app.store.storyReports(a) })));
      });

      api.get('/deliveries', async (req) => {
        const { limit, status } = parse(s.deliveriesQuery, req.query, 'query');
        // Dead deliveries have an index of their own; other statuses are looked for in the newest records.
        if (status === undefined || status === 'dead') return app.alerts.getDeliveries(await app.alerts.listDeliveryIds(limit, status));
        const found: Awaited<ReturnType<typeof app.alerts.getDeliveries>> = [];
        await scanDeliveries(app, DELIVERY_SCAN, (d) => {
          if (d.status === status) found.push(d);
          return found.length >= limit;
        });
        return found;
      });

      api.post('/deliveries/:id/retry', write, async (req) => {
        const { id } = parse(s.deliveryParams, req.params, 'delivery id');
        if (!(await app.alerts.getDelivery(id))) throw new ApiError(404, 'no such delivery', [`no delivery "${id}"`]);
        const message = await retryDelivery(app, id);
        if (message.startsWith('✗')) throw new ApiError(409, 'cannot retry', [message.replace(/^✗ /, '')]);
        app.log.info({ delivery_id: id, role: req.role }, 'delivery retry requested from the dashboard');
        return { id, status: 'queued', message: message.replace(/^✓ /, '') };
      });

      api.get('/subscribers', async () => (await app.subscribers.list()).map(redact));

      api.get('/subscribers/:id', async (req) => {
        const { id } = parse(s.subscriberParams, req.params, 'subscriber id');
        const found = await app.subscribers.get(id);
        if (!found) throw new ApiError(404, 'no such subscriber', [`no subscriber "${id}"`]);
        return redact(found);
      });

      api.post('/subscribers', write, async (req, reply) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        if (typeof body === 'object' && 'secret_file' in body) {
          throw new ApiError(400, 'invalid subscriber', [{ path: 'secret_file', message: 'is for subscribers.yaml; send `secret`, or leave it out and marsad generates one' }]);
        }
        const entry = parse(s.subscriberBody, body, 'subscriber');
        const added = await app.subscribers.add(entry);
        app.log.info({ subscriber_id: added.id, channel: added.channel }, 'subscriber added from the dashboard');
        // A generated secret is shown this once; afterwards only `marsad subscribers secret ID` prints it.
        const generated = added.channel === 'webhook' && entry.channel === 'webhook' && entry.secret === null ? added.secret : undefined;
        return reply.code(201).send({ subscriber: redact(added), ...(generated ? { secret: generated } : {}) });
      });

      api.delete('/subscribers/:id', write, async (req, reply) => {
        const { id } = parse(s.subscriberParams, req.params, 'subscriber id');
        await app.subscribers.remove(id);
        app.log.info({ subscriber_id: id }, 'subscriber removed from the dashboard');
        return reply.code(204).send();
      });
    },
    { prefix: '/api' },
  );
}

/** The status code and body of an error from an API route (also used for the other routes' JSON errors). */
export function errorResponse(err: unknown): { statusCode: number; body: { error: string; details: unknown[] } } | null {
  if (err instanceof ApiError) return { statusCode: err.statusCode, body: { error: err.message, details: err.details } };
  if (err instanceof SubscriberError) {
    const statusCode = err.code === 'unknown' ? 404 : 409;
    return { statusCode, body: { error: err.code === 'unknown' ? 'no such subscriber' : 'conflict', details: [err.message] } };
  }
  const e = err as { statusCode?: number; code?: string; message?: string };
  // Fastify's and its plugins' own 4xx (bad JSON, body too large, unsupported media type, CSRF).
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const csrf = e.code?.startsWith('FST_CSRF_');
    return {
      statusCode: e.statusCode,
      body: csrf
        ? { error: 'missing or invalid CSRF token', details: ['send the token of GET /api/csrf (or the page) as the header x-csrf-token or the form field _csrf'] }
        : { error: e.message ?? 'bad request', details: e.code ? [e.code] : [] },
    };
  }
  return null;
}
