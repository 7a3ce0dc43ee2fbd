import type { Alert, Delivery, DeliveryStatus } from '../../alerts/model.js';
import type { FeedReport } from '../../ops/feeds.js';
import type { Status } from '../../milestones/assess.js';
import type { Article } from '../../model.js';
import type { MilestoneOverview } from '../../ops/overview.js';
import { milestoneBoard, type BoardMilestone } from './board.js';
import { feedsSection, queuesSection, type QueueView } from './health.js';
import { highlightEvidence } from './highlight.js';
import { esc, highlightLegend, langAttrs, layout, liveIndicator, textLangAttrs, time, type LayoutOptions, type NavEntry } from './html.js';
import { t, type Lang } from './i18n.js';
import { storyLink } from './story.js';

export type { QueueView };

export interface ArticleFilters {
  base?: string | undefined;
  topic?: string | undefined;
  milestone?: string | undefined;
  language?: string | undefined;
  outlet?: string | undefined;
}

export interface Choice {
  id: string;
  name: string;
}

/** One page of a long table: which page, whether there is a next one, and the query that leads to each. */
export interface Pager {
  page: number;
  hasNext: boolean;
  /** The page's path and query without `page` (filters kept). */
  href: string;
}

/** What became of an alert's deliveries, by status (from the newest deliveries). */
export type AlertDeliveries = Partial<Record<DeliveryStatus, number>>;

export interface StatusView {
  queues: QueueView[];
  feeds: FeedReport[];
  milestones: MilestoneOverview[];
  /** Each milestone's status from the reporting, by id (see /milestones/:id). */
  milestoneStatuses: Record<string, { status: Status; since: string | null; summary: { en: string; ar: string }; pastDue: boolean }>;
  /** The milestone board's cards (status, timeline, due). */
  board?: BoardMilestone[];
  articles: Article[];
  /** How many of the newest articles were looked through for the language/outlet filters, when that bound was hit. */
  scanLimit: number | null;
  filters: ArticleFilters;
  choices: { bases: Choice[]; topics: Choice[]; milestones: Choice[] };
  totals: { articles: number; duplicates: number };
  alerts: Alert[];
  /** The story each alert's article is in now and its number of reports, by alert id. */
  alertStories?: Record<string, { id: string; reports: number }>;
  /** The deliveries each alert got, by alert id. */
  alertDeliveries?: Record<string, AlertDeliveries>;
  deliveries: Delivery[];
  /** Replay buttons are shown to operators only; the route checks again. */
  canReplay: boolean;
  csrfToken: string | null;
  flash: string | null;
  generatedAt: string;
  lang?: Lang;
  /** The pagers of the tables shown on their own page. */
  pagers?: { alerts?: Pager; deliveries?: Pager; articles?: Pager };
}

const langOf = (v: Pick<StatusView, 'lang'>): Lang => v.lang ?? 'en';

/** Previous and next links; nothing when everything fits on one page. */
export function pagerNav(p: Pager | undefined, lang: Lang): string {
  if (!p || (p.page === 1 && !p.hasNext)) return '';
  const to = (page: number) => `${p.href}${p.href.includes('?') ? '&' : '?'}page=${page}`;
  const prev = p.page > 1 ? `<a href="${esc(to(p.page - 1))}" rel="prev">${esc(t(lang, 'previous'))}</a>` : `<span class="muted">${esc(t(lang, 'previous'))}</span>`;
  const next = p.hasNext ? `<a href="${esc(to(p.page + 1))}" rel="next">${esc(t(lang, 'next'))}</a>` : `<span class="muted">${esc(t(lang, 'next'))}</span>`;
  return `<nav class="pager" aria-label="${esc(t(lang, 'page'))}" data-page="${p.page}">${prev}<span>${esc(t(lang, 'page'))} ${p.page}</span>${next}</nav>`;
}

/** A link to a table's own page, for the overview's short tables. */
const more = (href: string, lang: Lang) => `<a class="more" href="${href}">${esc(t(lang, 'all'))} →</a>`;

function select(name: string, caption: string, choices: readonly Choice[], selected: string | undefined, lang: Lang): string {
  const options = choices.map((c) => `<option value="${esc(c.id)}"${c.id === selected ? ' selected' : ''}>${esc(c.name)}</option>`).join('');
  return `<label>${esc(caption)}<select name="${esc(name)}"><option value="">${esc(t(lang, 'any'))}</option>${options}</select></label>`;
}

