import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { retryDelivery } from '../ops/deliveries.js';
import { collectMilestoneStatuses } from '../ops/milestones.js';
import { actorNames } from '../milestones/assess.js';
import { articleStance, type StanceCue } from '../tagging/stance.js';
import { registerBullBoard } from './bull-board.js';
import type { ServerContext } from './context.js';
import { collectView, MilestoneStatusCache, queueSample } from './dashboard-data.js';
import { EventHub, registerEvents } from './events.js';
import { watchSections } from './live.js';
import { startSampling } from './samples.js';
import { articlePage, notFoundPage } from './views/article.js';
import type { LayoutOptions, NavEntry } from './views/html.js';
import { isLang, LANG_COOKIE, type Lang } from './views/i18n.js';
import { milestonePage } from './views/milestone.js';
import { storyPage } from './views/story.js';
import { readStory, STORY_ID } from '../stories/read.js';
import { DASHBOARD_SCRIPT } from './views/script.js';
import { alertRow, renderSection, sectionsPage, SECTIONS, statusPage, type Section, type StatusView } from './views/status.js';
import { ARTICLE_ID } from './api-schemas.js';

export { MilestoneStatusCache };

/** Reports drawn and listed on a milestone's page: the newest ones (the assessment counts them all). */
export const MILESTONE_PAGE_REPORTS = 200;

const DELIVERY_ID = /^dl-[0-9a-f]{16}$/;
const YEAR_S = 365 * 24 * 3600;

const HTML = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };

type Query = Record<string, string | undefined>;

/** The CSP nonces @fastify/helmet puts on the reply when the server's CSP uses them. */
function nonceOf(reply: FastifyReply): LayoutOptions['nonce'] {
  return (reply as { cspNonce?: LayoutOptions['nonce'] }).cspNonce;
}

/** @fastify/csrf-protection's token for the replay forms, when the server has it. */
async function csrfOf(reply: FastifyReply): Promise<string | null> {
  const generate = (reply as { generateCsrf?: () => string | Promise<string> }).generateCsrf;
  return typeof generate === 'function' ? await generate.call(reply) : null;
}

/** The interface language: `?lang=` (remembered in a cookie for a year), else the cookie, else English. */
function languageOf(request: FastifyRequest, reply: FastifyReply): Lang {
  const asked = (request.query as Query | undefined)?.lang;
  if (isLang(asked)) {
    reply.setCookie(LANG_COOKIE, asked, { path: '/', sameSite: 'lax', maxAge: YEAR_S, httpOnly: true });
    return asked;
  }
  const remembered = request.cookies?.[LANG_COOKIE];
  return isLang(remembered) ? remembered : 'en';
}

/** This page in the other language. */
function switchHrefOf(request: FastifyRequest, lang: Lang): string {
  const url = new URL(request.url, 'http://dashboard');
  url.searchParams.set('lang', lang === 'ar' ? 'en' : 'ar');
  return `${url.pathname}?${url.searchParams.toString()}`;
}

/** The chrome of a page: nonce, language, its switch. */
function chromeOf(request: FastifyRequest, reply: FastifyReply): Pick<LayoutOptions, 'nonce' | 'lang' | 'switchHref'> {
  const lang = languageOf(request, reply);
  return { nonce: nonceOf(reply), lang, switchHref: switchHrefOf(request, lang) };
}

/** The dashboard's own pages: one navigation entry each, with the sections it shows. */
const PAGES: { path: string; entry: NavEntry; sections: readonly Section[] }[] = [
  { path: '/health', entry: 'health', sections: ['queues', 'feeds'] },
  { path: '/alerts', entry: 'alerts', sections: ['alerts'] },
  { path: '/deliveries', entry: 'deliveries', sections: ['deliveries'] },
  { path: '/articles', entry: 'articles', sections: ['articles'] },
];

/**
 * The dashboard's pages: the overview at `/` (milestone board, queue and feed health, the first rows of each
 * table), a page per table with `?page=`, article, milestone and story pages, the replay button's route, the
 * page script, live updates at `/events` (with `/fragments/:section` for the tables that changed) and
 * bull-board at `/queues`. Behind the auth hook of server.ts like everything else; the replay route needs
 * the operator role (and the CSRF token). `?lang=ar|en` switches the interface language.
 */
