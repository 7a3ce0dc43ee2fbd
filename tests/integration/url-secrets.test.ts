// Issue #12: credentials and tokens in webhook URLs. Shown masked by /api/subscribers (to either role) and by
// `marsad subscribers` (list and --json); the userinfo is sent as HTTP Basic auth, the query as given.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendWebhook, signedRequest, type MilestoneDigestBody } from '../../src/deliver/webhook.js';
import { configDir } from '../support/alerts-harness.js';
import { WAIT_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { bearer, OPERATOR_TOKEN, READER_TOKEN, startDashboard, type Dashboard } from './api-harness.js';
import { assertFreshBuild, cliEnv, killAll, runCli } from './processes.js';
import { ANY_ALERT, webhookSubscriber } from '../support/subscriber.js';

const SECRET_URL = 'https://ops-user:S3cr3t-Pa55@hooks.example.org/in?token=tok-4242&lang=ar&code=0123456789abcdef0123';
const MASKED_URL = 'https://***@hooks.example.org/in?token=***&lang=ar&code=***';
const LEAKS = ['ops-user', 'S3cr3t-Pa55', 'tok-4242', '0123456789abcdef0123'];

function expectNoLeak(text: string): void {
  for (const leak of LEAKS) expect(text).not.toContain(leak);
}

describe('/api/subscribers', () => {
  let d: Dashboard;
  beforeAll(async () => {
    d = await startDashboard('url-secrets');
    await d.app.subscribers.add({ id: 'ops', channel: 'webhook', url: SECRET_URL, secret: null, filters: ANY_ALERT, on: 'report', mode: 'immediate', digest: null, rateLimit: null });
  });
  afterAll(async () => {
    await d?.close();
  });

  it.each([
    ['read-only', READER_TOKEN],
    ['operator', OPERATOR_TOKEN],
  ])('shows the %s role the URL with its userinfo and secret query values masked', async (_role, token) => {
    for (const path of ['/api/subscribers', '/api/subscribers/ops']) {
      const res = await fetch(`${d.base}${path}`, { headers: bearer(token) });
      expect(res.status).toBe(200);
      const text = await res.text();
      expectNoLeak(text);
      expect(text).toContain(MASKED_URL);
    }
    // The registry keeps the real URL: it is what gets called.
    expect(await d.app.subscribers.get('ops')).toMatchObject({ url: SECRET_URL });
  });
});

describe('marsad subscribers', () => {
  const url = testRedisUrl();
  const prefix = testPrefix('url-secrets-cli');
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const dir = configDir({ subscribers: `subscribers:\n  - id: ops\n    channel: webhook\n    url: "${SECRET_URL}"\n    secret: ${secret}\n` }, 'url-secrets');
  beforeAll(() => assertFreshBuild());
  afterAll(async () => {
    await killAll();
    await deleteKeys(url, prefix);
  });

  it.each([[['subscribers']], [['subscribers', 'list']], [['subscribers', '--json']]])('marsad %s masks the URL', async (args) => {
    const ran = await runCli(args, cliEnv(url, prefix, { MARSAD_CONFIG_DIR: dir }));
    expect(ran.code, ran.stderr).toBe(0);
    expectNoLeak(ran.stdout + ran.stderr);
    expect(ran.stdout).toContain(MASKED_URL);
    if (args.includes('--json')) expect(JSON.stringify(JSON.parse(ran.stdout))).toContain(MASKED_URL);
  });
});

describe('sending to a URL with credentials', () => {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const receiver = new WebhookReceiver(secret);
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  it('sends the userinfo as HTTP Basic auth and the query as given, still signed', async () => {
    const target = new URL(receiver.url);
    const withCredentials = `${target.protocol}//hook%40user:p%3Ass@${target.host}${target.pathname}?token=tok-4242`;
    const subscriber = webhookSubscriber({ id: 'ops', url: withCredentials, secret });
    const body: MilestoneDigestBody = { type: 'milestone.digest', version: 1, id: 'dl-a1b2c3d4e5f60718', timestamp: new Date().toISOString(), data: { window: { from: '2025-08-23T06:00:00.000Z', to: '2025-08-24T06:00:00.000Z' }, alerts: [] } };
    const outcome = await sendWebhook(signedRequest(subscriber, body.id, body, new Date()), { timeoutMs: WAIT_MS, allowPrivateNetworks: true, contact: null });
    expect(outcome).toMatchObject({ kind: 'sent', status: 200 });
    expect(receiver.requests).toHaveLength(1);
    const [req] = receiver.requests;
    expect(req!.verified).toBe(true);
    expect(req!.headers.authorization).toBe(`Basic ${Buffer.from('hook@user:p:ss').toString('base64')}`);
  });
});
