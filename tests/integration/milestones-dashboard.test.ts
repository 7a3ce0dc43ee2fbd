// Where users see a milestone's status: GET /api/milestones(/:id) (the JSON of `marsad milestones`), the
// milestone page (/milestones/:id: the assessment, the timeline as inline SVG, the table of reports), the
// status page's links to it, and the stance of each mention on the article page. Over the five seeds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectMilestoneStatuses, milestoneJson } from '../../src/ops/milestones.js';
import { waitThroughPipeline } from '../../src/ops/wait.js';
import { actorNames, milestoneStatus, type TimelineEntry } from '../../src/milestones/assess.js';
import { DOCUMENT_STAGES } from '../../src/queues/names.js';
import { MILESTONE_PAGE_REPORTS } from '../../src/server/pages.js';
import { esc } from '../../src/server/views/html.js';
import { STANCES } from '../../src/tagging/schema.js';
import { milestonePage } from '../../src/server/views/milestone.js';
import { enqueueDocument, liveDocument, startDashboard, type Dashboard } from '../support/browser.js';
import { PIPELINE_MS, SLOW_TEST_MS } from '../support/limits.js';
import { timelineEntry } from '../support/timeline.js';

let d: Dashboard;

beforeAll(async () => {
  d = await startDashboard('milestones-dashboard');
}, SLOW_TEST_MS);

afterAll(async () => {
  await d?.close();
});

