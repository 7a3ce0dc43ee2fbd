import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/alerts/model.js';
import { waitThroughPipeline } from '../../src/ops/wait.js';
import type { Article, SourceDocument } from '../../src/model.js';
import { DOCUMENT_STAGES, STAGES } from '../../src/queues/names.js';
import { readSamples, recordSample, samplesKey, WINDOW_MINUTES, type QueueSample } from '../../src/server/samples.js';
import { articleHighlights } from '../../src/server/views/article.js';
import { enqueueDocument, liveDocument, startDashboard, type Dashboard } from '../support/browser.js';
import { PIPELINE_MS, SLOW_TEST_MS } from '../support/limits.js';

let d: Dashboard;

beforeAll(async () => {
  d = await startDashboard('dashboard-pages');
}, SLOW_TEST_MS);

afterAll(async () => {
  await d?.close();
});

const get = (path: string, token = d.token, init: RequestInit = {}) => fetch(`${d.base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });

function unescape(html: string): string {
  return html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

describe('status page', () => {
  it('shows every queue with its counts, the seeded articles and the milestones', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    for (const stage of STAGES) expect(html).toContain(`data-queue="${stage}"`);
    const completed = Number(/data-count="clean:completed">(\d+)</.exec(html)?.[1]);
    expect(completed).toBeGreaterThanOrEqual(5);
    // Throughput over the last 1/15/60 min: the seeds' five clean jobs just finished.
    expect(html).toContain('data-throughput="clean">5 / 5 / 5<');
    expect(html).toMatch(/<svg class="spark"/);
    const ids = await d.app.store.listArticleIds({}, 0);
    for (const id of ids) expect(html).toContain(`href="/articles/${id}"`);
    for (const m of d.app.config.milestones.milestones) expect(html).toContain(`data-milestone="${m.id}"`);
    // The status page links its script, which the CSP allows ('self'), and no inline script.
    expect(html).toContain('<script src="/assets/dashboard.js"');
    expect(html).not.toMatch(/<script(?![^>]*src=)[^>]*>/);
  });

  it('marks Arabic content right to left', async () => {
    const html = await (await get('/')).text();
    const articles = await d.app.store.getArticles(await d.app.store.listArticleIds({}, 0));
    const titled = articles.filter((a) => a.language === 'ar' && a.title);
    expect(titled.length).toBeGreaterThan(0);
    for (const a of titled) expect(html).toContain(`<a href="/articles/${a.id}" lang="ar" dir="rtl">`);
    for (const m of d.app.config.milestones.milestones) expect(html).toContain(`<div lang="ar" dir="rtl">${m.title.ar}</div>`);
  });

  it('filters articles by milestone, language and outlet from the query string', async () => {
    const all = await d.app.store.getArticles(await d.app.store.listArticleIds({}, 0));
    const withMilestone = all.filter((a) => a.milestones.some((m) => m.id === 'ain-al-asad-exit'));
    const section = (html: string) => html.slice(html.indexOf('id="articles"'));
    const byMilestone = section(await (await get('/?milestone=ain-al-asad-exit')).text());
    expect((byMilestone.match(/data-article="/g) ?? []).length).toBe(withMilestone.length);
    const byOutlet = section(await (await get(`/?outlet=${encodeURIComponent('erem')}`)).text());
    expect((byOutlet.match(/data-article="/g) ?? []).length).toBe(all.filter((a) => a.source === 'Erem News').length);
    const english = section(await (await get('/?language=en')).text());
    expect(english).toContain('no articles match');
  });
});

describe('article page', { timeout: SLOW_TEST_MS }, () => {
  it('shows the clean text with every tag and milestone match highlighted at its offsets', async () => {
    const [article] = (await d.app.store.getArticles(await d.app.store.listArticleIds({ milestone: 'ain-al-asad-exit' }, 1))) as Article[];
    const res = await get(`/articles/${article!.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const text = /<div class="text" lang="ar" dir="rtl">([\s\S]*?)<\/div>/.exec(html)?.[1];
    expect(text).toBeDefined();
    // Without the marks it is the article's text, character for character.
    expect(unescape(text!.replace(/<\/?mark[^>]*>/g, ''))).toBe(article!.text);
    // Each mark starts and ends where a match does (overlapping matches share one mark).
    const spans = articleHighlights(article!);
    let at = 0;
    const marks: { start: number; end: number }[] = [];
    for (const part of text!.split(/(<mark[^>]*>[\s\S]*?<\/mark>)/)) {
      const inner = /^<mark[^>]*>([\s\S]*)<\/mark>$/.exec(part);
      const plain = unescape(inner ? inner[1]! : part);
      if (inner) marks.push({ start: at, end: at + plain.length });
      at += plain.length;
    }
    expect(marks.length).toBeGreaterThan(0);
    for (const m of marks) {
      expect(spans.some((s) => s.start === m.start)).toBe(true);
      expect(spans.some((s) => s.end === m.end)).toBe(true);
    }
    for (const s of spans) expect(marks.some((m) => m.start <= s.start && s.end <= m.end)).toBe(true);
    expect(html).toContain('data-tag="milestone:ain-al-asad-exit"');
  });

  it('lists the reprints of an original ("also reported by") and links a reprint to it', async () => {
    // Another outlet reprints a seed word for word.
    const [originalId] = await d.app.store.listArticleIds({ milestone: 'ain-al-asad-exit' }, 1);
    // The raw document is dropped once its article is registered for dedup: the reprint is made from the article.
    const original = (await d.app.store.getArticle(originalId!))!;
    const copy: SourceDocument = {
      id: 'abcdefabcdef0001',
      origin: { kind: 'seed', file: 'reprint.txt' },
      format: 'text',
      body: original.text,
      url: 'https://reprints.example.org/story',
      source: 'Reprint Agency',
      author: null,
      title: original.title,
      published: original.published,
      language: original.language,
      baseline: true,
      receivedAt: new Date().toISOString(),
    };
    await enqueueDocument(d.app, copy);
    const waited = await waitThroughPipeline(d.app, [copy.id], DOCUMENT_STAGES, { timeoutMs: PIPELINE_MS });
    expect(waited.get(copy.id)).toBeNull();
    const reprint = (await d.app.store.getArticle(copy.id))!;
    expect(reprint.duplicateOf).toBe(originalId);
    const reprintHtml = await (await get(`/articles/${reprint!.id}`)).text();
    expect(reprintHtml).toContain(`href="/articles/${reprint!.duplicateOf}"`);
    const originalHtml = await (await get(`/articles/${reprint!.duplicateOf}`)).text();
    expect(originalHtml.slice(originalHtml.indexOf('Also reported by'))).toContain(`href="/articles/${reprint!.id}"`);
  });

  it('answers 404 for an unknown article', async () => {
    expect((await get('/articles/0000000000000000')).status).toBe(404);
    expect((await get('/articles/not-an-id')).status).toBe(404);
  });
});

