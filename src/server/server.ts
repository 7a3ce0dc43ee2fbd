import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import type { App } from '../app.js';
import { verifyUnsubscribeToken } from '../alerts/unsubscribe.js';
import { SubscriberError } from '../subscribers/registry.js';

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function page(title: string, body: string): string {
  return `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.6}</style></head>
<body>${body}</body></html>`;
}

/**
 * marsad's HTTP server: health for orchestrators and the one-click unsubscribe endpoint that alert
 * emails link to (RFC 8058: a POST with `List-Unsubscribe=One-Click`; a GET shows a confirm button,
 * because mail scanners follow links and must not unsubscribe anyone).
 */
export async function createServer(app: App): Promise<FastifyInstance> {
  const server = Fastify({ logger: false, bodyLimit: 16 * 1024 });
  await server.register(formbody);
  const key = app.unsubscribeKey;

  server.get('/healthz', async () => ({ status: 'ok' }));
  server.get('/readyz', async (_req, reply) => {
    try {
      await app.redis.ping();
      return { status: 'ready' };
    } catch (err) {
      return reply.code(503).send({ status: 'unavailable', reason: `Redis: ${(err as Error).message}` });
    }
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

  return server;
}
