import type { Alert, Delivery } from '../../alerts/model.js';
import type { FeedReport } from '../../ops/feeds.js';
import type { Status } from '../../milestones/assess.js';
import type { Article } from '../../model.js';
import type { MilestoneOverview, QueueOverview } from '../../ops/overview.js';
import { highlightEvidence } from './highlight.js';
import { duration, esc, label, langAttrs, layout, textLangAttrs, time, type LayoutOptions } from './html.js';
import { stanceBadge } from './stance.js';
import { storyLink } from './story.js';

export type QueueView = QueueOverview & {
  stage: string;
  /** Jobs completed in each of the last 60 minutes, oldest first. */
  perMinute: number[];
};

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

export interface StatusView {
  queues: QueueView[];
  feeds: FeedReport[];
  milestones: MilestoneOverview[];
  /** Each milestone's status from the reporting, by id (see /milestones/:id). */
  milestoneStatuses: Record<string, { status: Status; since: string | null; summary: { en: string; ar: string }; pastDue: boolean }>;
  articles: Article[];
  /** How many of the newest articles were looked through for the language/outlet filters, when that bound was hit. */
  scanLimit: number | null;
  filters: ArticleFilters;
  choices: { bases: Choice[]; topics: Choice[]; milestones: Choice[] };
  totals: { articles: number; duplicates: number };
  alerts: Alert[];
  /** The story each alert's article is in now and its number of reports, by alert id. */
  alertStories?: Record<string, { id: string; reports: number }>;
  deliveries: Delivery[];
  /** Replay buttons are shown to operators only; the route checks again. */
  canReplay: boolean;
  csrfToken: string | null;
  flash: string | null;
  generatedAt: string;
}

const COUNT_FIELDS = ['waiting', 'active', 'delayed', 'completed', 'failed', 'workers'] as const;

/** Bars of the jobs completed per minute over the last hour. */
function sparkline(perMinute: readonly number[]): string {
  const max = Math.max(1, ...perMinute);
  const bars = perMinute
    .map((n, i) => {
      const h = n === 0 ? 0 : Math.max(1, Math.round((n / max) * 22));
      return `<rect x="${i * 2}" y="${24 - h}" width="1.6" height="${h}"></rect>`;
    })
    .join('');
  return `<svg class="spark" width="120" height="24" viewBox="0 0 120 24" role="img" aria-label="completed per minute, last 60 min (max ${max})"><title>completed per minute over the last hour, max ${max}</title>${bars}</svg>`;
}

function throughput(perMinute: readonly number[]): { m1: number; m15: number; m60: number } {
  const sum = (n: number) => perMinute.slice(-n).reduce((a, b) => a + b, 0);
  return { m1: sum(1), m15: sum(15), m60: sum(60) };
}

function queueRow(q: QueueView): string {
  const t = throughput(q.perMinute);
  const cells = COUNT_FIELDS.map((f) => `<td class="n" data-count="${esc(q.stage)}:${f}">${q[f]}</td>`).join('');
  const stuck = q.workers === 0 && q.waiting > 0 ? ' <span class="flag bad">no worker</span>' : '';
  return `<tr data-queue="${esc(q.stage)}"><th scope="row">${esc(q.stage)}${stuck}</th>${cells}
<td class="n" data-throughput="${esc(q.stage)}">${t.m1} / ${t.m15} / ${t.m60}</td><td>${sparkline(q.perMinute)}</td><td class="n">${q.prioritized}</td><td class="n">${duration(q.oldestWaitingSeconds === null ? null : q.oldestWaitingSeconds * 1000)}</td></tr>`;
}

function queuesSection(v: StatusView): string {
  return `<section id="queues"><h2>${label('Queues', 'الطوابير')} <span class="live muted" id="live">live updates: connecting…</span></h2>
<table><thead><tr><th>queue</th><th>waiting</th><th>active</th><th>delayed</th><th>completed</th><th>failed</th><th>workers</th>
<th title="jobs completed in the last 1, 15 and 60 minutes (from the finishing times of the completed jobs BullMQ keeps)">done 1/15/60 min</th><th>last hour</th><th title="waiting with a priority (backfill)">prioritized</th><th>oldest waiting</th></tr></thead>
<tbody>${v.queues.map(queueRow).join('')}</tbody></table>
<p class="muted">articles ${v.totals.articles}, of which duplicates ${v.totals.duplicates}. Throughput counts the completed jobs BullMQ keeps (at most its retention bound per queue).</p></section>`;
}