it('escapes what articles, outlets and alerts say', async () => {
  const [first] = await d.app.store.getArticles(await d.app.store.listArticleIds({ milestone: 'ain-al-asad-exit' }, 1));
  const evil: Article = {
    ...first!,
    id: 'eeeeeeeeeeeeeeee',
    title: '<script>alert(1)</script>',
    source: '"><img src=x onerror=alert(2)>',
    text: `${first!.text}\n\n<b>bold</b> & more`,
    seq: await d.app.store.nextSeq(),
    duplicateOf: null,
  };
  await d.app.store.saveArticle(evil, null);
  for (const path of ['/', `/articles/${evil.id}`]) {
    const html = await (await get(path)).text();
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    if (path !== '/') expect(html).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; more');
  }
});

describe('deliveries', () => {
  const dead: Delivery = {
    id: 'dl-00000000000000d1',
    subscriberId: 'desk',
    channel: 'webhook',
    alertIds: ['al-0000000000000001'],
    digest: null,
    status: 'dead',
    attempts: 5,
    attemptStartedAt: null,
    lastError: 'HTTP 500 <from the receiver>',
    lastResponse: null,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    sentAt: null,
  };

  beforeAll(async () => {
    await d.app.alerts.createDelivery(dead);
    await d.app.alerts.updateDelivery(dead);
  });

  it('shows a replay button to operators only, with the CSRF token', async () => {
    const operator = await (await get('/')).text();
    expect(operator).toContain(`action="/deliveries/${dead.id}/replay"`);
    expect(operator).toMatch(/name="_csrf" value="[^"]+"/);
    expect(operator).toContain('HTTP 500 &lt;from the receiver&gt;');
    const reader = await (await get('/', d.readerToken)).text();
    expect(reader).toContain(`data-delivery="${dead.id}"`);
    expect(reader).not.toContain(`action="/deliveries/${dead.id}/replay"`);
  });

  it('replays a dead delivery for an operator, refuses a reader', async () => {
    const post = (token: string) => get(`/deliveries/${dead.id}/replay`, token, { method: 'POST', redirect: 'manual' });
    expect((await post(d.readerToken)).status).toBe(403);
    expect((await d.app.alerts.getDelivery(dead.id))!.status).toBe('dead');
    const res = await post(d.token);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/?replayed=${dead.id}#deliveries`);
    expect((await d.app.alerts.getDelivery(dead.id))!.status).toBe('retrying');
    expect(await (await get(`/?replayed=${dead.id}`)).text()).toContain(`replay of ${dead.id} requested: it is retrying now`);
  });
});