function articlesSection(v: StatusView, action: string): string {
  const lang = langOf(v);
  const f = v.filters;
  const form = `<form class="filters" method="get" action="${action}#articles">${select('base', t(lang, 'bases'), v.choices.bases, f.base, lang)}${select('topic', t(lang, 'topics'), v.choices.topics, f.topic, lang)}${select('milestone', t(lang, 'milestone'), v.choices.milestones, f.milestone, lang)}
${select('language', t(lang, 'lang'), [{ id: 'ar', name: 'العربية (ar)' }, { id: 'en', name: 'English (en)' }, { id: 'und', name: 'unknown' }], f.language, lang)}
<label>${esc(t(lang, 'outlet'))}<input name="outlet" value="${esc(f.outlet ?? '')}" size="14"></label><button type="submit">${esc(t(lang, 'filter'))}</button> <a href="${action}#articles">${esc(t(lang, 'clear'))}</a></form>`;
  const rows = v.articles
    .map(
      (a) => `<tr data-article="${esc(a.id)}"><td data-label="${esc(t(lang, 'published'))}">${time(a.published)}</td><td><a href="/articles/${esc(a.id)}"${langAttrs(a.language)}>${esc(a.title ?? '(no headline)')}</a>${a.duplicateOf ? ` <span class="flag">reprint</span>` : ''}${a.baseline ? ' <span class="flag">baseline</span>' : ''}</td>
<td data-label="${esc(t(lang, 'outlet'))}"${textLangAttrs(a.source)}>${esc(a.source ?? '-')}</td><td data-label="${esc(t(lang, 'lang'))}">${esc(a.language)}</td><td data-label="${esc(t(lang, 'bases'))}">${esc(a.bases.join(', ') || '-')}</td><td data-label="${esc(t(lang, 'topics'))}">${esc(a.topics.join(', ') || '-')}</td><td data-label="${esc(t(lang, 'milestones'))}">${esc(a.milestones.map((m) => m.id).join(', ') || '-')}</td></tr>`,
    )
    .join('');
  const bound = v.scanLimit !== null ? `<p class="muted">language and outlet filters look through the newest ${v.scanLimit} articles.</p>` : '';
  const head = (['published', 'title', 'outlet', 'lang', 'bases', 'topics', 'milestones'] as const).map((w) => `<th>${esc(t(lang, w))}</th>`).join('');
  return `<section id="articles" class="panel" data-section="articles"><h2>${esc(t(lang, 'latestArticles'))}${v.pagers?.articles ? '' : more('/articles', lang)}</h2>${form}${bound}${highlightLegend(lang)}
<div class="table-wrap"><table class="stack"><thead><tr>${head}</tr></thead><tbody>${rows || `<tr><td colspan="7" class="muted">${esc(t(lang, 'noArticles'))}</td></tr>`}</tbody></table></div>${pagerNav(v.pagers?.articles, lang)}</section>`;
}

/** What the alert's last column says: its deliveries by status, else baseline (not routed) or new. */
function alertDeliveryCell(a: Alert, deliveries: AlertDeliveries | undefined, lang: Lang): string {
  const parts = Object.entries(deliveries ?? {}).filter(([, n]) => n && n > 0) as [DeliveryStatus, number][];
  if (parts.length > 0) {
    const cls = (s: DeliveryStatus) => (s === 'sent' ? 'ok' : s === 'dead' || s === 'failed' ? 'bad' : s === 'skipped' ? 'idle' : 'warn');
    return `${a.baseline ? `<span class="flag">${esc(t(lang, 'baseline'))}</span> ` : ''}${parts.map(([s, n]) => `<span class="flag ${cls(s)}" data-delivered="${esc(s)}">${esc(s)} ${n}</span>`).join(' ')}`;
  }
  return a.baseline
    ? `<span class="flag" data-delivered="none" title="seeds and backfill are recorded, delivered only with marsad seed --alert">${esc(t(lang, 'baselineNotDelivered'))}</span>`
    : `<span class="flag ok">${esc(t(lang, 'newAlert'))}</span>`;
}

/** One alert as a table row; also sent over /events when a new alert is recorded. */
export function alertRow(a: Alert, story?: { id: string; reports: number }, deliveries?: AlertDeliveries, lang: Lang = 'en'): string {
  const ev = a.evidence[0];
  const storyId = story?.id ?? a.storyId;
  return `<tr data-alert="${esc(a.id)}"><td data-label="${esc(t(lang, 'created'))}">${time(a.createdAt)}</td><td data-label="${esc(t(lang, 'milestone'))}">${esc(a.milestone.id)}<div class="muted">${esc(t(lang, 'due'))} ${esc(a.milestone.due)}</div></td>
<td><a href="/articles/${esc(a.article.id)}"${langAttrs(a.article.language)}>${esc(a.article.title ?? t(lang, 'noHeadline'))}</a><div class="muted">${esc(a.article.source ?? t(lang, 'outletUnknown'))}, ${time(a.article.published)}${storyId ? ` · ${storyLink(storyId, story?.reports, lang)}` : ''}</div>
${ev ? `<div class="evidence"${langAttrs(a.article.language)}>${highlightEvidence(ev, 'milestone', a.milestone.id)}</div>` : ''}</td><td data-label="${esc(t(lang, 'delivery'))}">${alertDeliveryCell(a, deliveries, lang)}</td></tr>`;
}

