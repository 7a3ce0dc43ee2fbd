import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deliveryId } from '../../src/alerts/decide.js';
import type { Alert } from '../../src/alerts/model.js';
import type { App } from '../../src/app.js';
import { alertsCommand } from '../../src/cli/alerts.js';
import { pollFeedsOnce } from '../../src/ops/feeds.js';
import type { MilestoneDigestBody, MilestoneMentionedBody } from '../../src/deliver/webhook.js';
import type { Article } from '../../src/model.js';
import {
  alertEnv,
  captureContext,
  configDir,
  convoyReprint,
  deliveriesOf,
  deliveriesSettled,
  feedEntry,
  fixture,
  getDelivery,
  newSecret,
  openAlertApp,
  pause,
  waitForDelivery,
  waitForJobState,
  alertIdOf,
} from '../support/alerts-harness.js';
import { FeedSite } from '../support/feed-site.js';
import { INTERVAL_MS, PIPELINE_MS, SLOW_TEST_MS, WAIT_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

// A new article through poll -> … -> alert -> deliver, to every kind of subscriber at once.
let url: string;
let prefix: string;
let env: NodeJS.ProcessEnv;
let app: App;
let daily: FeedSite;
let other: FeedSite;
let sink: SmtpSink;
const secrets = { ops: newSecret(), gone: newSecret(), harir: newSecret(), hourly: newSecret() };
const hooks = {
  ops: new WebhookReceiver(secrets.ops),
  gone: new WebhookReceiver(secrets.gone),
  harir: new WebhookReceiver(secrets.harir),
  hourly: new WebhookReceiver(secrets.hourly),
};
let convoy: Article;
let convoyAlert: Alert;

async function articleFrom(site: FeedSite, slug: string): Promise<Article> {
  const ids = await app.store.listArticleIds({}, 0);
  const found = (await app.store.getArticles(ids)).find((a) => a.origin.kind === 'feed' && a.origin.url === `${site.baseUrl}/news/${slug}.html`);
  if (!found) throw new Error(`no article for ${slug}`);
  return (await app.store.readArticle(found.id))!;
}

beforeAll(async () => {
  url = testRedisUrl();
  prefix = testPrefix('alerts-delivery');
  daily = new FeedSite([fixture('ain-al-asad-convoy')], new Date());
  other = new FeedSite([convoyReprint()], new Date());
  sink = await startSmtpSink();
  await Promise.all([daily.start(), other.start(), ...Object.values(hooks).map((h) => h.start())]);
  const dir = configDir({
    feeds: `feeds:\n${feedEntry('fixture-daily', `${daily.baseUrl}/feed.xml`, 'Fixture Daily')}${feedEntry('other-outlet', `${other.baseUrl}/feed.xml`, 'Other Outlet')}`,
    subscribers: `subscribers:
  - id: ops-hook
    channel: webhook
    url: ${hooks.ops.url}
    secret: ${secrets.ops}
  - id: desk-mail
    channel: email
    email: desk@example.org
  - id: gone-hook
    channel: webhook
    url: ${hooks.gone.url}
    secret: ${secrets.gone}
  - id: harir-only
    channel: webhook
    url: ${hooks.harir.url}
    secret: ${secrets.harir}
    filters: { milestones: [harir-exit] }
  - id: english-mail
    channel: email
    email: english@example.org
    filters: { languages: [en] }
  - id: hourly-hook
    channel: webhook
    url: ${hooks.hourly.url}
    secret: ${secrets.hourly}
    filters: { milestones: [ain-al-asad-exit, baghdad-exit] }
    mode: digest
    digest: { every: hour }
  - id: hourly-empty
    channel: email
    email: quiet@example.org
    filters: { milestones: [coalition-mission-end] }
    mode: digest
    digest: { every: hour }
`,
  });
  env = alertEnv(url, prefix, dir, { MARSAD_SMTP_URL: sink.url });
  app = await openAlertApp(env);
  // The 410 receiver answers 410 to everything it gets.
  hooks.gone.reply(...Array.from({ length: 10 }, () => ({ status: 410, body: 'gone' })));
  const polled = await pollFeedsOnce(app, [app.config.feeds[0]!], { timeoutMs: PIPELINE_MS });
  expect(polled.polls[0]!.note).toBe('1 new, 0 backfill, 0 known');
  convoy = await articleFrom(daily, 'ain-al-asad-convoy');
  expect(convoy.milestones.map((m) => m.id)).toContain('ain-al-asad-exit');
  convoyAlert = (await app.alerts.getAlerts([await alertIdOf(app, convoy.id, 'ain-al-asad-exit')]))[0]!;
  expect(convoyAlert).toBeDefined();
}, SLOW_TEST_MS);

afterAll(async () => {
  await app?.close();
  await Promise.all([daily?.stop(), other?.stop(), sink?.close(), ...Object.values(hooks).map((h) => h.stop())]);
  if (url) await deleteKeys(url, prefix);
});

// Tests wait on states in turn (a delivery sent, the queue settled…): SLOW_TEST_MS only guards against a hang.
describe('a new article that mentions a milestone', { timeout: SLOW_TEST_MS }, () => {
  it('is recorded once: on the alert log and on the stream', async () => {
    const ids = await app.alerts.listAlertIds(0);
    expect(ids).toEqual([convoyAlert.id]);
    expect(convoyAlert).toMatchObject({
      milestone: { id: 'ain-al-asad-exit', due: '2025-09-15' },
      article: { id: convoy.id, source: 'Fixture Daily', language: 'ar' },
      baseline: false,
    });
    expect(convoyAlert.evidence.length).toBeGreaterThan(0);
    const entries = await app.redis.xrange(app.alerts.streamKey, '-', '+');
    expect(entries).toHaveLength(1);
    const fields = entries[0]![1];
    expect(Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]]))).toEqual({
      alert: convoyAlert.id,
      milestone: 'ain-al-asad-exit',
      article: convoy.id,
    });
  });

  it('reaches the webhook subscriber once, signed (standardwebhooks verifies it)', async () => {
    const d = await waitForDelivery(app, deliveryId(convoyAlert.id, 'ops-hook'), (x) => x.status === 'sent');
    expect(d).toMatchObject({ status: 'sent', attempts: 1, attemptStartedAt: null, lastError: null, channel: 'webhook', alertIds: [convoyAlert.id] });
    expect(d.lastResponse).toMatch(/^200 ok/);
    // Once the queue has nothing left to send, nothing more can come.
    await deliveriesSettled(app);
    expect(hooks.ops.requests).toHaveLength(1);
    const [req] = hooks.ops.requests;
    expect(req!.verified).toBe(true);
    expect(req!.headers['webhook-id']).toBe(convoyAlert.id);
    const body = JSON.parse(req!.body.toString('utf8')) as MilestoneMentionedBody;
    expect(body).toMatchObject({ type: 'milestone.mentioned', version: 1, id: convoyAlert.id });
    expect(body.data.alert).toMatchObject({ milestone: { id: 'ain-al-asad-exit' }, article: { id: convoy.id, url: `${daily.baseUrl}/news/ain-al-asad-convoy.html` } });
    expect(body.data.alert.evidence[0]!.text).toContain('عين الأسد');
  });

  it('reaches the email subscriber once: one multipart message with List-Unsubscribe', async () => {
    const d = await waitForDelivery(app, deliveryId(convoyAlert.id, 'desk-mail'), (x) => x.status === 'sent');
    expect(d).toMatchObject({ status: 'sent', attempts: 1, channel: 'email' });
    const mails = sink.messages.filter((m) => m.to.includes('desk@example.org'));
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.raw).toMatch(/^Content-Type: multipart\/alternative/im);
    expect(mail.parsed.text).toContain('عين الأسد');
    expect(mail.parsed.html || '').toContain('dir="rtl"');
    const fields = mail.raw.slice(0, mail.raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
    expect(fields).toMatch(/^List-Unsubscribe: <https:\/\/marsad\.test\/unsubscribe\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+>$/m);
    expect(fields).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(mail.parsed.messageId).toBe(`<${d.id}@localhost>`);
  });

  it('reaches nobody whose filters refuse it (milestones: [harir-exit]; languages: [en])', async () => {
    expect(await deliveriesOf(app, 'harir-only')).toEqual([]);
    expect(await deliveriesOf(app, 'english-mail')).toEqual([]);
    await deliveriesSettled(app);
    expect(hooks.harir.requests).toHaveLength(0);
    expect(sink.messages.filter((m) => m.to.includes('english@example.org'))).toHaveLength(0);
  });
});

