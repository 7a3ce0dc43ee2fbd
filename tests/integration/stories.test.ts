// Stories as users see them: four documents written for this test go through the pipeline (seedDocuments):
// an Arabic and an English report of one event (a US convoy leaves Ain al-Asad, the Joint Operations
// Command says, the same day), another outlet's reprint of the Arabic one, and a drone attack on the same
// base two days later. The first three are one story, the attack another: `marsad stories` (the command
// function, text and --json), the article JSON's storyId, GET /api/stories(/:id) and the story page.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.js';
import { UsageError } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { seedDocuments } from '../../src/ops/seed.js';
import { storiesCommand } from '../../src/cli/stories.js';
import { DOCUMENT_STAGES } from '../../src/queues/names.js';
import { createServer } from '../../src/server/server.js';
import { esc } from '../../src/server/views/html.js';
import { listStories, readStory, type Story } from '../../src/stories/read.js';
import { alertEnv, captureContext, configDir, openAlertApp, queuesSettled } from '../support/alerts-harness.js';
import { ARTIFACTS_DIR, CHROMIUM, launchChromium } from '../support/browser.js';
import { PIPELINE_MS, SLOW_TEST_MS, WAIT_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';

const TOKEN = 'stories-operator-token-0123456789';
const READER = 'stories-reader-token-0123456789';
const DAY_MS = 86_400_000;

/** The report day: three days ago (so the alerts of new reporting, within the alert window, are recorded). */
const day0 = new Date(Math.floor((Date.now() - 3 * DAY_MS) / DAY_MS) * DAY_MS);
const at = (days: number, hh: number, mm = 0) => new Date(day0.getTime() + days * DAY_MS + (hh * 60 + mm) * 60_000).toISOString().replace('.000Z', 'Z');

const AR_TITLE = 'العمليات المشتركة: رتل أمريكي من 60 آلية يغادر قاعدة عين الأسد';
const AR_BODY = [
  'قالت قيادة العمليات المشتركة، اليوم، إن رتلاً عسكرياً أمريكياً يضم 60 آلية غادر قاعدة عين الأسد الجوية في محافظة الأنبار متجهاً إلى أربيل، في إطار انسحاب القوات الأمريكية من القاعدة.',
  'وأضافت القيادة في بيان أن الرتل ضم شاحنات محملة بالمعدات وعجلات مدرعة، وأن القوات العراقية رفعت درجة الاستعداد على امتداد الطريق لتأمين مروره.',
  'وأوضح البيان أن ما جرى يمثل المرحلة الأولى من الانسحاب، وأن دفعات أخرى ستغادر القاعدة خلال الأسابيع المقبلة وفق الجدول الزمني المتفق عليه بين بغداد وواشنطن.',
  'وأشار إلى أن القوات العراقية ستتسلم القاعدة بالكامل بعد خروج آخر عناصر التحالف الدولي منها.',
];
const EN_TITLE = 'US convoy of 60 vehicles leaves Ain al-Asad air base, Joint Operations Command says';
const REPRINT_TITLE = 'رتل من 60 آلية أمريكية يخرج من عين الأسد نحو أربيل';
const ATTACK_TITLE = 'طائرتان مسيرتان تستهدفان قاعدة عين الأسد في الأنبار';

/** The seed documents (JSON seeds: {title, text, url, source, published, language}), by file name. */
const DOCUMENTS: Record<string, { title: string; text: string; url: string; source: string; published: string; language: 'ar' | 'en' }> = {
  '1-ar-convoy.json': {
    title: AR_TITLE,
    text: [AR_TITLE, ...AR_BODY].join('\n\n'),
    url: 'https://rafid-news.example/iraq/convoy-ain-al-asad',
    source: 'وكالة الرافد للأنباء',
    published: at(0, 8),
    language: 'ar',
  },
  '2-en-convoy.json': {
    title: EN_TITLE,
    text: [
      EN_TITLE,
      "A US military convoy of 60 vehicles left Ain al-Asad Air Base in Anbar province today, heading for Erbil, Iraq's Joint Operations Command said, as US forces withdraw from the base.",
      'The convoy carried equipment on trucks and armoured vehicles, and Iraqi forces secured the road along its route, the command said in a statement.',
      'The statement described the move as the first phase of the withdrawal and said further groups would leave the base in the coming weeks under the timetable agreed between Baghdad and Washington.',
      'Iraqi forces will take over the whole base once the last coalition personnel have left, it added.',
    ].join('\n\n'),
    url: 'https://example-wire.example/iraq/us-convoy-leaves-ain-al-asad',
    source: 'Example Wire',
    published: at(0, 11, 30),
    language: 'en',
  },
  // Another outlet's reprint of the Arabic report: its own headline, the body cut before the last paragraph.
  '3-ar-reprint.json': {
    title: REPRINT_TITLE,
    text: [REPRINT_TITLE, ...AR_BODY.slice(0, 3)].join('\n\n'),
    url: 'https://mada-net.example/news/ain-al-asad-convoy',
    source: 'شبكة المدى الإخبارية',
    published: at(0, 13, 15),
    language: 'ar',
  },
  // Two days later, the same base: an attack, another event.
  '4-ar-attack.json': {
    title: ATTACK_TITLE,
    text: [
      ATTACK_TITLE,
      'استهدفت طائرتان مسيرتان، مساء اليوم، قاعدة عين الأسد الجوية في محافظة الأنبار، من دون أن يسفر الهجوم عن إصابات، بحسب مصدر أمني.',
      'وقال المصدر إن الدفاعات الجوية في القاعدة أسقطت إحدى الطائرتين قبل وصولها، فيما سقطت الثانية في منطقة صحراوية قريبة من السياج الخارجي.',
      'ولم تعلن أي جهة مسؤوليتها عن الهجوم حتى الآن، وفتحت الأجهزة الأمنية تحقيقاً لمعرفة مكان إطلاق الطائرتين.',
    ].join('\n\n'),
    url: 'https://rafid-news.example/iraq/drones-ain-al-asad',
    source: 'وكالة الرافد للأنباء',
    published: at(2, 21),
    language: 'ar',
  },
};

/** What scripts rely on: later versions add fields, never rename these. */
const STORY_FIELDS = ['id', 'title', 'languages', 'outlets', 'firstReport', 'latestReport', 'milestones', 'articles'];
const ARTICLE_FIELDS = ['id', 'title', 'source', 'url', 'language', 'published', 'duplicateOf', 'joined'];
const JOINED_FIELDS = ['kind', 'with', 'withTitle', 'reasons'];

let app: App;
let server: FastifyInstance;
let base: string;
let env: NodeJS.ProcessEnv;
let url: string;
let prefix: string;
let docsDir: string;
/** Article ids by seed file. */
const ids: Record<string, string> = {};
let convoy: Story;

const get = (p: string, token: string | null = READER) => fetch(`${base}${p}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, redirect: 'manual' });

beforeAll(async () => {
  url = testRedisUrl();
  prefix = testPrefix('stories');
  env = alertEnv(url, prefix, configDir({}, 'stories'), { MARSAD_DASHBOARD_TOKEN: TOKEN, MARSAD_DASHBOARD_READONLY_TOKEN: READER });
  // The command functions open the app from process.env, as the CLI does.
  for (const k of ['REDIS_URL', 'MARSAD_PREFIX', 'MARSAD_CONFIG_DIR', 'MARSAD_LOG_LEVEL', 'MARSAD_ALLOW_PRIVATE_NETWORKS'] as const) vi.stubEnv(k, env[k]!);
  docsDir = mkdtempSync(path.join(tmpdir(), 'marsad-stories-docs-'));
  for (const [file, doc] of Object.entries(DOCUMENTS)) writeFileSync(path.join(docsDir, file), JSON.stringify(doc, null, 2));
  app = await openAlertApp(env);
  const summary = await seedDocuments(app, docsDir, { timeoutMs: PIPELINE_MS });
  expect(summary.failed, JSON.stringify(summary.outcomes)).toBe(0);
  expect(summary.problems).toEqual([]);
  for (const o of summary.outcomes) ids[o.file] = o.id;
  await queuesSettled(app, DOCUMENT_STAGES);
  server = await createServer(app);
  base = await server.listen({ host: '127.0.0.1', port: 0 });
  const story = await readStory(app, (await app.store.readArticle(ids['1-ar-convoy.json']!))!.storyId!);
  convoy = story!;
}, SLOW_TEST_MS);

afterAll(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  await app?.close();
  if (url) await deleteKeys(url, prefix);
  if (docsDir) rmSync(docsDir, { recursive: true, force: true });
});

async function storiesJson(args: string[] = []): Promise<Story[]> {
  const c = captureContext(env);
  const opts: { json: boolean; milestone?: string; limit?: string } = { json: true };
  for (let i = 0; i < args.length; i += 2) opts[args[i] === '--milestone' ? 'milestone' : 'limit'] = args[i + 1]!;
  expect(await storiesCommand([], opts, c.ctx)).toBe(0);
  return JSON.parse(c.out) as Story[];
}

describe('grouping', () => {
  it('the Arabic and English reports of the convoy and the reprint are one story; the attack two days later is another', async () => {
    const stories = await storiesJson();
    expect(stories).toHaveLength(2);
    const byArticle = new Map(stories.flatMap((s) => s.articles.map((a) => [a.id, s.id] as const)));
    const story = byArticle.get(ids['1-ar-convoy.json']!);
    expect(story).toBeDefined();
    expect(byArticle.get(ids['2-en-convoy.json']!)).toBe(story);
    expect(byArticle.get(ids['3-ar-reprint.json']!)).toBe(story);
    expect(byArticle.get(ids['4-ar-attack.json']!)).not.toBe(story);
    const convoyIds = [ids['1-ar-convoy.json']!, ids['2-en-convoy.json']!, ids['3-ar-reprint.json']!];
    expect(story).toBe(`st-${[...convoyIds].sort()[0]}`);
    expect(byArticle.get(ids['4-ar-attack.json']!)).toBe(`st-${ids['4-ar-attack.json']}`);
    // Newest first: the attack's story is the latest reported.
    expect(stories.map((s) => s.id)).toEqual([`st-${ids['4-ar-attack.json']}`, story]);
  });

  it('--json: the Story contract, the header fields and how each report joined (reasons)', async () => {
    const [attack, s] = await storiesJson();
    for (const story of [attack!, s!]) {
      expect(Object.keys(story)).toEqual(expect.arrayContaining(STORY_FIELDS));
      for (const a of story.articles) {
        expect(Object.keys(a)).toEqual(expect.arrayContaining(ARTICLE_FIELDS));
        expect(Object.keys(a.joined)).toEqual(expect.arrayContaining(JOINED_FIELDS));
      }
    }
    expect(s).toEqual(JSON.parse(JSON.stringify(convoy)));
    expect(s!.title).toBe(AR_TITLE);
    expect(s!.languages).toEqual(['ar', 'en']);
    expect(s!.outlets).toEqual(['وكالة الرافد للأنباء', 'Example Wire', 'شبكة المدى الإخبارية']);
    expect(s!.firstReport).toBe(DOCUMENTS['1-ar-convoy.json']!.published);
    expect(s!.latestReport).toBe(DOCUMENTS['3-ar-reprint.json']!.published);
    expect(s!.milestones.map((m) => m.id)).toContain('ain-al-asad-exit');
    const ain = s!.milestones.find((m) => m.id === 'ain-al-asad-exit')!;
    const reprint = (await app.store.getArticle(ids['3-ar-reprint.json']!))!;
    expect(ain.stance).toBe(reprint.milestones.find((m) => m.id === 'ain-al-asad-exit')!.stance);

    // Oldest first: the Arabic original, the English report of the same event, the reprint.
    const [ar, en, rp] = s!.articles;
    expect([ar!.id, en!.id, rp!.id]).toEqual([ids['1-ar-convoy.json'], ids['2-en-convoy.json'], ids['3-ar-reprint.json']]);
    expect(ar!.joined).toEqual({ kind: 'first', with: null, withTitle: null, reasons: [] });
    expect(en!.joined).toMatchObject({ kind: 'same-event', with: ar!.id, withTitle: AR_TITLE });
    expect(en!.joined.reasons).toEqual(expect.arrayContaining(['base:ain-al-asad', 'event:convoy', 'place:anbar', 'speaker:joint-operations-command']));
    expect(en!.joined.reasons.some((r) => r.startsWith('milestone:ain-al-asad-exit'))).toBe(true);
    expect(en!.joined.score).toBeGreaterThan(0);
    expect(rp!.joined).toMatchObject({ kind: 'reprint', with: ar!.id, withTitle: AR_TITLE });
    expect(rp!.duplicateOf).toBe(ar!.id);
    expect(rp!.joined.reasons.join(' ')).toMatch(/% of its wording|% of the shorter text|duplicate/);

    expect(attack!.articles.map((a) => a.id)).toEqual([ids['4-ar-attack.json']]);
    expect(attack!.articles[0]!.joined.kind).toBe('first');
    expect(attack!.title).toBe(ATTACK_TITLE);
  });

  it('text mode: each story with its reports, and "reprint of …" / "same event as … because …"', async () => {
    const c = captureContext(env);
    expect(await storiesCommand([], {}, c.ctx)).toBe(0);
    const out = c.out;
    expect(out).toContain(`${convoy.id}  ${AR_TITLE}`);
    expect(out).toContain('languages: ar, en');
    expect(out).toContain('milestones: ain-al-asad-exit (');
    expect(out).toMatch(new RegExp(`reprint of ${AR_TITLE} \\(.+\\)`));
    expect(out).toMatch(new RegExp(`same event as ${AR_TITLE} because: .*base ain-al-asad.*event convoy`));
    expect(out).toContain('speaker Joint Operations Command');
    expect(out).toContain(`st-${ids['4-ar-attack.json']}  ${ATTACK_TITLE}`);
  });

  it('--milestone keeps the stories with a report on it; --limit; show ID; an unknown milestone is a usage error naming the known ones', async () => {
    expect((await storiesJson(['--milestone', 'ain-al-asad-exit'])).map((s) => s.id)).toEqual([convoy.id]);
    expect(await storiesJson(['--milestone', 'harir-exit'])).toEqual([]);
    expect((await storiesJson(['--limit', '1'])).map((s) => s.id)).toEqual([`st-${ids['4-ar-attack.json']}`]);

    const shown = captureContext(env);
    expect(await storiesCommand(['show', convoy.id], { json: true }, shown.ctx)).toBe(0);
    expect(JSON.parse(shown.out)).toEqual(JSON.parse(JSON.stringify(convoy)));
    const missing = captureContext(env);
    expect(await storiesCommand(['show', 'st-0000000000000000'], { json: true }, missing.ctx)).toBe(1);
    expect(missing.err).toContain('no story st-0000000000000000');

    await expect(storiesCommand([], { milestone: 'moon-exit' }, captureContext(env).ctx)).rejects.toThrow(UsageError);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['stories', '--milestone', 'moon-exit'], env)).toBe(2);
      expect(await main(['stories', '--limit', '0'], env)).toBe(2);
      const said = stderr.mock.calls.map((c) => String(c[0])).join('');
      const known = app.config.milestones.milestones.map((m) => m.id);
      expect(said).toContain(`unknown milestone "moon-exit"; known: ${known.join(', ')}`);
    } finally {
      stderr.mockRestore();
    }
  });

  it("the article JSON carries its story's id (storyId)", async () => {
    for (const file of ['1-ar-convoy.json', '2-en-convoy.json', '3-ar-reprint.json']) expect((await app.store.readArticle(ids[file]!))!.storyId).toBe(convoy.id);
    expect((await app.store.readArticle(ids['4-ar-attack.json']!))!.storyId).toBe(`st-${ids['4-ar-attack.json']}`);
    const res = await get(`/api/articles/${ids['2-en-convoy.json']}`);
    expect(((await res.json()) as { storyId: string }).storyId).toBe(convoy.id);
  });
});

describe('GET /api/stories', () => {
  it('is the JSON of marsad stories, for the read-only role too; ?milestone= and ?limit=', async () => {
    const res = await get('/api/stories');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(await listStories(app, { limit: 20 }))));
    const on = (await (await get('/api/stories?milestone=ain-al-asad-exit&limit=5', TOKEN)).json()) as Story[];
    expect(on.map((s) => s.id)).toEqual([convoy.id]);
    expect(((await (await get('/api/stories?limit=1')).json()) as Story[]).map((s) => s.id)).toEqual([`st-${ids['4-ar-attack.json']}`]);
    const bad = await get('/api/stories?milestone=moon-exit');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('moon-exit');
    expect((await get('/api/stories?limit=0')).status).toBe(400);
  });

  it('GET /api/stories/:id: one story; 404 for an unknown one, 400 for what is not a story id', async () => {
    const one = await get(`/api/stories/${convoy.id}`);
    expect(one.status).toBe(200);
    expect(await one.json()).toEqual(JSON.parse(JSON.stringify(convoy)));
    const unknown = await get('/api/stories/st-0000000000000000');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no such story', details: ['no story "st-0000000000000000"'] });
    expect((await get('/api/stories/not-a-story')).status).toBe(400);
  });

  it('needs a token like every API route, and is in the OpenAPI document', async () => {
    expect((await get('/api/stories', null)).status).toBe(401);
    expect((await get(`/api/stories/${convoy.id}`, null)).status).toBe(401);
    expect((await get('/api/stories', 'not-a-token-0123456789')).status).toBe(401);
    const doc = (await (await get('/api/openapi.json')).json()) as { paths: Record<string, { get: { responses: Record<string, unknown> } }>; components: { schemas: Record<string, { required?: string[] }> } };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/stories', '/api/stories/{id}']));
    expect(Object.keys(doc.paths['/api/stories/{id}']!.get.responses)).toEqual(expect.arrayContaining(['200', '401', '404']));
    expect(doc.components.schemas.Story!.required).toEqual(STORY_FIELDS);
  });
});

describe('story page', () => {
  it('shows the header and the reports side by side: an Arabic column right to left and an English one', async () => {
    const res = await get(`/stories/${convoy.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    const header = html.slice(html.indexOf('data-story-page='), html.indexOf('class="story-columns"'));
    expect(header).toContain(esc(AR_TITLE));
    expect(header).toContain(`<time datetime="${convoy.firstReport}">`);
    expect(header).toContain(`<time datetime="${convoy.latestReport}">`);
    expect(header).toContain('Example Wire');
    for (const m of convoy.milestones) expect(header).toMatch(new RegExp(`<li data-milestone="${m.id}"><a href="/milestones/${m.id}">${m.id}</a> <span class="stance stance-${m.stance}"`));

    const column = (lang: string) => new RegExp(`<section class="story-column" data-column="${lang}"([^>]*)>([\\s\\S]*?)</section>`).exec(html);
    const ar = column('ar');
    const en = column('en');
    expect(ar?.[1]).toBe(' lang="ar" dir="rtl"');
    expect(en?.[1]).toBe(' lang="en" dir="ltr"');
    const cards = (section: string) => [...section.matchAll(/<article class="story-card" data-article="([0-9a-f]{16})"/g)].map((m) => m[1]);
    expect(cards(ar![2]!)).toEqual([ids['1-ar-convoy.json'], ids['3-ar-reprint.json']]);
    expect(cards(en![2]!)).toEqual([ids['2-en-convoy.json']]);
    // Each card: its article page, how it joined, with a link to the report it joined through.
    expect(ar![2]).toContain(`href="/articles/${ids['3-ar-reprint.json']}"`);
    expect(ar![2]).toMatch(new RegExp(`data-joined="reprint" data-with="${ids['1-ar-convoy.json']}">reprint of <a href="/articles/${ids['1-ar-convoy.json']}"`));
    expect(en![2]).toMatch(new RegExp(`data-joined="same-event" data-with="${ids['1-ar-convoy.json']}">same event as <a href="/articles/${ids['1-ar-convoy.json']}"[^>]*>${esc(AR_TITLE)}</a> because: `));
    expect(en![2]).toContain('<span class="reason" data-reason="base:ain-al-asad">base ain-al-asad</span>');
    // Columns stack on narrow screens; CSP: no inline script, no style attributes, nothing external.
    expect(html).toMatch(/@media \(max-width:700px\)\{(?:[^{}]*\{[^{}]*\})*?\.story-columns\{flex-direction:column\}/);
    expect(html).not.toMatch(/<script(?![^>]*src=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/);
  });

  it('an id that a merge retired leads to the story; an unknown one is a 404; it needs a token', async () => {
    const member = convoy.articles.map((a) => a.id).find((id) => `st-${id}` !== convoy.id)!;
    const moved = await get(`/stories/st-${member}`);
    expect(moved.status).toBe(302);
    expect(moved.headers.get('location')).toBe(`/stories/${convoy.id}`);
    const unknown = await get('/stories/st-0000000000000000');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('no story st-0000000000000000');
    expect((await get(`/stories/${convoy.id}`, null)).status).toBe(401);
  });

  it('article pages, milestone report rows and recent alerts link to the story', async () => {
    const article = await (await get(`/articles/${ids['2-en-convoy.json']}`)).text();
    expect(article).toContain(`<a class="story-link" href="/stories/${convoy.id}" data-story="${convoy.id}">story</a> <span class="muted" data-story-reports="3">3 reports</span>`);
    const milestone = await (await get('/milestones/ain-al-asad-exit')).text();
    for (const id of [ids['1-ar-convoy.json'], ids['2-en-convoy.json'], ids['3-ar-reprint.json']]) {
      const row = new RegExp(`<tr class="report" id="report-\\d+" data-entry="${id}"[\\s\\S]*?</tr>`).exec(milestone)?.[0];
      expect(row, id).toContain(`href="/stories/${convoy.id}"`);
    }
    // The convoy's report of the milestone raised an alert (recorded: seeds are baseline, not delivered).
    const alerts = await app.alerts.getAlerts(await app.alerts.listAlertIds(20));
    const alert = alerts.find((a) => convoy.articles.some((x) => x.id === a.article.id));
    expect(alert, JSON.stringify(alerts.map((a) => a.article.id))).toBeDefined();
    const status = await (await get('/')).text();
    const row = new RegExp(`<tr data-alert="${alert!.id}">[\\s\\S]*?</tr>`).exec(status)?.[0];
    expect(row).toContain(`href="/stories/${convoy.id}"`);
    expect(row).toContain('data-story-reports="3">3 reports');
  });
});

describe('story page in a browser', () => {
  it('columns side by side on a wide screen, stacked under 700 px; the Arabic one right to left; no CSP violation', { timeout: SLOW_TEST_MS }, async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, extraHTTPHeaders: { authorization: `Bearer ${READER}` } });
      page.setDefaultTimeout(WAIT_MS);
      const violations: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && m.text().includes('Content Security Policy')) violations.push(m.text());
      });
      // Nothing the page loads fails (the browser's own favicon request apart).
      page.on('response', (r) => {
        if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) violations.push(`${r.status()} ${r.url()}`);
      });
      await page.goto(`${base}/stories/${convoy.id}`);
      const ar = page.locator('[data-column="ar"]');
      const en = page.locator('[data-column="en"]');
      expect(await ar.evaluate((e) => getComputedStyle(e).direction)).toBe('rtl');
      expect(await en.evaluate((e) => getComputedStyle(e).direction)).toBe('ltr');
      const wide = [(await ar.boundingBox())!, (await en.boundingBox())!];
      // Side by side: the same top, one beside the other.
      expect(Math.abs(wide[0]!.y - wide[1]!.y)).toBeLessThan(2);
      expect(wide[1]!.x).toBeGreaterThanOrEqual(wide[0]!.x + wide[0]!.width - 1);
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'story-wide.png'), fullPage: true });
      await page.setViewportSize({ width: 600, height: 900 });
      const narrow = [(await ar.boundingBox())!, (await en.boundingBox())!];
      // Stacked: the English column under the Arabic one.
      expect(narrow[1]!.y).toBeGreaterThanOrEqual(narrow[0]!.y + narrow[0]!.height - 1);
      expect(Math.abs(narrow[0]!.x - narrow[1]!.x)).toBeLessThan(2);
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'story-narrow.png'), fullPage: true });
      // A card's title leads to its article page.
      await Promise.all([page.waitForURL(`${base}/articles/${ids['2-en-convoy.json']}`), page.click(`[data-column="en"] h4 a[href="/articles/${ids['2-en-convoy.json']}"]`)]);
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