function deliveryRow(d: Delivery, v: StatusView): string {
  const lang = langOf(v);
  const status = d.status === 'sent' ? 'ok' : d.status === 'dead' || d.status === 'failed' ? 'bad' : d.status === 'skipped' ? 'idle' : 'warn';
  const replayable = d.status === 'dead' || d.status === 'failed';
  const csrf = v.csrfToken ? `<input type="hidden" name="_csrf" value="${esc(v.csrfToken)}">` : '';
  const replay =
    replayable && v.canReplay
      ? `<form class="inline" method="post" action="/deliveries/${esc(d.id)}/replay">${csrf}<button type="submit">replay</button></form>`
      : replayable
        ? '<span class="muted">operators can replay</span>'
        : '';
  return `<tr data-delivery="${esc(d.id)}"><td data-label="${esc(t(lang, 'updated'))}">${time(d.updatedAt)}</td><td>${esc(d.id)}</td><td data-label="${esc(t(lang, 'to'))}">${esc(d.channel)} → ${esc(d.subscriberId)}</td><td data-label="${esc(t(lang, 'carries'))}">${esc(d.digest ? `digest of ${d.alertIds.length}` : (d.alertIds[0] ?? ''))}</td>
<td data-label="${esc(t(lang, 'status'))}"><span class="flag ${status}">${esc(d.status)}</span></td><td class="n" data-label="${esc(t(lang, 'attempts'))}">${d.attempts}</td><td data-label="${esc(t(lang, 'lastError'))}">${esc(d.lastError ?? '')}</td><td>${replay}</td></tr>`;
}

function alertsSection(v: StatusView): string {
  const lang = langOf(v);
  const page = v.pagers?.alerts?.page ?? 1;
  const head = (['created', 'milestone', 'articleAndEvidence', 'delivery'] as const).map((w) => `<th>${esc(t(lang, w))}</th>`).join('');
  return `<section id="alerts" class="panel"><h2>${esc(t(lang, 'recentAlerts'))}${v.pagers?.alerts ? '' : more('/alerts', lang)}</h2>${highlightLegend(lang)}
<div class="table-wrap"><table class="stack"><thead><tr>${head}</tr></thead><tbody id="alert-rows" data-page="${page}">${v.alerts.map((a) => alertRow(a, v.alertStories?.[a.id], v.alertDeliveries?.[a.id], lang)).join('')}</tbody></table></div>
${v.alerts.length === 0 ? `<p class="muted" id="no-alerts">${esc(t(lang, 'noAlerts'))}</p>` : ''}${pagerNav(v.pagers?.alerts, lang)}</section>`;
}

function deliveriesSection(v: StatusView): string {
  const lang = langOf(v);
  const head = (['updated', 'delivery', 'to', 'carries', 'status', 'attempts', 'lastError'] as const).map((w) => `<th>${esc(t(lang, w))}</th>`).join('');
  return `<section id="deliveries" class="panel" data-section="deliveries"><h2>${esc(t(lang, 'deliveries'))}${v.pagers?.deliveries ? '' : more('/deliveries', lang)}</h2>${v.flash ? `<p class="flag warn" role="status">${esc(v.flash)}</p>` : ''}
<div class="table-wrap"><table class="stack"><thead><tr>${head}<th></th></tr></thead>
<tbody>${v.deliveries.map((d) => deliveryRow(d, v)).join('') || `<tr><td colspan="8" class="muted">${esc(t(lang, 'noDeliveries'))}</td></tr>`}</tbody></table></div>${pagerNav(v.pagers?.deliveries, lang)}</section>`;
}

/** The sections a page can show, each also served alone as a fragment for live updates. */
export const SECTIONS = ['milestones', 'queues', 'feeds', 'alerts', 'deliveries', 'articles'] as const;
export type Section = (typeof SECTIONS)[number];

/** One section's HTML; `action` is the path of the page it is on (the article filters submit there). */
export function renderSection(section: Section, v: StatusView, action = '/'): string {
  const lang = langOf(v);
  switch (section) {
    case 'milestones':
      return milestoneBoard(v.board ?? [], new Date(v.generatedAt), lang);
    case 'queues':
      return queuesSection(v.queues, v.totals, lang);
    case 'feeds':
      return feedsSection(v.feeds, lang);
    case 'alerts':
      return alertsSection(v);
    case 'deliveries':
      return deliveriesSection(v);
    case 'articles':
      return articlesSection(v, action);
  }
}

/** The overview (`/`): the milestone board, queue and feed health, and the first rows of each table. */
export function statusPage(v: StatusView, opts: Pick<LayoutOptions, 'nonce' | 'scripts' | 'lang' | 'switchHref'>): string {
  return sectionsPage(v, [...SECTIONS], 'overview', '/', opts);
}

/** A page of some sections (`/health`, `/alerts`, …) under the navigation entry `active`. */
export function sectionsPage(v: StatusView, sections: readonly Section[], active: NavEntry, action: string, opts: Pick<LayoutOptions, 'nonce' | 'scripts' | 'lang' | 'switchHref'>): string {
  const lang = langOf(v);
  // The queues section carries the live indicator; pages without it get one of their own.
  const live = sections.includes('queues') ? '' : `${liveIndicator(lang)} · `;
  const body = `<p class="muted">${live}${esc(t(lang, 'generated'))} ${time(v.generatedAt)}</p>${sections.map((s) => renderSection(s, v, action)).join('')}`;
  return layout({ title: 'marsad · مرصد', ...opts, body, lang, active });
}
