import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { pollFeedsOnce } from '../../src/ops/feeds.js';
import { replayArticles } from '../../src/cli/replay.js';
import type { MilestoneMentionedBody } from '../../src/deliver/webhook.js';
import type { FixtureArticle } from '../fixtures/feed-site/articles.js';
import { alertEnv, configDir, deliveriesSettled, feedEntry, newSecret, openAlertApp } from '../support/alerts-harness.js';
import { FeedSite } from '../support/feed-site.js';
import { PIPELINE_MS, SLOW_TEST_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

// Four outlets report on Ain al-Asad in turn: the start of the withdrawal, its completion, the completion
// again, and a US denial of it. A `report` subscriber hears each; a `status` subscriber only those that moved
// the milestone's status or brought a contradiction. Written for marsad's tests.
const REPORTS: FixtureArticle[] = [
  {
    slug: 'ain-al-asad-start',
    title: 'بدء انسحاب القوات الأمريكية من قاعدة عين الأسد',
    date: 'Mon, 18 Aug 2025 09:00:00 +0300',
    paragraphs: [
      'بدأت القوات الأمريكية سحب معداتها الثقيلة من قاعدة عين الأسد الجوية في محافظة الأنبار، بحسب ما أعلنت قيادة العمليات المشتركة في بيان صباح اليوم.',
      'وأوضح البيان أن فرقاً فنية عراقية تتابع عمليات الجرد والاستلام في مرافق القاعدة.',
    ],
  },
  {
    slug: 'ain-al-asad-done',
    title: 'القوات العراقية تتسلم قاعدة عين الأسد بالكامل',
    date: 'Tue, 16 Sep 2025 10:00:00 +0300',
    paragraphs: [
      'أعلنت قيادة العمليات المشتركة أن القوات الأمريكية أكملت انسحابها من قاعدة عين الأسد الجوية وسلمتها إلى قيادة القوة الجوية العراقية.',
      'وقال المتحدث باسم القيادة إن القاعدة باتت تحت إدارة عراقية كاملة.',
    ],
  },
  {
    slug: 'ain-al-asad-done-again',
    title: 'رفع العلم العراقي فوق عين الأسد بعد رحيل القوات الأمريكية',
    date: 'Wed, 17 Sep 2025 12:00:00 +0300',
    paragraphs: [
      'أكد قائد القاعدة في تصريح صحفي أن آخر الجنود الأمريكيين غادروا قاعدة عين الأسد، وأن العلم العراقي رفع فوق مبانيها.',
      'وأشار إلى أن وحدات الدفاع الجوي العراقية تسلمت مواقعها داخل القاعدة.',
    ],
  },
  {
    slug: 'ain-al-asad-denial',
    title: 'US embassy denies coalition has left Ain al-Asad',
    date: 'Tue, 16 Sep 2025 20:00:00 +0300',
    paragraphs: [
      'The US Embassy in Baghdad on Tuesday denied that coalition forces had completed their withdrawal from Ain al-Asad Air Base, calling the handover reports inaccurate.',
      'An embassy spokesperson said advisers remained at the base and that the timetable agreed with Baghdad had not changed.',
    ],
  },
];

let url: string;
let prefix: string;
let app: App;
const sites = REPORTS.map((r) => new FeedSite([r], new Date()));
const secrets = { report: newSecret(), status: newSecret() };
const hooks = { report: new WebhookReceiver(secrets.report), status: new WebhookReceiver(secrets.status) };

const bodies = (hook: WebhookReceiver) => hook.requests.map((r) => JSON.parse(r.body.toString()) as MilestoneMentionedBody);

beforeAll(async () => {
  url = testRedisUrl();
  prefix = testPrefix('milestone-status-alerts');
  await Promise.all([...sites.map((s) => s.start()), hooks.report.start(), hooks.status.start()]);
  const dir = configDir({
    feeds: `feeds:\n${sites.map((s, i) => feedEntry(`outlet-${i + 1}`, `${s.baseUrl}/feed.xml`, `Outlet ${i + 1}`)).join('')}`,
    subscribers: `subscribers:
  - id: every-report
    channel: webhook
    url: ${hooks.report.url}
    secret: ${secrets.report}
  - id: status-changes
    channel: webhook
    url: ${hooks.status.url}
    secret: ${secrets.status}
    on: status
`,
  });
  app = await openAlertApp(alertEnv(url, prefix, dir));
  // One outlet after the other, so that each report meets the assessment the earlier ones made.
  for (const feed of app.config.feeds) {
    await pollFeedsOnce(app, [feed], { timeoutMs: PIPELINE_MS });
    await deliveriesSettled(app);
  }
}, SLOW_TEST_MS);

afterAll(async () => {
  await app?.close();
  await Promise.all([...sites.map((s) => s.stop()), hooks.report.stop(), hooks.status.stop()]);
  if (url) await deleteKeys(url, prefix);
});

describe('alerts that say what changed', { timeout: SLOW_TEST_MS }, () => {
  it('tells a report subscriber every report, with its stance, source and the assessment before and after', () => {
    const alerts = bodies(hooks.report).map((b) => b.data.alert);
    expect(alerts.map((a) => a.stance)).toEqual(['started', 'completed', 'completed', 'denied']);
    expect(alerts.map((a) => [a.assessment?.before.status, a.assessment?.after.status])).toEqual([
      ['unreported', 'started'],
      ['started', 'completed'],
      ['completed', 'completed'],
      ['completed', 'completed'],
    ]);
    expect(alerts[1]!.attribution).toMatchObject({ who: 'joint-operations-command' });
    expect(alerts[1]!.assessment!.after.summary.en).toMatch(/^completed: reported by 1 outlet since .*, first by the Joint Operations Command$/);
    expect(alerts[3]!.attribution).toMatchObject({ who: 'us-embassy' });
    expect(alerts[3]!.assessment!.after.contradictions).toBe(1);
    expect(alerts.map((a) => a.statusChange)).toEqual([true, true, false, true]);
  });

  it('puts the denial in the story of the report it denies', async () => {
    const articles = bodies(hooks.report).map((b) => b.data.alert.article.id);
    const [, done, , denial] = await app.stories.storyOf(articles);
    expect(denial).toBe(done);
  });

  it('tells a status subscriber only when the status moved or a contradiction appeared', () => {
    expect(bodies(hooks.status).map((b) => [b.data.alert.stance, b.data.alert.assessment?.after.status])).toEqual([
      ['started', 'started'],
      ['completed', 'completed'],
      ['denied', 'completed'],
    ]);
  });

  it('assesses the milestone from the four reports', async () => {
    const entries = await app.store.milestoneTimeline('ain-al-asad-exit');
    expect(entries.map((e) => e.stance).sort()).toEqual(['completed', 'completed', 'denied', 'started']);
    expect(entries.every((e) => e.attribution !== null)).toBe(true);
  });

  it('replays tagging and alerting without alerting or sending anything twice', async () => {
    const sent = { report: hooks.report.requests.length, status: hooks.status.requests.length };
    const alerts = await app.alerts.listAlertIds(0);
    const summary = await replayArticles(app, { stage: 'alert' });
    expect(summary).toMatchObject({ articles: 4, changed: 0, alerts: { raised: 4, new: 0 } });
    await deliveriesSettled(app);
    expect(await app.alerts.listAlertIds(0)).toEqual(alerts);
    expect({ report: hooks.report.requests.length, status: hooks.status.requests.length }).toEqual(sent);
  });

  it('re-tags an article tagged by an older config, and records the version that tagged it', async () => {
    const [id] = await app.store.listArticleIds({ milestone: 'ain-al-asad-exit' }, 1);
    const current = (await app.store.getArticle(id!))!;
    expect(current.taggedWith).toBe(app.cores.version);
    const old = { ...current, taggedWith: 'older-config', milestones: current.milestones.map((m) => ({ id: m.id, evidence: m.evidence })) };
    await app.store.saveArticle(old as unknown as typeof current, current);
    const summary = await replayArticles(app, { stage: 'tag' });
    expect(summary.changed).toBe(1);
    const replayed = (await app.store.getArticle(id!))!;
    expect(replayed.taggedWith).toBe(app.cores.version);
    expect(replayed.milestones).toEqual(current.milestones);
    expect(replayed.stage).toBe(current.stage);
  });
});
