// The milestone board at the top of the dashboard: one card per tracked milestone with its due date (past due
// marked), its status from the reporting, a chart of reports per day over the last 90 days and the latest reports.
import type { MilestoneJson, TimelineJson } from '../../ops/milestones.js';
import { STANCES } from '../../tagging/schema.js';
import { esc, langAttrs, textLangAttrs } from './html.js';
import { statusName, t, type Lang } from './i18n.js';
import { stanceBadge } from './stance.js';

const DAY_MS = 86_400_000;
export const CHART_DAYS = 90;
const LATEST_REPORTS = 3;

const dayStart = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Dated reports per UTC day over the `days` days ending today, oldest first (undated reports have no day). */
export function reportsPerDay(timeline: readonly Pick<TimelineJson, 'published' | 'undated'>[], now: Date, days = CHART_DAYS): number[] {
  const first = dayStart(now.getTime()) - (days - 1) * DAY_MS;
  const counts = new Array<number>(days).fill(0);
  for (const e of timeline) {
    if (e.undated) continue;
    const at = Date.parse(e.published.length === 10 ? `${e.published}T00:00:00Z` : e.published);
    if (Number.isNaN(at)) continue;
    const i = Math.floor((dayStart(at) - first) / DAY_MS);
    if (i >= 0 && i < days) counts[i]!++;
  }
  return counts;
}

/** Days from today to the end of the due date: negative when past due. */
function daysToDue(dueEnd: string, now: Date): number {
  return Math.round((Date.parse(`${dueEnd}T00:00:00Z`) - dayStart(now.getTime())) / DAY_MS);
}

/** Bars of reports per day, with the first day, today and the busiest day's count; the due date when inside. */
export function perDayChart(counts: readonly number[], now: Date, dueEnd: string, lang: Lang): string {
  const W = 360;
  const top = 12;
  const h = 40;
  const step = W / counts.length;
  const max = Math.max(1, ...counts);
  const first = dayStart(now.getTime()) - (counts.length - 1) * DAY_MS;
  const bars = counts
    .map((n, i) => {
      if (n === 0) return '';
      const bh = Math.max(2, Math.round((n / max) * h));
      return `<rect class="bar" x="${(i * step + 0.3).toFixed(1)}" y="${top + h - bh}" width="${(step - 0.6).toFixed(1)}" height="${bh}"><title>${isoDay(first + i * DAY_MS)}: ${n}</title></rect>`;
    })
    .join('');
  const dueIndex = Math.floor((Date.parse(`${dueEnd}T00:00:00Z`) - first) / DAY_MS);
  const due =
    dueIndex >= 0 && dueIndex < counts.length
      ? `<line x1="${(dueIndex * step + step / 2).toFixed(1)}" x2="${(dueIndex * step + step / 2).toFixed(1)}" y1="${top - 4}" y2="${top + h}" stroke="#c92a2a" stroke-dasharray="3 2"/>`
      : '';
  const total = counts.reduce((a, b) => a + b, 0);
  const empty = total === 0 ? `<text x="${W / 2}" y="${top + h / 2 + 4}" text-anchor="middle">${esc(t(lang, 'noDatedReports'))}</text>` : '';
  const caption = `${t(lang, 'reportsPerDay')}: ${total}`;
  return `<svg class="perday" viewBox="0 0 ${W} ${top + h + 14}" role="img" aria-label="${esc(caption)}" data-total="${total}"><title>${esc(caption)}</title>
<text x="${W}" y="9" text-anchor="end">${total > 0 ? `max ${max}/d` : ''}</text>${bars}${empty}${due}<line class="axis" x1="0" x2="${W}" y1="${top + h + 0.5}" y2="${top + h + 0.5}"/>
<text x="0" y="${top + h + 12}">${isoDay(first)}</text><text x="${W}" y="${top + h + 12}" text-anchor="end">${isoDay(now.getTime())}</text></svg>`;
}

