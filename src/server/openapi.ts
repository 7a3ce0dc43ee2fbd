import { z } from 'zod';
import { STANCES } from '../tagging/schema.js';
import type { apiSchemas } from './api-schemas.js';

type Schemas = ReturnType<typeof apiSchemas>;
type JsonSchema = Record<string, unknown>;

/** JSON Schema of what a client sends (zod's input side: before defaults and transforms). */
function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

/** An object schema's properties as OpenAPI parameters `in` the query or the path. */
function parameters(schema: z.ZodType, where: 'query' | 'path'): JsonSchema[] {
  const json = jsonSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

const json = (schema: JsonSchema, description: string) => ({ description, content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [String(c), json(ref('Error'), { 400: 'invalid input', 401: 'no valid token or session', 403: 'the read-only role, or a missing CSRF token', 404: 'not found', 409: 'conflict' }[c] ?? 'error')]),
  );
const anyObject = { type: 'object', additionalProperties: true };
const list = (items: JsonSchema) => ({ type: 'array', items });

/**
 * The OpenAPI 3.1 document of `/api/`, served at `/api/openapi.json`. Inputs come from the zod schemas the
 * routes validate with; the larger outputs are described by reference to the README's JSON contracts.
 */
export function buildOpenApi(s: Schemas): JsonSchema {
  const read = (summary: string, ok: JsonSchema, extra: JsonSchema = {}, errs: number[] = []) => ({ get: { summary, ...extra, responses: { 200: json(ok, 'OK'), ...errors(401, ...errs) } } });
  return {
    openapi: '3.1.0',
    info: {
      title: 'marsad API',
      version: '1',
      description:
        'Status, queues, feeds, articles, milestones, stories, alerts, deliveries and subscribers of marsad. Every route needs the operator or the read-only token (Authorization: Bearer TOKEN), or the session cookie of POST /login. Writes need the operator role; with the cookie they also need the CSRF token of GET /api/csrf in the x-csrf-token header.',
    },
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'MARSAD_DASHBOARD_TOKEN (operator) or MARSAD_DASHBOARD_READONLY_TOKEN (reader)' },
        session: { type: 'apiKey', in: 'cookie', name: 'marsad_session', description: 'set by POST /login' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'details'],
          properties: { error: { type: 'string' }, details: { type: 'array', items: {}, description: 'for invalid input: [{path, message}]' } },
        },
        ArticleSummary: {
          type: 'object',
          properties: {
            ...Object.fromEntries(['id', 'title', 'source', 'url', 'published', 'language', 'duplicateOf', 'firstSeen', 'stage'].map((k) => [k, { type: ['string', 'null'] }])),
            ...Object.fromEntries(['bases', 'topics', 'milestones'].map((k) => [k, list({ type: 'string' })])),
            baseline: { type: 'boolean' },
          },
        },
        Article: { ...anyObject, description: 'the article JSON of the README (marsad articles --json), with alsoReportedBy' },
        Evidence: {
          type: 'object',
          required: ['text', 'start', 'end', 'matches'],
          properties: {
            text: { type: 'string' },
            start: { type: 'integer' },
            end: { type: 'integer' },
            matches: list({ type: 'object', properties: { start: { type: 'integer' }, end: { type: 'integer' }, text: { type: 'string' }, term: { type: 'string' } } }),
          },
        },
        TimelineEntry: {
          type: 'object',
          description: 'one report of the milestone (the article\'s deciding mention); the required fields are a contract, others may be added',
          required: ['articleId', 'outlet', 'published', 'eventDate', 'stance', 'attribution', 'hedged', 'evidence'],
          properties: {
            articleId: { type: 'string', pattern: '^[0-9a-f]{16}$' },
            outlet: { type: ['string', 'null'] },
            published: { type: 'string', description: 'the report date (YYYY-MM-DD): published, else first seen' },
            eventDate: { type: ['string', 'null'], description: 'when the reported development happened (YYYY, YYYY-MM or YYYY-MM-DD), when the text dates it' },
            stance: { enum: [...STANCES] },
            attribution: { oneOf: [{ type: 'null' }, { type: 'object', required: ['who'], properties: { who: { type: 'string', description: 'an actor id of config/stance.yaml' }, quote: { type: 'string' } } }] },
            hedged: { type: 'boolean' },
            evidence: { oneOf: [{ type: 'null' }, ref('Evidence')] },
            targetDate: { type: ['string', 'null'], description: 'where a plan or stay points' },
            background: { type: 'boolean', description: 'only restates the agreement' },
            undated: { type: 'boolean', description: 'the article gives no date: published is when marsad first saw it; not counted for the status' },
            title: { type: ['string', 'null'] },
            url: { type: ['string', 'null'] },
            language: { type: 'string' },
            duplicateOf: { type: ['string', 'null'] },
          },
        },
        Milestone: {
          type: 'object',
          description: 'a milestone and its status from the reporting (marsad milestones --json); the required fields are a contract, others may be added',
          required: ['id', 'title', 'due', 'from', 'status', 'since', 'sources', 'contradictions', 'timeline'],
          properties: {
            id: { type: 'string' },
            title: { type: 'object', properties: { ar: { type: 'string' }, en: { type: 'string' } } },
            due: { type: 'string', description: 'YYYY-MM-DD or YYYY-MM' },
            from: { type: 'string', description: 'start of the window in which reporting counts (YYYY-MM-DD)' },
            status: { enum: [...STANCES, 'unreported'] },
            since: { type: ['string', 'null'], description: 'the first report (or dated event) of the current status' },
            sources: list({ type: 'object', properties: { outlet: { type: 'string' }, reports: { type: 'integer' }, attributions: list({ type: 'string' }), first: { type: 'string' } } }),
            contradictions: list({
              type: 'object',
              properties: {
                stance: { enum: [...STANCES] },
                against: { enum: [...STANCES] },
                reports: { type: 'integer' },
                outlets: list({ type: 'string' }),
                attributions: list({ type: 'string' }),
                articleIds: list({ type: 'string' }),
                first: { type: 'string' },
                last: { type: 'string' },
              },
            }),
            timeline: { ...list(ref('TimelineEntry')), description: 'reports in the window, oldest first (history apart: counts.history)' },
            firstBy: { type: ['string', 'null'], description: 'an actor id, else the outlet' },
            counts: { type: 'object', additionalProperties: { type: 'integer' }, description: 'reports per stance, and history, background and undated' },
            summary: { type: 'object', properties: { en: { type: 'string' }, ar: { type: 'string' } } },
            pastDue: { type: 'boolean' },
          },
        },
        StoryJoin: {
          type: 'object',
          description: 'how an article joined its story: the report it links to and why',
          required: ['kind', 'with', 'withTitle', 'reasons'],
          properties: {
            kind: { enum: ['first', 'reprint', 'same-event'], description: 'first: the oldest report; reprint: the same report republished; same-event: its own report of the event' },
            with: { type: ['string', 'null'], description: 'the article it links to (null for first)' },
            withTitle: { type: ['string', 'null'] },
            reasons: list({ type: 'string', description: 'a concept both leads name (base:ain-al-asad, place:anbar, event:convoy, actor:…, number:60, milestone:… (stance), speaker:…) or the text overlap of a reprint' }),
            score: { type: 'number', description: 'same event: the weight of what they share' },
            jaccard: { type: 'number', description: 'reprint: Jaccard of the word 3-shingles' },
            containment: { type: 'number', description: 'reprint: share of the shorter text in the longer' },
            later: { type: 'boolean', description: 'with is a later report (an article linked to no earlier one)' },
          },
        },
        Story: {
          type: 'object',
          description: 'one event reported across outlets and languages (marsad stories --json); the required fields are a contract, others may be added',
          required: ['id', 'title', 'languages', 'outlets', 'firstReport', 'latestReport', 'milestones', 'articles'],
          properties: {
            id: { type: 'string', pattern: '^st-[0-9a-f]{16}$', description: 'st- and the smallest article id among its members' },
            title: { type: ['string', 'null'], description: 'the title of its earliest original (not a reprint)' },
            languages: list({ type: 'string' }),
            outlets: list({ type: 'string' }),
            firstReport: { type: 'string', description: 'ISO 8601: the earliest published (else first seen) of its articles' },
            latestReport: { type: 'string', description: 'ISO 8601: the latest published (else first seen)' },
            milestones: list({
              type: 'object',
              required: ['id', 'stance'],
              properties: { id: { type: 'string' }, stance: { enum: [...STANCES], description: 'of its most recent report on the milestone that is not history' }, stances: list({ enum: [...STANCES] }) },
            }),
            articles: {
              ...list({
                type: 'object',
                required: ['id', 'title', 'source', 'url', 'language', 'published', 'duplicateOf', 'joined'],
                properties: {
                  id: { type: 'string', pattern: '^[0-9a-f]{16}$' },
                  ...Object.fromEntries(['title', 'source', 'url', 'published', 'duplicateOf'].map((k) => [k, { type: ['string', 'null'] }])),
                  language: { type: 'string' },
                  joined: ref('StoryJoin'),
                  firstSeen: { type: 'string' },
                  links: list(ref('StoryJoin')),
                },
              }),
              description: 'oldest first',
            },
          },
        },
        Subscriber: { ...anyObject, description: 'a subscriber as in subscribers.yaml, webhook secret masked (whsec_…abcd)' },
        Delivery: { ...anyObject, description: 'id, subscriberId, channel, alertIds, digest, status, attempts, lastError, lastResponse, createdAt, updatedAt, sentAt' },
      },
    },
    paths: {
      '/api/status': read('marsad status, with feeds by status, the alert count and deliveries by status', anyObject),
      '/api/queues': read('per queue: waiting, prioritized, active, delayed, completed, failed, workers, oldestWaitingSeconds', anyObject),
      '/api/feeds': read('each feed of feeds.yaml with its poll state', list(anyObject)),
      '/api/articles': read(
        'articles, newest first, filtered; pass nextCursor back as cursor for the next page (null: no more)',
        { type: 'object', required: ['items', 'nextCursor'], properties: { items: list(ref('ArticleSummary')), nextCursor: { type: ['string', 'null'] } } },
        { parameters: parameters(s.articlesQuery, 'query') },
        [400],
      ),
      '/api/articles/{id}': read('one article with its clean text, tags with evidence and alsoReportedBy', ref('Article'), { parameters: parameters(s.articleParams, 'path') }, [400, 404]),
      '/api/milestones': read('each milestone with its status from the reporting (status, since, sources, contradictions, summary) and its timeline: marsad milestones --json', list(ref('Milestone'))),
      '/api/milestones/{id}': read('one milestone, as in /api/milestones', ref('Milestone'), { parameters: parameters(s.milestoneParams, 'path') }, [400, 404]),
      '/api/stories': read(
        'the stories of the newest reporting (on one milestone, when given), newest first by latest report: marsad stories --json',
        list(ref('Story')),
        { parameters: parameters(s.storiesQuery, 'query') },
        [400],
      ),
      '/api/stories/{id}': read('one story, as in /api/stories (a story id retired by a merge gives the story it is part of now)', ref('Story'), { parameters: parameters(s.storyParams, 'path') }, [400, 404]),
      '/api/alerts': read('the alert log, newest first, with each story\'s reprints', list(anyObject), { parameters: parameters(s.listQuery, 'query') }, [400]),
      '/api/deliveries': read('delivery records, newest first', list(ref('Delivery')), { parameters: parameters(s.deliveriesQuery, 'query') }, [400]),
      '/api/deliveries/{id}/retry': {
        post: {
          summary: 'put a dead or failed delivery back on the queue (operator)',
          parameters: parameters(s.deliveryParams, 'path'),
          responses: { 200: json({ type: 'object', properties: { id: { type: 'string' }, status: { const: 'queued' }, message: { type: 'string' } } }, 'queued again'), ...errors(400, 401, 403, 404, 409) },
        },
      },
      '/api/subscribers': {
        ...read('every subscriber, secrets masked', list(ref('Subscriber'))),
        post: {
          summary: 'add a subscriber (operator); a generated webhook secret is returned this once',
          requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(s.subscriberBody) } } },
          responses: {
            201: json({ type: 'object', required: ['subscriber'], properties: { subscriber: ref('Subscriber'), secret: { type: 'string' } } }, 'added'),
            ...errors(400, 401, 403, 409),
          },
        },
      },
      '/api/subscribers/{id}': {
        ...read('one subscriber, secret masked', ref('Subscriber'), { parameters: parameters(s.subscriberParams, 'path') }, [404]),
        delete: {
          summary: 'remove a subscriber added through the CLI or the API (operator); those of subscribers.yaml are removed there',
          parameters: parameters(s.subscriberParams, 'path'),
          responses: { 204: { description: 'removed' }, ...errors(401, 403, 404, 409) },
        },
      },
      '/api/csrf': read('a CSRF token for cookie sessions (send it as x-csrf-token)', { type: 'object', properties: { token: { type: 'string' } } }),
      '/api/openapi.json': read('this document', anyObject),
    },
  };
}
