import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { createServer } from '../../src/server/server.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { Jar, login as sessionLogin, loginForm as sessionLoginForm } from '../support/session.js';
import { bearer, OPERATOR_TOKEN, putDelivery, READER_TOKEN, startDashboard, type Dashboard } from './api-harness.js';

const DEAD = 'dl-00000000000000aa';
let d: Dashboard;

beforeAll(async () => {
  d = await startDashboard('api-auth');
  await putDelivery(d.app, DEAD, 'dead');
});
afterAll(async () => d?.close());

const loginForm = (jar: Jar) => sessionLoginForm(d.base, jar);
const login = (jar: Jar, token: string) => sessionLogin(d.base, jar, token);

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
