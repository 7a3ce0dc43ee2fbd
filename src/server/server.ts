import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import type { App } from '../app.js';
import { verifyUnsubscribeToken } from '../alerts/unsubscribe.js';
import { SubscriberError } from '../subscribers/registry.js';
import { errorResponse, registerApi } from './api.js';
import { registerAuth } from './auth.js';
import { registerMetrics } from './metrics.js';
import { readiness, redisUnavailable } from '../ops/readiness.js';
import { isRedisOutOfMemory } from '../redis/errors.js';
import { registerPages } from './pages.js';

/** What `marsad run` and `marsad dashboard` check before they start this server (they load this module lazily). */
export { isLoopbackHost } from './auth.js';

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** /readyz answers within a second whatever Redis does (an orchestrator's probe gives up at 1 s). */
const READYZ_DEADLINE_MS = 900;
/** Routes that never need Redis: they answer while it is down. */
const WITHOUT_REDIS = new Set(['/healthz', '/readyz', '/login', '/logout']);
/** What a client is told to wait before trying again while Redis is unavailable. */
const REDIS_RETRY_AFTER_SECONDS = 5;

/** How often the server checks that Redis answers at all. */
const PING_EVERY_MS = 1_000;

/**
 * A frozen Redis (stopped, swapping, a network black hole) keeps its connection open: ioredis still says
 * 'ready' and every command waits. A PING every second tells: when one has gone unanswered for longer
 * than that, requests are refused at once with the reason.
 */
function watchRedisAnswers(redis: App['redis']): { unanswered(): string | null; stop(): void } {
  let pendingSince: number | null = null;
  const timer = setInterval(() => {
    if (pendingSince !== null || redis.status !== 'ready') return;
    pendingSince = Date.now();
    void redis
      .ping()
      .catch(() => {})
      .finally(() => (pendingSince = null));
  }, PING_EVERY_MS);
  timer.unref();
  return {
    unanswered: () => (pendingSince !== null && Date.now() - pendingSince > PING_EVERY_MS ? `Redis has not answered a PING for ${((Date.now() - pendingSince) / 1000).toFixed(1)} s` : null),
    stop: () => clearInterval(timer),
  };
}

/** A Redis that is down, frozen or full, as ioredis reports it on a command: not the request's fault. */
function redisFailure(err: unknown): string | null {
  const e = err as { name?: string; message?: string; code?: string };
  const message = e.message ?? '';
  if (e.name === 'MaxRetriesPerRequestError' || /^(Connection is closed|Stream isn't writeable|Command timed out)/.test(message) || /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE)$/.test(e.code ?? '')) {
    return `Redis is unavailable: ${message}`;
  }
  if (isRedisOutOfMemory(err)) return 'Redis is out of memory (maxmemory reached) and refused a write';
  return null;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.6}</style></head>
<body>${body}</body></html>`;
}

/**
 * marsad's HTTP server: the dashboard pages, the JSON API under /api/, /metrics, health for
 * orchestrators, and the one-click unsubscribe endpoint that alert emails link to (RFC 8058: a POST with
 * `List-Unsubscribe=One-Click`; a GET shows a confirm button, because mail scanners follow links and must
 * not unsubscribe anyone). Auth: see auth.ts; it refuses to start on a non-loopback host without a token.
 */
export async function createServer(app: App): Promise<FastifyInstance> {
  const server = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  await server.register(formbody);
  await server.register(helmet, {
    // Nonces (reply.cspNonce) let the pages carry their own inline script and style and nothing injected.
    enableCSPNonces: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    // Operators often reach the dashboard over plain HTTP on a private network: no HSTS, no upgrades.
    strictTransportSecurity: false,
    // No framing at all (README): helmet's default is SAMEORIGIN.
    xFrameOptions: { action: 'deny' },
  });
  const ctx = await registerAuth(server, app);
  const key = await app.unsubscribeKey();

  // While Redis is down a request fails at once, 503 with the reason, instead of waiting on reconnects.
  redisUnavailable(app.redis);
  const answers = watchRedisAnswers(app.redis);
  server.addHook('onClose', async () => answers.stop());
  server.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === undefined || WITHOUT_REDIS.has(route) || route.startsWith('/assets/')) return;
    const down = redisUnavailable(app.redis) ?? answers.unanswered();
    if (down) return reply.code(503).header('retry-after', String(REDIS_RETRY_AFTER_SECONDS)).send({ error: 'Redis is unavailable', details: [down] });
  });

  server.setErrorHandler((err, request, reply) => {
    const known = errorResponse(err);
    if (known) return reply.code(known.statusCode).send(known.body);
    const redis = redisFailure(err);
    if (redis) {
      app.log.warn({ err: (err as Error).message, method: request.method, url: request.url.split('?')[0] }, 'http request failed: Redis unavailable');
      return reply.code(503).header('retry-after', String(REDIS_RETRY_AFTER_SECONDS)).send({ error: 'Redis is unavailable', details: [redis] });
    }
    app.log.error({ err: (err as Error).message, method: request.method, url: request.url.split('?')[0] }, 'http request failed');
    return reply.code(500).send({ error: 'internal error', details: [] });
  });
  server.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not found', details: [`no route ${request.method} ${request.url.split('?')[0]}`] }));

  server.get('/healthz', async () => ({ status: 'ok' }));
  server.get('/readyz', async (_req, reply) => {
    const frozen = answers.unanswered();
    if (frozen) return reply.code(503).send({ status: 'unavailable', reasons: [frozen], maxmemoryPolicy: 'unknown', notes: [] });
    const { ready, reasons, maxmemoryPolicy, notes } = await readiness(app, READYZ_DEADLINE_MS);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', reasons, maxmemoryPolicy, notes });
  });

  server.get<{ Params: { token: string } }>('/unsubscribe/:token', async (req, reply) => {
    const id = verifyUnsubscribeToken(key, req.params.token);
    reply.headers(PAGE_HEADERS);
    if (!id) return reply.code(404).send(page('رابط غير صالح', '<p>This unsubscribe link is not valid. / رابط إلغاء الاشتراك غير صالح.</p>'));
    return page(
      'إلغاء الاشتراك',
      `<p>Stop marsad alerts to this address? / إيقاف تنبيهات مرصد لهذا العنوان؟</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe / إلغاء الاشتراك</button></form>`,
    );
  });

  server.post<{ Params: { token: string } }>('/unsubscribe/:token', async (req, reply) => {
    const id = verifyUnsubscribeToken(key, req.params.token);
    reply.headers(PAGE_HEADERS);
    if (!id) return reply.code(404).send(page('رابط غير صالح', '<p>This unsubscribe link is not valid.</p>'));
    try {
      await app.subscribers.disable(id, 'unsubscribed by the recipient (one-click link)');
    } catch (err) {
      if (!(err instanceof SubscriberError)) throw err;
      // Already removed: unsubscribing twice is still a success for the recipient.
    }
    app.log.info({ subscriber_id: id }, 'unsubscribed');
    return page('تم إلغاء الاشتراك', '<p>You will receive no more alerts. / لن تصلك تنبيهات أخرى.</p>');
  });

  await registerApi(server, ctx);
  await registerMetrics(server, ctx);
  await registerPages(server, ctx);
  return server;
}