function feedsSection(v: StatusView): string {
  if (v.feeds.length === 0) return `<section id="feeds"><h2>${label('Feeds', 'المصادر')}</h2><p class="muted">no feeds in feeds.yaml</p></section>`;
  const rows = v.feeds
    .map((f) => {
      const status = f.status === 'ok' ? 'ok' : f.status === 'failing' ? 'bad' : 'warn';
      const flags = [f.stale ? '<span class="flag warn">stale</span>' : '', f.status === 'failing' ? '<span class="flag bad">failing</span>' : '', f.verified ? '' : '<span class="flag">unverified</span>'].join(' ');
      return `<tr data-feed="${esc(f.id)}"><th scope="row">${esc(f.id)}<div class="muted"${langAttrs(f.language)}>${esc(f.name)}</div></th>
<td><span class="flag ${status}">${esc(f.status)}</span> ${flags}</td><td>${time(f.lastSuccessAt)}</td><td>${time(f.nextPollAt)}</td>
<td class="n">${f.failures} (${f.consecutiveFailures} in a row)</td><td class="n">${f.itemsSeen}</td><td>${f.lastError ? `${time(f.lastError.at)} ${esc(f.lastError.reason)}` : ''}</td></tr>`;
    })
    .join('');
  return `<section id="feeds"><h2>${label('Feeds', 'المصادر')}</h2><table><thead><tr><th>feed</th><th>status</th><th>last success</th><th>next poll</th><th>failures</th><th>items seen</th><th>last error</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function milestonesSection(v: StatusView): string {
  const rows = v.milestones
    .map((m) => {
      const mentions =
        m.latestMentions
          .map(
            (a) =>
              `<li><a href="/articles/${esc(a.articleId)}"${langAttrs(a.language)}>${esc(a.title ?? '(no headline)')}</a>${a.duplicateOf ? ' <span class="flag">reprint</span>' : ''} — ${esc(a.outlet ?? 'outlet unknown')}, ${time(a.date)}` +
              (a.evidence ? `<div class="evidence"${langAttrs(a.language)}>«${esc(a.evidence)}»</div>` : '') +
              `</li>`,
          )
          .join('') || '<li class="muted">no mentions yet</li>';
      const st = v.milestoneStatuses[m.id];
      const status = st
        ? `${stanceBadge(st.status)}${st.pastDue && st.status !== 'completed' ? ' <span class="flag bad">past due</span>' : ''}<div class="muted">${esc(st.summary.en)}</div>`
        : '<span class="muted">-</span>';
      return `<tr data-milestone="${esc(m.id)}"><th scope="row"><a href="/milestones/${encodeURIComponent(m.id)}" data-milestone-link="${esc(m.id)}"><div lang="ar" dir="rtl">${esc(m.title.ar)}</div><div lang="en">${esc(m.title.en)}</div></a><a class="muted" href="/?milestone=${encodeURIComponent(m.id)}#articles">${esc(m.id)}: articles</a></th>
<td data-milestone-status="${esc(m.id)}">${status}</td><td>${esc(m.due)}</td><td class="n">${m.reportsLast7Days} <span class="muted">(${m.storiesLast7Days} stories)</span></td><td><ul>${mentions}</ul></td></tr>`;
    })
    .join('');
  return `<section id="milestones"><h2>${label('Milestones', 'المحطات')}</h2><table><thead><tr><th>milestone</th><th title="what the reporting says (see each milestone's page)">status</th><th>due</th><th title="articles (reprints included) published, or first seen when undated, in the last 7 days">reports, 7 days</th><th>latest mentions</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function select(name: string, choices: readonly Choice[], selected: string | undefined): string {
  const options = choices.map((c) => `<option value="${esc(c.id)}"${c.id === selected ? ' selected' : ''}>${esc(c.name)}</option>`).join('');
  return `<label>${esc(name)}<select name="${esc(name)}"><option value="">any</option>${options}</select></label>`;
}

function articlesSection(v: StatusView): string {
  const f = v.filters;
  const form = `<form class="filters" method="get" action="/#articles">${select('base', v.choices.bases, f.base)}${select('topic', v.choices.topics, f.topic)}${select('milestone', v.choices.milestones, f.milestone)}
${select('language', [{ id: 'ar', name: 'العربية (ar)' }, { id: 'en', name: 'English (en)' }, { id: 'und', name: 'unknown' }], f.language)}
<label>outlet<input name="outlet" value="${esc(f.outlet ?? '')}" size="14"></label><button type="submit">filter</button> <a href="/#articles">clear</a></form>`;
  const rows = v.articles
    .map(
      (a) => `<tr data-article="${esc(a.id)}"><td>${time(a.published)}</td><td><a href="/articles/${esc(a.id)}"${langAttrs(a.language)}>${esc(a.title ?? '(no headline)')}</a>${a.duplicateOf ? ` <span class="flag">reprint</span>` : ''}${a.baseline ? ' <span class="flag">baseline</span>' : ''}</td>
<td${textLangAttrs(a.source)}>${esc(a.source ?? '-')}</td><td>${esc(a.language)}</td><td>${esc(a.bases.join(', ') || '-')}</td><td>${esc(a.topics.join(', ') || '-')}</td><td>${esc(a.milestones.map((m) => m.id).join(', ') || '-')}</td></tr>`,
    )
    .join('');
  const bound = v.scanLimit !== null ? `<p class="muted">language and outlet filters look through the newest ${v.scanLimit} articles.</p>` : '';
  return `<section id="articles"><h2>${label('Latest articles', 'أحدث المقالات')}</h2>${form}${bound}
<table><thead><tr><th>published</th><th>title</th><th>outlet</th><th>lang</th><th>bases</th><th>topics</th><th>milestones</th></tr></thead><tbody>${rows || '<tr><td colspan="7" class="muted">no articles match</td></tr>'}</tbody></table></section>`;
}

/** One alert as a table row; also sent over /events when a new alert is recorded. */
export function alertRow(a: Alert, story?: { id: string; reports: number }): string {
  const ev = a.evidence[0];
  const storyId = story?.id ?? a.storyId;
  return `<tr data-alert="${esc(a.id)}"><td>${time(a.createdAt)}</td><td>${esc(a.milestone.id)}<div class="muted">due ${esc(a.milestone.due)}</div></td>
<td><a href="/articles/${esc(a.article.id)}"${langAttrs(a.article.language)}>${esc(a.article.title ?? '(no headline)')}</a><div class="muted">${esc(a.article.source ?? 'outlet unknown')}, ${time(a.article.published)}${storyId ? ` · ${storyLink(storyId, story?.reports)}` : ''}</div>
${ev ? `<div class="evidence"${langAttrs(a.article.language)}>${highlightEvidence(ev, 'milestone', a.milestone.id)}</div>` : ''}</td><td>${a.baseline ? '<span class="flag">baseline: not delivered</span>' : '<span class="flag ok">new</span>'}</td></tr>`;
}

function deliveryRow(d: Delivery, v: StatusView): string {
  const status = d.status === 'sent' ? 'ok' : d.status === 'dead' || d.status === 'failed' ? 'bad' : 'warn';
  const replayable = d.status === 'dead' || d.status === 'failed';
  const csrf = v.csrfToken ? `<input type="hidden" name="_csrf" value="${esc(v.csrfToken)}">` : '';
  const replay =
    replayable && v.canReplay
      ? `<form class="inline" method="post" action="/deliveries/${esc(d.id)}/replay">${csrf}<button type="submit">replay</button></form>`
      : replayable
        ? '<span class="muted">operators can replay</span>'
        : '';
  return `<tr data-delivery="${esc(d.id)}"><td>${time(d.updatedAt)}</td><td>${esc(d.id)}</td><td>${esc(d.channel)} → ${esc(d.subscriberId)}</td><td>${esc(d.digest ? `digest of ${d.alertIds.length}` : (d.alertIds[0] ?? ''))}</td>
<td><span class="flag ${status}">${esc(d.status)}</span></td><td class="n">${d.attempts}</td><td>${esc(d.lastError ?? '')}</td><td>${replay}</td></tr>`;
}

function alertsSection(v: StatusView): string {
  return `<section id="alerts"><h2>${label('Recent alerts', 'أحدث التنبيهات')}</h2>
<table><thead><tr><th>created</th><th>milestone</th><th>article and evidence</th><th></th></tr></thead><tbody id="alert-rows">${v.alerts.map((a) => alertRow(a, v.alertStories?.[a.id])).join('')}</tbody></table>
${v.alerts.length === 0 ? '<p class="muted" id="no-alerts">no alerts yet</p>' : ''}</section>
<section id="deliveries"><h2>${label('Deliveries', 'الإرسال')}</h2>${v.flash ? `<p class="flag warn" role="status">${esc(v.flash)}</p>` : ''}
<table><thead><tr><th>updated</th><th>id</th><th>to</th><th>carries</th><th>status</th><th>attempts</th><th>last error</th><th></th></tr></thead>
<tbody>${v.deliveries.map((d) => deliveryRow(d, v)).join('') || '<tr><td colspan="8" class="muted">no deliveries</td></tr>'}</tbody></table></section>`;
}

export function statusPage(v: StatusView, opts: Pick<LayoutOptions, 'nonce' | 'scripts'>): string {
  const body = `<p class="muted">generated ${time(v.generatedAt)}</p>${queuesSection(v)}${feedsSection(v)}${milestonesSection(v)}${articlesSection(v)}${alertsSection(v)}`;
  return layout({ title: 'marsad · مرصد', body, ...opts });
}
