import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENT_STAGES, STAGES } from '../../src/queues/names.js';
import { SLOW_TEST_MS } from '../support/limits.js';
import { bearer, OPERATOR_TOKEN, putDelivery, READER_TOKEN, startDashboard, type Dashboard } from './api-harness.js';

let d: Dashboard;
const get = async (path: string, token = READER_TOKEN) => {
  const res = await fetch(`${d.base}${path}`, { headers: bearer(token) });
  return { status: res.status, body: (await res.json()) as any };
};
const send = async (method: string, path: string, body: unknown, token = OPERATOR_TOKEN) => {
  const json = body === undefined ? {} : { headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(`${d.base}${path}`, { method, headers: bearer(token), ...json });
  return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as any) };
};

beforeAll(async () => {
  d = await startDashboard('api-data', { workers: DOCUMENT_STAGES, seed: true });
  await putDelivery(d.app, 'dl-00000000000000d1', 'dead');
  await putDelivery(d.app, 'dl-00000000000000d2', 'sent');
}, SLOW_TEST_MS);
afterAll(async () => d?.close());

describe('status, queues, feeds', () => {
  it('GET /api/status: marsad status with feeds, alerts and deliveries', async () => {
    const { status, body } = await get('/api/status');
    expect(status).toBe(200);
    expect(body.articles).toBe(5);
    expect(Object.keys(body.queues)).toEqual([...STAGES]);
    expect(body.feeds).toMatchObject({ total: d.app.config.feeds.length, byStatus: { 'never polled': d.app.config.feeds.length } });
    expect(body.alerts).toBeGreaterThanOrEqual(0);
    expect(body.deliveries).toMatchObject({ total: 2, dead: 1, byStatus: { dead: 1, sent: 1, pending: 0 } });
  });

  it('GET /api/queues: counts, workers and the oldest waiting job per queue', async () => {
    const { body } = await get('/api/queues');
    expect(body.clean).toMatchObject({ waiting: 0, active: 0, completed: 5, workers: 1, oldestWaitingSeconds: null });
    expect(body.fetch.workers).toBe(0);
  });

  it('GET /api/feeds: every feed of feeds.yaml', async () => {
    const { body } = await get('/api/feeds');
    expect(body.map((f: { id: string }) => f.id)).toEqual(d.app.config.feeds.map((f) => f.id));
  });
});

describe('articles', () => {
  it('pages with limit and cursor, newest first, without overlap', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    const pages: number[] = [];
    do {
      const { status, body }: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await get(`/api/articles?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(status).toBe(200);
      pages.push(body.items.length);
      seen.push(...body.items.map((a) => a.id));
      cursor = body.nextCursor;
    } while (cursor !== null);
    expect(pages).toEqual([2, 2, 1]);
    expect(new Set(seen).size).toBe(5);
    expect(seen).toEqual(await d.app.store.listArticleIds({}, 0));
  });

  it('filters by base, topic, milestone, language and outlet', async () => {
    const all = (await get('/api/articles?limit=100')).body.items as { id: string; bases: string[]; topics: string[]; milestones: string[]; language: string; source: string | null }[];
    const base = all.flatMap((a) => a.bases)[0]!;
    const byBase = (await get(`/api/articles?base=${base}`)).body.items as typeof all;
    expect(byBase.length).toBeGreaterThan(0);
    expect(byBase.every((a) => a.bases.includes(base))).toBe(true);
    const milestone = all.flatMap((a) => a.milestones)[0]!;
    const both = (await get(`/api/articles?milestone=${milestone}&base=${base}`)).body.items as typeof all;
    expect(both.map((a) => a.id)).toEqual(all.filter((a) => a.milestones.includes(milestone) && a.bases.includes(base)).map((a) => a.id));
    for (const language of ['ar', 'en']) {
      const items = (await get(`/api/articles?language=${language}`)).body.items as typeof all;
      expect(items.map((a) => a.id)).toEqual(all.filter((a) => a.language === language).map((a) => a.id));
    }
    const outlet = all.find((a) => a.source)!.source!;
    const byOutlet = (await get(`/api/articles?outlet=${encodeURIComponent(outlet.toUpperCase())}`)).body.items as typeof all;
    expect(byOutlet.map((a) => a.id)).toEqual(all.filter((a) => a.source === outlet).map((a) => a.id));
  });

  it('answers 400 with details for bad input', async () => {
    for (const [query, path] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=two', 'limit'],
      ['base=atlantis', 'base'],
      ['milestone=moon-exit', 'milestone'],
      ['language=fr', 'language'],
      ['cursor=abc', 'cursor'],
      ['bases=harir', ''],
    ] as const) {
      const { status, body } = await get(`/api/articles?${query}`);
      expect(status, query).toBe(400);
      expect(body.error).toBe('invalid query');
      expect(body.details, query).toContainEqual(expect.objectContaining({ path, message: expect.any(String) }));
    }
    const unknown = await get('/api/articles?base=atlantis');
    expect(unknown.body.details[0].message).toMatch(/unknown base "atlantis"; known: .*harir/);
  });

  it('GET /api/articles/:id: the article with alsoReportedBy; 404 and 400 as JSON', async () => {
    const [id] = await d.app.store.listArticleIds({}, 1);
    const { status, body } = await get(`/api/articles/${id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id, text: expect.any(String), alsoReportedBy: expect.any(Array), tags: { bases: expect.any(Array) } });
    expect(await get('/api/articles/0123456789abcdef')).toMatchObject({ status: 404, body: { error: 'no such article' } });
    expect((await get('/api/articles/not-an-id')).status).toBe(400);
  });
});