function reportItem(e: TimelineJson, lang: Lang): string {
  const headline = e.title ?? e.outlet ?? e.articleId;
  return `<li>${stanceBadge(e.stance, statusName(lang, e.stance))} <a href="/articles/${esc(e.articleId)}"${textLangAttrs(headline)}>${esc(headline)}</a>
<div class="muted">${e.outlet ? `<span${textLangAttrs(e.outlet)}>${esc(e.outlet)}</span> · ` : ''}${esc(e.undated ? `${e.published.slice(0, 10)} (${t(lang, 'undated')})` : e.published.slice(0, 10))}</div></li>`;
}

export interface BoardMilestone {
  status: MilestoneJson;
  dueEnd: string;
}

function card(b: BoardMilestone, now: Date, lang: Lang): string {
  const m = b.status;
  const left = daysToDue(b.dueEnd, now);
  const late = m.pastDue && m.status !== 'completed';
  const due = m.pastDue
    ? `<span class="flag ${late ? 'bad' : 'idle'}" data-past-due="true">${esc(t(lang, 'pastDue'))} · ${-left} ${esc(t(lang, 'daysLate'))}</span>`
    : `<span class="flag ok" data-past-due="false">${left} ${esc(t(lang, 'daysLeft'))}</span>`;
  const primary = lang === 'ar' ? `<div lang="ar" dir="rtl">${esc(m.title.ar)}</div>` : `<div lang="en">${esc(m.title.en)}</div>`;
  const secondary = lang === 'ar' ? `<div lang="en" dir="ltr" class="sub muted">${esc(m.title.en)}</div>` : `<div lang="ar" dir="rtl">${esc(m.title.ar)}</div>`;
  const latest = m.timeline.slice(-LATEST_REPORTS).reverse();
  // By report date, like the chart (not when marsad first saw them): the last 7 bars of it.
  const perDay = reportsPerDay(m.timeline, now);
  const week = `<span class="muted" data-reports-7d="${perDay.slice(-7).reduce((a, n) => a + n, 0)}">${esc(t(lang, 'reports7'))}: ${perDay.slice(-7).reduce((a, n) => a + n, 0)}</span>`;
  return `<article class="card${late ? ' past-due' : ''}" data-milestone="${esc(m.id)}">
<h3><a href="/milestones/${encodeURIComponent(m.id)}" data-milestone-link="${esc(m.id)}">${primary}</a></h3>${secondary}
<div class="facts"><span data-milestone-status="${esc(m.id)}">${stanceBadge(m.status, statusName(lang, m.status))}</span><span>${esc(t(lang, 'due'))} <strong>${esc(m.due)}</strong></span>${due}${week}</div>
<p class="sub"${langAttrs(lang)}>${esc(m.summary[lang])}</p>
${perDayChart(perDay, now, b.dueEnd, lang)}
<h4 class="muted">${esc(t(lang, 'latestReports'))}</h4><ul class="reports">${latest.map((e) => reportItem(e, lang)).join('') || `<li class="muted">${esc(t(lang, 'noReports'))}</li>`}</ul>
<div class="muted"><a href="/milestones/${encodeURIComponent(m.id)}">${esc(t(lang, 'details'))}</a> · <a href="/?milestone=${encodeURIComponent(m.id)}#articles">${esc(m.id)}: ${esc(t(lang, 'articlesOf'))}</a></div></article>`;
}

/** The legend of the status colours shown on the cards. */
export function statusLegend(lang: Lang): string {
  return `<div class="legend-box" data-legend="status"><strong>${esc(t(lang, 'legendStatus'))}:</strong> ${[...STANCES, 'unreported' as const].map((s) => stanceBadge(s, statusName(lang, s))).join(' ')}</div>`;
}

export function milestoneBoard(milestones: readonly BoardMilestone[], now: Date, lang: Lang): string {
  return `<section id="milestones" data-section="milestones"><h2>${esc(t(lang, 'milestones'))}</h2>${statusLegend(lang)}
<div class="board">${milestones.map((b) => card(b, now, lang)).join('')}</div></section>`;
}
