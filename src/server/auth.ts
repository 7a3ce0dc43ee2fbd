import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../app.js';
import type { AuthMethod, Role, ServerContext } from './context.js';
import { LoginThrottle } from './login-throttle.js';
import { esc, layout } from './views/html.js';

export const SESSION_COOKIE = 'marsad_session';
/** A login lasts this long; rotating the tokens ends every session at once (the cookie key derives from them). */
const SESSION_SECONDS = 12 * 3600;
/** Without a token, marsad serves only these: nobody else can reach the port. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1']);
/** Routes anyone may reach; static assets are `/assets/*` or routes with `config: { public: true }`. */
const PUBLIC_ROUTES = new Set(['/healthz', '/readyz', '/login', '/unsubscribe/:token']);

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** Constant time in the content and the length of the guess: equal-length digests are compared. */
function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host);
}

function isPublicRoute(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return request.routeOptions.config.public === true || (route !== undefined && (PUBLIC_ROUTES.has(route) || route.startsWith('/assets/')));
}

/** A local path to return to after login; anything else (another origin, `//host`) goes to `/`. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

function wantsHtml(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0]!;
  return request.method === 'GET' && !path.startsWith('/api/') && path !== '/metrics' && (request.headers.accept ?? '').includes('text/html');
}

/**
 * The CSRF check for requests a browser may have been tricked into sending (cookie or open sessions);
 * Bearer requests pass (a browser never adds that header by itself). On failure it has answered 403.
 */
export function csrfPasses(server: FastifyInstance, request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.authMethod === 'bearer') return true;
  let passed = false;
  // Synchronous: on failure it has sent its 403 (through the error handler) instead of calling back.
  server.csrfProtection(request, reply, () => {
    passed = true;
  });
  return passed;
}

const LoginBody = z.object({ token: z.string().max(1024).default(''), next: z.string().max(2048).optional() });

/**
 * Tokens, sessions, CSRF and the login form. The operator token (`MARSAD_DASHBOARD_TOKEN`) gives the role
 * `operator`, the optional `MARSAD_DASHBOARD_READONLY_TOKEN` the role `reader`, either as
 * `Authorization: Bearer …` or through `POST /login`, which sets a signed, HttpOnly, SameSite=Strict cookie.
 * With no token configured the server starts only on a loopback host, and then treats every request as
 * the operator's (anyone who can reach 127.0.0.1 can run the CLI anyway); it refuses any other host.
 */