describe('milestones, alerts, deliveries', () => {
  it('GET /api/milestones: each milestone with its status and timeline (marsad milestones --json)', async () => {
    const { body } = await get('/api/milestones');
    expect(body.map((m: { id: string }) => m.id)).toEqual(d.app.config.milestones.milestones.map((m) => m.id));
    const reported = body.filter((m: { timeline: unknown[] }) => m.timeline.length > 0);
    expect(reported.length).toBeGreaterThan(0);
    for (const m of reported) {
      expect(m).toMatchObject({ title: { en: expect.any(String) }, due: expect.any(String), from: expect.any(String), status: expect.any(String), sources: expect.any(Array), contradictions: expect.any(Array) });
      expect(m.timeline[0]).toMatchObject({ articleId: expect.stringMatching(/^[0-9a-f]{16}$/), published: expect.any(String), stance: expect.any(String), hedged: expect.any(Boolean) });
    }
    expect((await get(`/api/milestones/${reported[0].id}`)).body).toEqual(reported[0]);
    expect((await get('/api/milestones/moon-exit')).status).toBe(404);
  });

  it('GET /api/alerts and /api/deliveries with a status filter', async () => {
    expect((await get('/api/alerts?limit=5')).status).toBe(200);
    expect((await get('/api/deliveries')).body.map((x: { id: string }) => x.id).sort()).toEqual(['dl-00000000000000d1', 'dl-00000000000000d2']);
    expect((await get('/api/deliveries?status=dead')).body.map((x: { id: string }) => x.id)).toEqual(['dl-00000000000000d1']);
    expect((await get('/api/deliveries?status=sent')).body.map((x: { id: string }) => x.id)).toEqual(['dl-00000000000000d2']);
    expect((await get('/api/deliveries?status=lost')).status).toBe(400);
  });

  it('POST /api/deliveries/:id/retry: 404 for an unknown one, 409 for one already sent', async () => {
    expect((await send('POST', '/api/deliveries/dl-00000000000000ff/retry', {})).status).toBe(404);
    const sent = await send('POST', '/api/deliveries/dl-00000000000000d2/retry', {});
    expect(sent.status).toBe(409);
    expect(sent.body.details[0]).toMatch(/sent, nothing to retry/);
  });
});

describe('subscribers', () => {
  it('creates a webhook with a generated secret shown once, lists it masked, deletes it', async () => {
    const created = await send('POST', '/api/subscribers', { id: 'ops-hook', channel: 'webhook', url: 'https://hooks.example.org/marsad', filters: { bases: ['harir'] } });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    expect(created.body.subscriber.secret).not.toBe(created.body.secret);
    const list = await get('/api/subscribers');
    const listed = list.body.find((s: { id: string }) => s.id === 'ops-hook');
    expect(listed).toMatchObject({ channel: 'webhook', managedBy: 'api', filters: { bases: ['harir'] }, secret: expect.stringMatching(/^whsec_…/) });
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);
    expect((await get('/api/subscribers/ops-hook')).body.secret).toBe(listed.secret);
    expect((await send('POST', '/api/subscribers', { id: 'ops-hook', channel: 'email', email: 'ops@example.org' })).status).toBe(409);
    expect((await send('DELETE', '/api/subscribers/ops-hook', undefined)).status).toBe(204);
    expect((await get('/api/subscribers/ops-hook')).status).toBe(404);
    expect((await send('DELETE', '/api/subscribers/ops-hook', undefined)).status).toBe(404);
  });

  it('validates the body like subscribers.yaml, and refuses secret_file', async () => {
    const bad = await send('POST', '/api/subscribers', { id: 'Bad Id', channel: 'webhook', url: 'ftp://x', filters: { milestones: ['moon-exit'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((x: { path: string }) => x.path)).toEqual(expect.arrayContaining(['id', 'url']));
    const unknown = await send('POST', '/api/subscribers', { id: 'desk', channel: 'email', email: 'desk@example.org', filters: { milestones: ['moon-exit'] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toContainEqual({ path: 'filters.milestones.0', message: expect.stringContaining('moon-exit') });
    expect((await send('POST', '/api/subscribers', { id: 'desk', channel: 'webhook', url: 'https://x.example', secret_file: '/etc/passwd' })).status).toBe(400);
    expect((await send('POST', '/api/subscribers', { id: 'desk', channel: 'email', email: 'desk@example.org' }, READER_TOKEN)).status).toBe(403);
  });
});

it('GET /api/openapi.json: an OpenAPI 3.1 document of every route', async () => {
  const res = await fetch(`${d.base}/api/openapi.json`, { headers: bearer(READER_TOKEN) });
  const doc = JSON.parse(await res.text());
  expect(doc.openapi).toBe('3.1.0');
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining([
      '/api/status',
      '/api/queues',
      '/api/feeds',
      '/api/articles',
      '/api/articles/{id}',
      '/api/milestones',
      '/api/milestones/{id}',
      '/api/alerts',
      '/api/deliveries',
      '/api/deliveries/{id}/retry',
      '/api/subscribers',
      '/api/subscribers/{id}',
    ]),
  );
  const limit = doc.paths['/api/articles'].get.parameters.find((p: { name: string }) => p.name === 'limit');
  expect(limit).toMatchObject({ in: 'query', schema: { type: 'integer', maximum: 100 } });
  expect(doc.paths['/api/articles'].get.parameters.find((p: { name: string }) => p.name === 'base').schema.enum).toContain('harir');
  expect(doc.paths['/api/subscribers'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('channel');
});