export async function registerPages(server: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { app } = ctx;
  const statusCache = new MilestoneStatusCache(app);

  const viewFor = async (request: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply, sections: readonly Section[], path: string, lang: Lang): Promise<StatusView> => {
    const data = await collectView(app, { sections, query: request.query, lang, path }, statusCache);
    const replayed = request.query.replayed && DELIVERY_ID.test(request.query.replayed) ? await app.alerts.getDelivery(request.query.replayed) : null;
    return {
      ...data,
      canReplay: request.role === 'operator',
      csrfToken: request.role === 'operator' ? await csrfOf(reply) : null,
      flash: replayed ? `replay of ${replayed.id} requested: it is ${replayed.status} now (attempts ${replayed.attempts})` : null,
    };
  };

  server.get('/assets/dashboard.js', async (_request, reply) =>
    reply.headers({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }).send(DASHBOARD_SCRIPT),
  );

  server.get<{ Querystring: Query }>('/', async (request, reply) => {
    const chrome = chromeOf(request, reply);
    const view = await viewFor(request, reply, SECTIONS, '/', chrome.lang!);
    return reply.headers(HTML).send(statusPage(view, { ...chrome, scripts: ['/assets/dashboard.js'] }));
  });

  for (const page of PAGES) {
    server.get<{ Querystring: Query }>(page.path, async (request, reply) => {
      const chrome = chromeOf(request, reply);
      const view = await viewFor(request, reply, page.sections, page.path, chrome.lang!);
      return reply.headers(HTML).send(sectionsPage(view, page.sections, page.entry, page.path, { ...chrome, scripts: ['/assets/dashboard.js'] }));
    });
  }

  // One section alone, for the page script to swap in when /events says it changed; `from` is the page it is on.
  server.get<{ Params: { section: string }; Querystring: Query }>('/fragments/:section', async (request, reply) => {
    const section = SECTIONS.find((s) => s === request.params.section);
    if (!section) return reply.code(404).send({ error: 'not found', details: [`no section ${request.params.section}; sections: ${SECTIONS.join(', ')}`] });
    const from = PAGES.find((p) => p.path === request.query.from)?.path ?? '/';
    const lang = languageOf(request, reply);
    const view = await viewFor(request, reply, [section], from, lang);
    return reply.headers(HTML).send(renderSection(section, view, from));
  });

  server.get<{ Params: { id: string } }>('/articles/:id', async (request, reply) => {
    const chrome = chromeOf(request, reply);
    const article = ARTICLE_ID.test(request.params.id) ? await app.store.readArticle(request.params.id) : null;
    if (!article) return reply.code(404).headers(HTML).send(notFoundPage(`no article ${request.params.id}`, chrome));
    const storyReports = article.storyId ? (await app.stories.members(article.storyId)).length : undefined;
    return reply.headers(HTML).send(articlePage(article, chrome, actorNames(app.config.stance), storyReports));
  });

  server.get<{ Params: { id: string } }>('/milestones/:id', async (request, reply) => {
    const chrome = chromeOf(request, reply);
    const known = app.config.milestones.milestones.some((m) => m.id === request.params.id);
    const [milestone] = known ? await collectMilestoneStatuses(app, [request.params.id]) : [];
    if (!milestone) return reply.code(404).headers(HTML).send(notFoundPage(`no milestone ${request.params.id}`, chrome));
    const total = milestone.timeline.length;
    const shown = { ...milestone, timeline: milestone.timeline.slice(-MILESTONE_PAGE_REPORTS) };
    // The cues that decided each report's stance are in the stored articles (the timeline keeps the evidence only).
    const cues = new Map<string, StanceCue[]>();
    for (const a of await app.store.getArticles(shown.timeline.map((e) => e.articleId))) {
      const ref = a.milestones.find((m) => m.id === milestone.id);
      const decisive = articleStance(ref?.mentions ?? []).decisive;
      if (decisive) cues.set(a.id, decisive.cues);
    }
    const storyIds = await app.stories.storyOf(shown.timeline.map((e) => e.articleId));
    const stories = new Map(shown.timeline.flatMap((e, i) => (storyIds[i] ? [[e.articleId, storyIds[i]!] as const] : [])));
    const view = { milestone: shown, total, cues, stories, names: actorNames(app.config.stance), now: new Date() };
    return reply.headers(HTML).send(milestonePage(view, chrome));
  });

  server.get<{ Params: { id: string } }>('/stories/:id', async (request, reply) => {
    const chrome = chromeOf(request, reply);
    const story = STORY_ID.test(request.params.id) ? await readStory(app, request.params.id) : null;
    if (!story) return reply.code(404).headers(HTML).send(notFoundPage(`no story ${request.params.id}`, chrome));
    // A story id retired by a merge: the story it is part of now.
    if (story.id !== request.params.id) return reply.redirect(`/stories/${story.id}`, 302);
    return reply.headers(HTML).send(storyPage(story, chrome, actorNames(app.config.stance)));
  });

  server.post<{ Params: { id: string } }>('/deliveries/:id/replay', { preHandler: ctx.requireOperator }, async (request, reply) => {
    const { id } = request.params;
    if (!DELIVERY_ID.test(id)) return reply.code(400).send({ error: 'bad request', details: ['expected a delivery id (dl- and 16 hex digits)'] });
    const message = await retryDelivery(app, id);
    app.log.info({ delivery_id: id, result: message }, 'delivery replay requested from the dashboard');
    return reply.redirect(`/?replayed=${encodeURIComponent(id)}#deliveries`, 303);
  });

  const hub = new EventHub(app, (alert, lang) => alertRow(alert, undefined, undefined, lang));
  registerEvents(server, hub);
  const stopWatching = watchSections(app, hub, statusCache);
  const stopSampling = startSampling(app, () => queueSample(app));
  server.addHook('onClose', async () => {
    stopWatching();
    stopSampling();
  });
  await registerBullBoard(server, app);
}