const get = (path: string, token: string | null = d.token) => fetch(`${d.base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const ids = () => d.app.config.milestones.milestones.map((m) => m.id);

/** The milestone with the most reports: the seeds give it a timeline. */
async function busiest() {
  const all = await collectMilestoneStatuses(d.app);
  return all.reduce((a, b) => (b.timeline.length > a.timeline.length ? b : a));
}

describe('GET /api/milestones', () => {
  it('is the JSON of marsad milestones, for the read-only role too', async () => {
    const res = await get('/api/milestones', d.readerToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { id: string; status: string; timeline: { articleId: string; stance: string }[] }[];
    expect(body.map((m) => m.id)).toEqual(ids());
    expect(body).toEqual(JSON.parse(JSON.stringify(await collectMilestoneStatuses(d.app))));
    for (const m of body) {
      expect(Object.keys(m)).toEqual(expect.arrayContaining(['id', 'title', 'due', 'from', 'status', 'since', 'sources', 'contradictions', 'timeline']));
      expect([...STANCES, 'unreported']).toContain(m.status);
    }
    expect(body.some((m) => m.timeline.length > 0)).toBe(true);
  });

  it('GET /api/milestones/:id: one milestone; 404 naming the known ids for an unknown one', async () => {
    const one = await get('/api/milestones/ain-al-asad-exit', d.readerToken);
    expect(one.status).toBe(200);
    const [expected] = await collectMilestoneStatuses(d.app, ['ain-al-asad-exit']);
    expect(await one.json()).toEqual(JSON.parse(JSON.stringify(expected)));
    const unknown = await get('/api/milestones/moon-exit');
    expect(unknown.status).toBe(404);
    const body = (await unknown.json()) as { error: string; details: string[] };
    expect(body.error).toBe('no such milestone');
    expect(body.details[0]).toContain(`known: ${ids().join(', ')}`);
  });

  it('needs a token like every API route', async () => {
    expect((await get('/api/milestones', null)).status).toBe(401);
    expect((await get('/api/milestones/ain-al-asad-exit', null)).status).toBe(401);
    expect((await get('/api/milestones', 'not-a-token-0123456789')).status).toBe(401);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await get('/api/openapi.json')).json()) as { paths: Record<string, { get: { responses: Record<string, unknown> } }>; components: { schemas: Record<string, { required?: string[] }> } };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/milestones', '/api/milestones/{id}']));
    expect(Object.keys(doc.paths['/api/milestones/{id}']!.get.responses)).toEqual(expect.arrayContaining(['200', '401', '404']));
    expect(doc.components.schemas.Milestone!.required).toEqual(['id', 'title', 'due', 'from', 'status', 'since', 'sources', 'contradictions', 'timeline']);
    expect(doc.components.schemas.TimelineEntry!.required).toEqual(['articleId', 'outlet', 'published', 'eventDate', 'stance', 'attribution', 'hedged', 'evidence']);
  });
});

describe('milestone page', () => {
  it('shows the assessment, the timeline as SVG with one mark per report and the legend, and the reports', async () => {
    const m = await busiest();
    expect(m.timeline.length).toBeGreaterThan(0);
    const res = await get(`/milestones/${m.id}`, d.readerToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    // The assessment on top: status with its colour, the summary in both languages, due date and past due.
    const assessment = html.slice(html.indexOf('id="assessment"'), html.indexOf('id="timeline"'));
    expect(assessment).toContain(`data-status="${m.status}"`);
    expect(assessment).toContain(`class="stance stance-${m.status}"`);
    expect(assessment).toContain(esc(m.summary.en));
    expect(assessment).toContain(`<p class="summary" lang="ar" dir="rtl" data-summary="ar">`);
    expect(assessment).toContain(`data-past-due="${m.pastDue}"`);
    for (const s of m.sources) expect(assessment).toContain(s.outlet);
    expect((assessment.match(/<span class="flag bad">contradiction<\/span>/g) ?? []).length).toBe(m.contradictions.length);
    // The timeline: one mark per report, coloured by stance and linked to its row; the due line; the legend.
    const svg = /<svg class="timeline"[\s\S]*?<\/svg>/.exec(html)?.[0];
    expect(svg).toBeDefined();
    const marks = [...svg!.matchAll(/<a href="#report-(\d+)" class="mark" data-report="\d+" data-stance="(\w+)" data-article="([0-9a-f]{16})">/g)];
    expect(marks.map((x) => [Number(x[1]), x[2], x[3]])).toEqual(m.timeline.map((e, i) => [i + 1, e.stance, e.articleId]));
    expect(svg).toContain(`data-due="${m.due}"`);
    for (const s of STANCES) expect(svg).toContain(`data-legend="${s}"`);
    // The table: a row per mark, evidence right to left when Arabic, a link to the article page.
    for (const [i, e] of m.timeline.entries()) {
      const row = new RegExp(`<tr class="report" id="report-${i + 1}" data-entry="${e.articleId}" data-stance="${e.stance}">[\\s\\S]*?</tr>`).exec(html)?.[0];
      expect(row, `row ${i + 1}`).toBeDefined();
      expect(row).toContain(`href="/articles/${e.articleId}"`);
      expect(row).toContain(`${e.published}`);
      if (e.evidence) expect(row).toMatch(/<div class="evidence"( lang="(ar|en)")? dir="auto">/);
      if (e.hedged) expect(row).toContain('>hedged<');
    }
    // The cues that decided the stances are highlighted by role.
    expect(html).toMatch(/<mark class="[^"]*cue-stance[^"]*"/);
    // CSP: no inline script, no style attributes.
    expect(html).not.toMatch(/<script(?![^>]*src=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle="/);
  });

  it('draws the axis from the window start to the due date or today, with every milestone rendering', async () => {
    for (const id of ids()) {
      const html = await (await get(`/milestones/${id}`)).text();
      const m = d.app.config.milestones.milestones.find((x) => x.id === id)!;
      expect(html).toContain(`from ${m.from}</text>`);
      expect(html).toContain(`due ${m.due}</text>`);
    }
  });

  it(`draws and lists only the newest ${MILESTONE_PAGE_REPORTS} reports of a long timeline, and says so`, () => {
    const config = d.app.config.milestones.milestones[0]!;
    const entries: TimelineEntry[] = Array.from({ length: MILESTONE_PAGE_REPORTS + 5 }, (_, i) =>
      timelineEntry(STANCES[i % STANCES.length]!, new Date(Date.parse(config.from) + i * 86_400_000).toISOString().slice(0, 10), {
        articleId: i.toString(16).padStart(16, '0'),
        outlet: `Outlet ${i % 7}`,
        hedged: i % 3 === 0,
      }),
    );
    const full = milestoneJson(milestoneStatus(config, entries, actorNames(d.app.config.stance)));
    const shown = { ...full, timeline: full.timeline.slice(-MILESTONE_PAGE_REPORTS) };
    const html = milestonePage({ milestone: shown, total: full.timeline.length, cues: new Map(), names: actorNames(d.app.config.stance), now: new Date() }, {});
    expect(html).toContain(`data-cut="${entries.length}"`);
    expect((html.match(/class="mark"/g) ?? []).length).toBe(MILESTONE_PAGE_REPORTS);
    expect((html.match(/<tr class="report"/g) ?? []).length).toBe(MILESTONE_PAGE_REPORTS);
  });

  it('answers 404 for an unknown milestone', async () => {
    const res = await get('/milestones/moon-exit');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('no milestone moon-exit');
  });
});

describe('status and article pages', () => {
  it('the status page links each milestone to its page and shows its status', async () => {
    const html = await (await get('/')).text();
    const statuses = await collectMilestoneStatuses(d.app);
    for (const m of statuses) {
      expect(html).toContain(`<a href="/milestones/${m.id}" data-milestone-link="${m.id}">`);
      expect(html).toMatch(new RegExp(`<span data-milestone-status="${m.id}"><span class="stance stance-${m.status}"`));
    }
  });

  it('the status page shows a new report at once (its statuses are reused only while no timeline changes)', async () => {
    // The milestone's card on the board: its status badge and the summary of the reporting.
    const statusCell = async () => /<article class="card[^"]*" data-milestone="ain-al-asad-exit">([\s\S]*?)<svg/.exec(await (await get('/')).text())?.[1];
    const before = await statusCell();
    expect(before).toBeDefined();
    const doc = liveDocument();
    await enqueueDocument(d.app, doc);
    const waited = await waitThroughPipeline(d.app, [doc.id], DOCUMENT_STAGES, { timeoutMs: PIPELINE_MS });
    expect(waited.get(doc.id)).toBeNull();
    const [fresh] = await collectMilestoneStatuses(d.app, ['ain-al-asad-exit']);
    expect(fresh!.timeline.map((e) => e.articleId)).toContain(doc.id);
    const after = await statusCell();
    expect(after).not.toBe(before);
    expect(after).toContain(esc(fresh!.summary.en));
  }, SLOW_TEST_MS);

  it("the article page shows each milestone's stance and, per mention, stance, attribution, flags and cues", async () => {
    const [id] = await d.app.store.listArticleIds({ milestone: 'ain-al-asad-exit' }, 1);
    const article = (await d.app.store.getArticle(id!))!;
    const html = await (await get(`/articles/${id}`)).text();
    for (const ref of article.milestones) {
      const item = new RegExp(`<li data-tag="milestone:${ref.id}" data-stance="${ref.stance}"><strong><a href="/milestones/${ref.id}">`).exec(html);
      expect(item, ref.id).not.toBeNull();
      const section = html.slice(item!.index, html.indexOf('</ul></li>', item!.index));
      expect((section.match(/<li class="mention" data-stance="/g) ?? []).length).toBe(ref.mentions.length);
      for (const m of ref.mentions) {
        expect(section).toContain(`<li class="mention" data-stance="${m.stance}">`);
        if (m.attribution) expect(section).toContain(`data-actor="${m.attribution.who}"`);
      }
      if (ref.mentions.some((m) => m.hedged)) expect(section).toContain('data-flag="hedged"');
      if (ref.mentions.some((m) => m.background)) expect(section).toContain('data-flag="background"');
      if (ref.mentions.some((m) => m.history)) expect(section).toContain('data-flag="history"');
      expect(section).toMatch(/<div class="evidence"( lang="(ar|en)")? dir="auto">/);
    }
    expect(html).toMatch(/<mark class="[^"]*cue-/);
  });
});

describe('Arabic interface on the milestone, article and story pages', () => {
  const arabic = (path: string) => fetch(`${d.base}${path}${path.includes('?') ? '&' : '?'}lang=ar`, { headers: { authorization: `Bearer ${d.token}` } }).then((r) => r.text());

  it('translates the labels and keeps the ids, classes and data attributes; English stays the default', async () => {
    const m = await busiest();
    const html = await arabic(`/milestones/${m.id}`);
    expect(html).toMatch(/<html lang="ar" dir="rtl">/);
    expect(html).toContain(`data-milestone-page="${m.id}"`);
    expect(html).toContain('<dt>الموعد</dt>');
    expect(html).toContain('<dt>المصادر</dt>');
    expect(html).toContain('<h3>الخط الزمني</h3>');
    // Dates after Arabic words are isolated left to right, or 2025-09-15 would read 15-09-2025.
    expect(html).toContain(`الموعد \u2066${m.due}\u2069</text>`);
    expect(html).toContain('<th>التقرير</th><th>الحدث</th><th>الوسيلة</th><th>الموقف</th>');
    expect(html).toMatch(/<g class="legend-item" data-legend="started">.*?>بدأ<\/text><\/g>/);
    expect(html).toContain(`<span data-summary="en" lang="en" dir="ltr">`);
    expect(html).not.toContain('<th>report</th>');
    expect(await (await get(`/milestones/${m.id}?lang=en`)).text()).toContain('<th>report</th><th>event</th>');

    const [id] = await d.app.store.listArticleIds({ milestone: m.id }, 1);
    const article = (await d.app.store.getArticle(id!))!;
    const page = await arabic(`/articles/${id}`);
    expect(page).toContain('<h3>المحطات</h3>');
    expect(page).toContain('<h3>نشرته أيضاً</h3>');
    expect(page).toContain(' · نُشر \u2066<time');
    expect(page).toContain(`<div class="text"${article.language === 'ar' ? ' lang="ar" dir="rtl"' : ' lang="en" dir="ltr"'}>`);
    expect(page).toMatch(/<span class="muted">الإشارات: \d+<\/span>/);

    const storyId = article.storyId ?? (await d.app.stories.storyOf([id!]))[0];
    expect(storyId).toBeTruthy();
    const story = await arabic(`/stories/${storyId}`);
    expect(story).toContain(`data-story-page="${storyId}"`);
    expect(story).toContain('<dt>التقارير</dt>');
    expect(story).toContain('<dt>أول تقرير</dt>');
    expect(story).toContain('<dt>آخر تقرير</dt>');
    expect(story).toContain('<dt>اللغات</dt>');
    expect(story).toContain('<dt>الوسائل</dt>');
    expect(story).toContain('<h3>بالعربية</h3>');
    expect(story).toContain('<p class="joined" data-joined="first">أول تقرير</p>');
    expect(await (await get(`/stories/${storyId}?lang=en`)).text()).toContain('<dt>first report</dt>');
  });
});