export async function registerAuth(server: FastifyInstance, app: App): Promise<ServerContext> {
  const { token, readonlyToken } = app.config.dashboard;
  const open = token === null;
  const host = app.config.settings.http.host;
  if (open) {
    if (!isLoopbackHost(host)) {
      throw new Error(`refusing to serve the dashboard on ${host} without a token: set MARSAD_DASHBOARD_TOKEN (or MARSAD_DASHBOARD_TOKEN_FILE), or bind to 127.0.0.1`);
    }
    app.log.warn({ host }, 'MARSAD_DASHBOARD_TOKEN is not set: every request to this loopback-only dashboard acts as the operator');
  }

  // Cookies are signed with a key derived from the tokens, so every dashboard process checks the same
  // sessions and a new token ends the old ones. Without tokens (loopback only) a per-process key will do.
  const cookieKey = open ? randomBytes(32) : createHmac('sha256', 'marsad dashboard cookies').update(`${token}\0${readonlyToken ?? ''}`).digest();
  await server.register(cookie, { secret: cookieKey });
  await server.register(csrf, {
    cookieKey: 'marsad_csrf',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, signed: true, secure: 'auto' },
    getToken: (req) => {
      const body = req.body as { _csrf?: unknown } | undefined;
      const header = req.headers['x-csrf-token'];
      return typeof body?._csrf === 'string' ? body._csrf : typeof header === 'string' ? header : undefined;
    },
  });

  const throttle = new LoginThrottle();
  const tooMany = (waitMs: number) => {
    const seconds = Math.ceil(waitMs / 1000);
    return { seconds, why: `too many wrong tokens from this address: try again in ${seconds} s` };
  };
  /** The role of a token from this client, counting wrong ones; 'locked' while the address must wait. */
  const guess = (request: FastifyRequest, given: string): Role | null | { lockedMs: number } => {
    const now = Date.now();
    const waitMs = throttle.waitMs(request.ip, now);
    if (waitMs > 0) return { lockedMs: waitMs };
    const role = roleOf(given);
    if (role !== null) {
      throttle.succeed(request.ip);
      return role;
    }
    const lockMs = throttle.fail(request.ip, now);
    if (lockMs > 0) {
      app.log.warn({ ip: request.ip, locked_seconds: Math.ceil(lockMs / 1000) }, 'dashboard: too many wrong tokens from this address, locked out');
      return { lockedMs: lockMs };
    }
    return null;
  };

  const roleOf = (given: string): Role | null => {
    // Both compared every time, so the timing does not tell which one matched.
    const operator = token !== null && sameSecret(given, token);
    const reader = readonlyToken !== null && sameSecret(given, readonlyToken);
    return operator ? 'operator' : reader ? 'reader' : null;
  };

  const sessionRole = (request: FastifyRequest): Role | null => {
    const raw = request.cookies[SESSION_COOKIE];
    if (!raw) return null;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || unsigned.value === null) return null;
    const [role, expires] = unsigned.value.split('.');
    if (Number(expires) * 1000 < Date.now()) return null;
    return role === 'operator' || role === 'reader' ? role : null;
  };

  server.decorateRequest('role', null);
  server.decorateRequest('authMethod', null);
  server.addHook('onRequest', async (request, reply) => {
    let method: AuthMethod | null = null;
    let role: Role | null = null;
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      const guessed = m ? guess(request, m[1]!) : null;
      if (guessed !== null && typeof guessed === 'object') {
        const { seconds, why } = tooMany(guessed.lockedMs);
        return reply.code(429).header('retry-after', String(seconds)).send({ error: 'too many wrong tokens', details: [why] });
      }
      role = guessed;
      // A wrong token is refused, not passed over for the cookie: the client meant to use it.
      if (role === null && !isPublicRoute(request)) return deny(request, reply, 'the Bearer token is not valid');
      method = role && 'bearer';
    } else if ((role = sessionRole(request))) {
      method = 'session';
    } else if (open) {
      role = 'operator';
      method = 'open';
    }
    request.role = role;
    request.authMethod = method;
    if (role === null && !isPublicRoute(request)) return deny(request, reply, 'send Authorization: Bearer TOKEN, or log in at /login');
  });

  const deny = (request: FastifyRequest, reply: FastifyReply, why: string) => {
    if (wantsHtml(request)) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
    return reply.code(401).header('www-authenticate', 'Bearer realm="marsad"').send({ error: 'unauthorized', details: [why] });
  };

  const checkCsrf = (request: FastifyRequest, reply: FastifyReply): boolean => csrfPasses(server, request, reply);

  const requireOperator: ServerContext['requireOperator'] = async (request, reply) => {
    if (request.role !== 'operator') {
      return reply.code(403).send({ error: 'forbidden', details: ['this needs the operator token; the read-only token can only look'] });
    }
    if (!checkCsrf(request, reply)) return reply;
  };

  const loginPage = (reply: FastifyReply, next: string, problem: string | null) =>
    reply.type('text/html; charset=utf-8').send(
      layout({
        title: 'marsad: log in',
        nonce: reply.cspNonce,
        body: `<main><h2>Log in <span lang="ar" dir="rtl">تسجيل الدخول</span></h2>
${problem ? `<p class="flag bad" role="alert">${esc(problem)}</p>` : ''}
<form method="post" action="/login"><input type="hidden" name="_csrf" value="${esc(reply.generateCsrf())}"><input type="hidden" name="next" value="${esc(next)}">
<label>Dashboard token <span lang="ar" dir="rtl">رمز لوحة التحكم</span><br><input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Log in / دخول</button></form></main>`,
      }),
    );

  server.get<{ Querystring: { next?: string } }>('/login', async (request, reply) => {
    const next = safeNext(request.query.next);
    if (open) return reply.redirect(next, 303);
    return loginPage(reply, next, null);
  });

  // The login form carries a CSRF token too, so another site cannot log a browser into its own session.
  server.post('/login', async (request, reply) => {
    if (!checkCsrf(request, reply)) return reply;
    const body = LoginBody.safeParse(request.body ?? {});
    const next = safeNext(body.success ? body.data.next : undefined);
    const guessed = body.success ? guess(request, body.data.token) : null;
    if (guessed !== null && typeof guessed === 'object') {
      const { seconds, why } = tooMany(guessed.lockedMs);
      return loginPage(reply.code(429).header('retry-after', String(seconds)), next, `${why}. / محاولات خاطئة كثيرة من هذا العنوان: حاول بعد ${seconds} ثانية.`);
    }
    const role = guessed;
    if (role === null) {
      app.log.warn({ ip: request.ip }, 'dashboard login with a wrong token');
      return loginPage(reply.code(401), next, 'That token is not valid. / الرمز غير صالح.');
    }
    reply.setCookie(SESSION_COOKIE, `${role}.${Math.floor(Date.now() / 1000) + SESSION_SECONDS}`, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: 'auto',
      signed: true,
      maxAge: SESSION_SECONDS,
    });
    return reply.redirect(next, 303);
  });

  server.post('/logout', async (request, reply) => {
    if (!checkCsrf(request, reply)) return reply;
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });

  return { app, requireOperator };
}