describe('bull-board', () => {
  it('is read-only at /queues for readers, with changes at /queues/operator for operators only', async () => {
    const board = await get('/queues', d.readerToken);
    expect(board.status).toBe(200);
    expect(await board.text()).toContain('marsad queues (read-only)');
    const queues = (await (await get('/queues/api/queues', d.readerToken)).json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(queues.queues.map((q) => q.name).sort()).toEqual([...STAGES].sort());
    expect(queues.queues.every((q) => q.readOnlyMode)).toBe(true);
    expect((await get('/queues/api/queues/clean/retry/failed', d.readerToken, { method: 'PUT' })).status).toBeGreaterThanOrEqual(400);
    expect((await get('/queues/operator', d.readerToken)).status).toBe(403);
    // An operator opening the read-only board is sent to the operators' one.
    const redirect = await get('/queues', d.token, { redirect: 'manual' });
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get('location')).toBe('/queues/operator');
    expect((await get('/queues/operator/api/queues/clean/retry/failed', d.token, { method: 'PUT' })).status).toBe(200);
    const crossSite = await get('/queues/operator/api/queues/clean/retry/failed', d.token, { method: 'PUT', headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
  });
});

describe('dashboard app', () => {
  it('switches the interface language with ?lang= and remembers it in a cookie; dir follows', async () => {
    const res = await get('/health?lang=ar');
    expect(res.headers.get('set-cookie')).toMatch(/marsad_lang=ar/);
    expect(await res.text()).toMatch(/<html lang="ar" dir="rtl">/);
    const remembered = await (await get('/alerts', d.token, { headers: { cookie: 'marsad_lang=ar' } })).text();
    expect(remembered).toMatch(/<html lang="ar" dir="rtl">/);
    expect(remembered).toContain('href="/alerts?lang=en"');
    expect(await (await get('/alerts')).text()).toMatch(/<html lang="en" dir="ltr">/);
  });

  it('puts the milestone board on top: each milestone with its due date, past due marked, status, chart and latest reports', async () => {
    const html = await (await get('/')).text();
    expect(html.indexOf('id="milestones"')).toBeLessThan(html.indexOf('id="queues"'));
    for (const m of d.app.config.milestones.milestones) {
      const card = html.slice(html.indexOf(`<article class="card`, html.indexOf(`data-milestone="${m.id}"`) - 40), html.indexOf('</article>', html.indexOf(`data-milestone="${m.id}"`)));
      expect(card).toContain(m.due);
      expect(card).toMatch(/data-past-due="(true|false)"/);
      expect(card).toContain('<svg class="perday"');
      expect(card).toMatch(/class="stance stance-\w+"/);
    }
    expect(html).toContain('data-legend="highlights"');
    expect(html).toContain('data-legend="status"');
  });

  it('pages long tables on their own page (?page=), 25 rows a page', async () => {
    const at = Date.now();
    const made: Delivery[] = Array.from({ length: 30 }, (_, i) => ({
      id: `dl-${(0xaa00 + i).toString(16).padStart(16, '0')}`,
      subscriberId: 'desk',
      channel: 'webhook',
      alertIds: ['al-00000000000000aa'],
      digest: null,
      status: 'sent',
      attempts: 1,
      attemptStartedAt: null,
      lastError: null,
      lastResponse: null,
      createdAt: new Date(at + i).toISOString(),
      updatedAt: new Date(at + i).toISOString(),
      sentAt: new Date(at + i).toISOString(),
    }));
    for (const x of made) await d.app.alerts.createDelivery(x);
    const first = await (await get('/deliveries')).text();
    expect((first.match(/<tr data-delivery="/g) ?? []).length).toBe(25);
    expect(first).toContain('href="/deliveries?page=2"');
    const second = await (await get('/deliveries?page=2')).text();
    expect(second).toContain('href="/deliveries?page=1"');
    const ids = new Set([...first.matchAll(/<tr data-delivery="([^"]+)"/g), ...second.matchAll(/<tr data-delivery="([^"]+)"/g)].map((m) => m[1]));
    for (const x of made) expect(ids.has(x.id)).toBe(true);
  });

  it('serves each section alone for live updates, and 404 for an unknown one', async () => {
    const feeds = await get('/fragments/feeds?from=/health');
    expect(feeds.status).toBe(200);
    expect(await feeds.text()).toMatch(/^<section id="feeds"/);
    expect(await (await get('/fragments/queues')).text()).toContain('data-count="clean:completed"');
    expect((await get('/fragments/nothing')).status).toBe(404);
  });

  it("says what an alert's deliveries became: a delivered baseline alert is not 'not delivered'", async () => {
    const [alert] = await d.app.alerts.getAlerts(await d.app.alerts.listAlertIds(1));
    expect(alert!.baseline).toBe(true);
    const rowOf = (html: string) => html.slice(html.indexOf(`data-alert="${alert!.id}"`), html.indexOf('</tr>', html.indexOf(`data-alert="${alert!.id}"`)));
    expect(rowOf(await (await get('/')).text())).toContain('baseline: not delivered');
    const now = new Date().toISOString();
    await d.app.alerts.createDelivery({ id: 'dl-00000000000bb001', subscriberId: 'desk', channel: 'email', alertIds: [alert!.id], digest: null, status: 'sent', attempts: 1, attemptStartedAt: null, lastError: null, lastResponse: null, createdAt: now, updatedAt: now, sentAt: now });
    const row = rowOf(await (await get('/')).text());
    expect(row).toContain('data-delivered="sent"');
    expect(row).not.toContain('not delivered');
  });

  it('keeps one queue sample a minute in Redis, bounded to the last hour', async () => {
    const sample = (n: number) => Object.fromEntries(STAGES.map((s) => [s, { waiting: n, failed: 0 }])) as QueueSample;
    // Minutes ahead of the server's own sampler (it writes the current minute), which they push out of the window.
    const base = Date.now() + 24 * 3600_000;
    for (let i = 0; i <= 90; i++) await recordSample(d.app, sample(i), base + i * 60_000);
    expect(await d.app.redis.hlen(samplesKey(d.app))).toBeLessThanOrEqual(WINDOW_MINUTES + 1);
    const history = await readSamples(d.app, base + 90 * 60_000);
    expect(history.waiting.clean).toHaveLength(WINDOW_MINUTES);
    expect(history.waiting.clean.at(-1)).toBe(90);
    expect(history.waiting.clean[0]).toBe(31);
  });
});

// The events come once a document is through the pipeline: the limits only guard against a hang.
describe('live updates', { timeout: SLOW_TEST_MS }, () => {
  /** Reads Server-Sent Events from /events until `until` returns true for one. */
  async function readEvents(until: (event: string, data: unknown) => boolean, action: () => Promise<void>, timeoutMs = PIPELINE_MS) {
    const controller = new AbortController();
    const res = await get('/events', d.token, { signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const seen: { event: string; data: unknown }[] = [];
    let buffer = '';
    let acted = false;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        if (!acted && buffer.includes(': connected')) {
          acted = true;
          await action();
        }
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) {
            seen.push({ event, data: JSON.parse(data) });
            if (until(event, JSON.parse(data))) return seen;
          }
        }
      }
    } catch (err) {
      if (!controller.signal.aborted) throw err;
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    throw new Error(`no matching event in ${JSON.stringify(seen).slice(0, 500)}`);
  }

  it('sends new counts when a job completes and the new alert when one is recorded', async () => {
    const doc = liveDocument();
    let alertHtml = '';
    let cleanCompleted = 0;
    await readEvents(
      (event, data) => {
        if (event === 'alert') alertHtml = (data as { html: string }).html;
        const c = data as { stage?: string; counts?: Record<string, number> };
        if (event === 'counts' && c.stage === 'clean') cleanCompleted = c.counts!.completed!;
        return alertHtml !== '' && cleanCompleted > 0;
      },
      () => enqueueDocument(d.app, doc),
    );
    // The seeds' five clean jobs, the reprint's and this one's.
    expect(cleanCompleted).toBeGreaterThanOrEqual(7);
    expect(alertHtml).toContain(`href="/articles/${doc.id}"`);
    expect(alertHtml).toContain('dir="rtl"');
  });

  it('tells the browsers when a table changed (a new delivery: the deliveries section)', async () => {
    const now = new Date().toISOString();
    const seen = await readEvents(
      (event, data) => event === 'changed' && (data as { section: string }).section === 'deliveries',
      () => d.app.alerts.createDelivery({ id: 'dl-00000000000cc001', subscriberId: 'desk', channel: 'email', alertIds: [], digest: null, status: 'pending', attempts: 0, attemptStartedAt: null, lastError: null, lastResponse: null, createdAt: now, updatedAt: now, sentAt: null }).then(() => undefined),
    );
    expect(seen.at(-1)).toEqual({ event: 'changed', data: { section: 'deliveries' } });
  });

  it('ends the streams when the server closes (server.close does not wait for them)', async () => {
    const res = await get('/events');
    const reader = res.body!.getReader();
    await reader.read();
    // A second server on the same app: closing it must end its open stream promptly.
    const { createServer } = await import('../../src/server/server.js');
    const other = await createServer(d.app);
    const base = await other.listen({ host: '127.0.0.1', port: 0 });
    const stream = await fetch(`${base}/events`, { headers: { authorization: `Bearer ${d.token}` } });
    const otherReader = stream.body!.getReader();
    await otherReader.read();
    // An open stream would keep close() waiting for ever: that it returns at all is the point, however long
    // a loaded machine makes it take. Then the stream has ended.
    await other.close();
    for (;;) if ((await otherReader.read()).done) break;
    await reader.cancel();
  });
});
