import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { createServer } from '../../src/server/server.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { bearer, OPERATOR_TOKEN, putDelivery, READER_TOKEN, startDashboard, type Dashboard } from './api-harness.js';

const DEAD = 'dl-00000000000000aa';
let d: Dashboard;

beforeAll(async () => {
  d = await startDashboard('api-auth');
  await putDelivery(d.app, DEAD, 'dead');
});
afterAll(async () => d?.close());

/** A browser's cookie jar, enough for one origin. */
class Jar {
  private cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      if (value.join('=') === '') this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
  }
  get header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  has(name: string): boolean {
    return this.cookies.has(name);
  }
}

async function loginForm(jar: Jar): Promise<string> {
  const res = await fetch(`${d.base}/login?next=/api/status`, { headers: { cookie: jar.header } });
  expect(res.status).toBe(200);
  jar.take(res);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1];
  expect(csrf).toBeTruthy();
  return csrf!;
}

async function login(jar: Jar, token: string): Promise<Response> {
  const csrf = await loginForm(jar);
  const res = await fetch(`${d.base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header },
    body: new URLSearchParams({ _csrf: csrf, token, next: '/api/status' }).toString(),
  });
  jar.take(res);
  return res;
}

describe('tokens', () => {
  it('answers 401 JSON without a token, and sends pages to the login form', async () => {
    const res = await fetch(`${d.base}/api/status`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await res.json()).toMatchObject({ error: 'unauthorized', details: [expect.stringContaining('Bearer')] });
    const page = await fetch(`${d.base}/?base=harir`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/?base=harir')}`);
    expect((await fetch(`${d.base}/metrics`)).status).toBe(401);
    expect((await fetch(`${d.base}/api/no-such-route`)).status).toBe(401);
  });

  it('answers 401 for a wrong Bearer token, 200 for either right one', async () => {
    expect((await fetch(`${d.base}/api/status`, { headers: bearer('x'.repeat(32)) })).status).toBe(401);
    expect((await fetch(`${d.base}/api/status`, { headers: { authorization: OPERATOR_TOKEN } })).status).toBe(401);
    for (const token of [OPERATOR_TOKEN, READER_TOKEN]) {
      const res = await fetch(`${d.base}/api/status`, { headers: bearer(token) });
      expect(res.status, token).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('leaves health, login and static assets public', async () => {
    expect((await fetch(`${d.base}/healthz`)).status).toBe(200);
    expect([200, 503]).toContain((await fetch(`${d.base}/readyz`)).status);
    expect((await fetch(`${d.base}/login`)).status).toBe(200);
    expect((await fetch(`${d.base}/assets/dashboard.js`)).status).toBe(200);
  });

  it('sends security headers, with a CSP nonce for the page it serves', async () => {
    const res = await fetch(`${d.base}/login`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[0-9a-f]+'/);
    const nonce = /style-src 'self' 'nonce-([0-9a-f]+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await res.text()).toContain(`nonce="${nonce}"`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('refuses the read-only token a retry (403), lets the operator token retry without CSRF', async () => {
    const asReader = await fetch(`${d.base}/api/deliveries/${DEAD}/retry`, { method: 'POST', headers: bearer(READER_TOKEN) });
    expect(asReader.status).toBe(403);
    expect(await asReader.json()).toMatchObject({ error: 'forbidden' });
    expect((await d.app.alerts.getDelivery(DEAD))!.status).toBe('dead');
    const asOperator = await fetch(`${d.base}/api/deliveries/${DEAD}/retry`, { method: 'POST', headers: bearer(OPERATOR_TOKEN) });
    expect(asOperator.status).toBe(200);
    expect(await asOperator.json()).toMatchObject({ id: DEAD, status: 'queued' });
    expect((await d.app.alerts.getDelivery(DEAD))!.status).toBe('retrying');
  });
});

describe('login form and cookie session', () => {
  it('refuses a wrong token and a POST without the form CSRF token', async () => {
    const jar = new Jar();
    const wrong = await login(jar, 'not-the-token-at-all');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('not valid');
    expect(jar.has('marsad_session')).toBe(false);
    const noCsrf = await fetch(`${d.base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header },
      body: new URLSearchParams({ token: OPERATOR_TOKEN }).toString(),
    });
    expect(noCsrf.status).toBe(403);
  });

  it('logs in with a signed HttpOnly SameSite=Strict cookie; a POST then needs the CSRF token', async () => {
    const jar = new Jar();
    const res = await login(jar, OPERATOR_TOKEN);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/api/status');
    const session = res.headers.getSetCookie().find((c) => c.startsWith('marsad_session='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    expect(session).toMatch(/^marsad_session=operator\.\d+\.[^;]+;/);

    expect((await fetch(`${d.base}/api/status`, { headers: { cookie: jar.header } })).status).toBe(200);
    // A tampered cookie (the role changed) fails its signature.
    const forged = jar.header.replace(/marsad_session=operator/, 'marsad_session=reader');
    expect((await fetch(`${d.base}/api/status`, { headers: { cookie: forged } })).status).toBe(401);

    await putDelivery(d.app, 'dl-00000000000000bb', 'failed');
    const retry = (headers: Record<string, string>) => fetch(`${d.base}/api/deliveries/dl-00000000000000bb/retry`, { method: 'POST', headers: { cookie: jar.header, ...headers } });
    const without = await retry({});
    expect(without.status).toBe(403);
    expect(await without.json()).toMatchObject({ error: 'missing or invalid CSRF token' });
    expect((await retry({ 'x-csrf-token': 'forged' })).status).toBe(403);
    const { token } = (await (await fetch(`${d.base}/api/csrf`, { headers: { cookie: jar.header } })).json()) as { token: string };
    const withToken = await retry({ 'x-csrf-token': token });
    expect(withToken.status).toBe(200);

    const logout = await fetch(`${d.base}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: jar.header, 'x-csrf-token': token } });
    expect(logout.status).toBe(303);
    jar.take(logout);
    expect(jar.has('marsad_session')).toBe(false);
    expect((await fetch(`${d.base}/api/status`, { headers: { cookie: jar.header } })).status).toBe(401);
  });

  it('gives a reader session no writes, CSRF token or not', async () => {
    const jar = new Jar();
    expect((await login(jar, READER_TOKEN)).status).toBe(303);
    const { token } = (await (await fetch(`${d.base}/api/csrf`, { headers: { cookie: jar.header } })).json()) as { token: string };
    const res = await fetch(`${d.base}/api/deliveries/${DEAD}/retry`, { method: 'POST', headers: { cookie: jar.header, 'x-csrf-token': token } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'forbidden' });
  });

  it('never redirects after login to another site', async () => {
    const jar = new Jar();
    const csrf = await loginForm(jar);
    const res = await fetch(`${d.base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header },
      body: new URLSearchParams({ _csrf: csrf, token: OPERATOR_TOKEN, next: '//evil.example/' }).toString(),
    });
    expect(res.headers.get('location')).toBe('/');
  });
});

describe('without a token', () => {
  const url = () => testRedisUrl();
  const prefix = testPrefix('api-open');
  const env = (extra: Record<string, string>) => {
    const e: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: url(), MARSAD_PREFIX: prefix, MARSAD_LOG_LEVEL: 'silent', ...extra };
    delete e.MARSAD_DASHBOARD_TOKEN;
    delete e.MARSAD_DASHBOARD_READONLY_TOKEN;
    delete e.MARSAD_DASHBOARD_TOKEN_FILE;
    return e;
  };
  afterAll(async () => deleteKeys(url(), prefix));

  it('refuses to start on a host other than loopback', async () => {
    const e = env({ MARSAD_HTTP_HOST: '0.0.0.0' });
    const app = await openApp({ log: createLogger(e), env: e });
    try {
      await expect(createServer(app)).rejects.toThrow(/MARSAD_DASHBOARD_TOKEN/);
    } finally {
      await app.close();
    }
  });

  it('on loopback acts as the operator, still asking for the CSRF token on writes', async () => {
    const e = env({});
    const app = await openApp({ log: createLogger(e), env: e });
    const server = await createServer(app);
    try {
      const base = await server.listen({ host: '127.0.0.1', port: 0 });
      expect((await fetch(`${base}/api/status`)).status).toBe(200);
      const post = await fetch(`${base}/api/deliveries/dl-00000000000000cc/retry`, { method: 'POST' });
      expect(post.status).toBe(403);
      const res = await fetch(`${base}/api/csrf`);
      const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const { token } = (await res.json()) as { token: string };
      const withToken = await fetch(`${base}/api/deliveries/dl-00000000000000cc/retry`, { method: 'POST', headers: { cookie, 'x-csrf-token': token } });
      expect(withToken.status).toBe(404);
    } finally {
      await server.close();
      await app.close();
    }
  });

  it('refuses short tokens and a read-only token alone at configuration time', () => {
    expect(() => loadConfig({ MARSAD_DASHBOARD_TOKEN: 'short' })).toThrow(/at least 16 characters/);
    expect(() => loadConfig({ MARSAD_DASHBOARD_READONLY_TOKEN: READER_TOKEN })).toThrow(/needs MARSAD_DASHBOARD_TOKEN/);
    expect(() => loadConfig({ MARSAD_DASHBOARD_TOKEN_FILE: '/nonexistent/token' })).toThrow(/cannot read/);
    expect(loadConfig({ MARSAD_DASHBOARD_TOKEN: `  ${OPERATOR_TOKEN}\n` }).dashboard).toEqual({ token: OPERATOR_TOKEN, readonlyToken: null });
  });
});