describe('a reprint by another outlet', { timeout: SLOW_TEST_MS }, () => {
  it('alerts nobody and is listed under the alert\'s "also reported by" (marsad alerts --json)', async () => {
    const deliveriesBefore = (await app.alerts.listDeliveryIds(0)).length;
    const requestsBefore = hooks.ops.requests.length;
    const mailsBefore = sink.messages.length;
    const polled = await pollFeedsOnce(app, [app.config.feeds[1]!], { timeoutMs: PIPELINE_MS });
    expect(polled.polls[0]!.note).toBe('1 new, 0 backfill, 0 known');
    const reprint = await articleFrom(other, 'convoy-reprint');
    expect(reprint.duplicateOf).toBe(convoy.id);
    expect(await app.alerts.listAlertIds(0)).toEqual([convoyAlert.id]);
    expect(await app.redis.xlen(app.alerts.streamKey)).toBe(1);
    expect((await app.alerts.listDeliveryIds(0)).length).toBe(deliveriesBefore);
    await deliveriesSettled(app);
    expect(hooks.ops.requests.length).toBe(requestsBefore);
    expect(sink.messages.length).toBe(mailsBefore);

    // What `marsad alerts --json` prints (the command reads its Redis and config from the environment).
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const run = captureContext(env);
    try {
      expect(await alertsCommand({ json: true }, run.ctx)).toBe(0);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    const printed = JSON.parse(run.out) as (Alert & { alsoReportedBy: { id: string; source: string | null; match: string }[] })[];
    expect(printed).toHaveLength(1);
    expect(printed[0]!.id).toBe(convoyAlert.id);
    expect(printed[0]!.alsoReportedBy).toEqual([expect.objectContaining({ id: reprint.id, source: 'Other Outlet', match: 'near' })]);
  });
});

describe('a receiver that answers 410 Gone', { timeout: SLOW_TEST_MS }, () => {
  it('disables its subscriber, and later alerts skip it', async () => {
    const d = await waitForDelivery(app, deliveryId(convoyAlert.id, 'gone-hook'), (x) => x.status === 'failed');
    expect(d.attempts).toBe(1);
    expect(d.lastError).toMatch(/410/);
    // The worker saves the failed record, then disables the subscriber, then BullMQ fails the job: each in turn.
    await vi.waitFor(async () => expect((await app.subscribers.get('gone-hook'))!.disabled).toMatchObject({ reason: expect.stringMatching(/410/) }), {
      timeout: WAIT_MS,
      interval: INTERVAL_MS,
    });
    expect(hooks.gone.requests).toHaveLength(1);
    const job = await waitForJobState(app, d.id, 'failed');
    expect(job.id).toBe(`deliver-${d.id}`);

    // A later story (Victory base, baghdad-exit) goes to the others but not to the disabled subscriber.
    daily.setArticles([fixture('ain-al-asad-convoy'), fixture('victory-base-inventory')]);
    const polled = await pollFeedsOnce(app, [app.config.feeds[0]!], { timeoutMs: PIPELINE_MS });
    expect(polled.polls[0]!.note).toBe('1 new, 0 backfill, 1 known');
    const victory = await articleFrom(daily, 'victory-base-inventory');
    const victoryAlert = await alertIdOf(app, victory.id, 'baghdad-exit');
    expect(await app.alerts.listAlertIds(0)).toContain(victoryAlert);
    await waitForDelivery(app, deliveryId(victoryAlert, 'ops-hook'), (x) => x.status === 'sent');
    expect(await app.alerts.getDelivery(deliveryId(victoryAlert, 'gone-hook'))).toBeNull();
    expect((await deliveriesOf(app, 'gone-hook')).map((x) => x.id)).toEqual([d.id]);
    await deliveriesSettled(app);
    expect(hooks.gone.requests).toHaveLength(1);
    expect(hooks.ops.requests.map((r) => r.headers['webhook-id'])).toEqual([convoyAlert.id, victoryAlert]);
  });
});

describe('a digest subscriber (every hour)', { timeout: SLOW_TEST_MS }, () => {
  it('gets one message listing the alerts of the window that just ended; nothing when there are none', async () => {
    // Routed alerts wait in the digest list, not as deliveries.
    expect(await deliveriesOf(app, 'hourly-hook')).toEqual([]);
    const ids = await app.alerts.listAlertIds(0);
    const alerts = await app.alerts.getAlerts(ids);
    expect(alerts).toHaveLength(2);
    const HOUR = 3_600_000;
    // The digest job takes its window from the clock: wait out the last minute of an hour, so that the
    // window does not move between here and the last job, even on a slow machine.
    if (HOUR - (Date.now() % HOUR) < 60_000) await pause(HOUR - (Date.now() % HOUR) + 100);
    const to = Math.floor(Date.now() / HOUR) * HOUR;
    // As if both alerts had been routed during the previous hour.
    for (const [i, a] of alerts.entries()) await app.alerts.addToDigest('hourly-hook', a, to - HOUR + (i + 1) * 60_000);
    expect(await app.alerts.digestAlertIds('hourly-hook', new Date(to - HOUR), new Date(to))).toHaveLength(2);

    const runDigest = async (subscriberId: string, n: number) => {
      // A job id of the test's own: the digest's business-key id would make the second run a no-op.
      const digests = app.queues.queuesForBoard().digest;
      const job = await digests.add('digest', { subscriberId }, { jobId: `digest-${subscriberId}-test-${n}` });
      await vi.waitFor(async () => expect(await job.getState()).toBe('completed'), { timeout: WAIT_MS, interval: INTERVAL_MS });
      return (await digests.getJob(job.id!))!.returnvalue as { status: string; next: string[]; note: string };
    };

    const first = await runDigest('hourly-hook', 1);
    expect(first).toMatchObject({ status: 'done', next: [deliveryId(`digest\n${new Date(to).toISOString()}`, 'hourly-hook')] });
    const d = await waitForDelivery(app, first.next[0]!, (x) => x.status === 'sent');
    expect(d).toMatchObject({ attempts: 1, digest: { from: new Date(to - HOUR).toISOString(), to: new Date(to).toISOString() } });
    expect(new Set(d.alertIds)).toEqual(new Set(ids));
    expect(hooks.hourly.requests).toHaveLength(1);
    const req = hooks.hourly.requests[0]!;
    expect(req.verified).toBe(true);
    expect(req.headers['webhook-id']).toBe(d.id);
    const body = JSON.parse(req.body.toString('utf8')) as MilestoneDigestBody;
    expect(body.type).toBe('milestone.digest');
    expect(body.data.window).toEqual(d.digest);
    expect(new Set(body.data.alerts.map((a) => a.id))).toEqual(new Set(ids));
    expect(body.data.alerts.find((a) => a.id === convoyAlert.id)!.alsoReportedBy).toHaveLength(1);

    // The same window again: nothing new.
    const again = await runDigest('hourly-hook', 2);
    expect(again.status).toBe('skipped');
    // A digest subscriber with nothing in its window: nothing sent.
    const mailsBefore = sink.messages.length;
    const empty = await runDigest('hourly-empty', 1);
    expect(empty).toMatchObject({ status: 'skipped', next: [] });
    expect(await deliveriesOf(app, 'hourly-empty')).toEqual([]);
    await deliveriesSettled(app);
    expect(hooks.hourly.requests).toHaveLength(1);
    expect(sink.messages.length).toBe(mailsBefore);
    expect((await getDelivery(app, d.id)).status).toBe('sent');
  });
});
