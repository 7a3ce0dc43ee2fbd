import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openApp, type App } from '../../src/app.js';
import { unsubscribeToken } from '../../src/alerts/unsubscribe.js';
import { createLogger } from '../../src/log.js';
import { createServer } from '../../src/server/server.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';

let app: App;
let server: FastifyInstance;
let base: string;
let url: string;
let prefix: string;

beforeAll(async () => {
  url = testRedisUrl();
  prefix = testPrefix('unsubscribe');
  const env = { ...process.env, REDIS_URL: url, MARSAD_PREFIX: prefix, MARSAD_LOG_LEVEL: 'silent' };
  app = await openApp({ log: createLogger(env), env });
  await app.subscribers.add({
    id: 'desk',
    channel: 'email',
    email: 'desk@example.org',
    filters: { milestones: [], bases: [], topics: [], languages: [], outlets: [] },
    on: 'report',
    mode: 'immediate',
    digest: null,
    rateLimit: null,
  });
  server = await createServer(app);
  base = await server.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server?.close();
  await app?.close();
  if (url) await deleteKeys(url, prefix);
});

it('a GET shows a confirm button and changes nothing (mail scanners follow links)', async () => {
  const res = await fetch(`${base}/unsubscribe/${unsubscribeToken(await app.unsubscribeKey(), 'desk')}`);
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('<form method="post">');
  expect((await app.subscribers.get('desk'))!.disabled).toBeNull();
});

it('the one-click POST (RFC 8058) stops alerts to that subscriber', async () => {
  const res = await fetch(`${base}/unsubscribe/${unsubscribeToken(await app.unsubscribeKey(), 'desk')}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  expect(res.status).toBe(200);
  expect((await app.subscribers.get('desk'))!.disabled).toMatchObject({ reason: expect.stringContaining('unsubscribed') });
});

it('refuses a forged or damaged token', async () => {
  const forged = unsubscribeToken(Buffer.from('another key'), 'desk');
  for (const token of [forged, 'not-a-token', `${unsubscribeToken(await app.unsubscribeKey(), 'desk')}x`]) {
    const res = await fetch(`${base}/unsubscribe/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status, token).toBe(404);
  }
});

it('answers health checks', async () => {
  expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
  // No worker serves this test's queues: /readyz says so (tests/integration/metrics-readyz.test.ts covers it).
  const ready = await fetch(`${base}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({ status: 'unavailable', reasons: expect.arrayContaining(['queue clean: no worker attached']) });
});
