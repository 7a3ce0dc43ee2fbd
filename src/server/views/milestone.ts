import type { MilestoneJson, TimelineJson } from '../../ops/milestones.js';
import { dueEnd } from '../../ops/milestones.js';
import type { ActorNames } from '../../milestones/assess.js';
import { STANCES } from '../../tagging/schema.js';
import type { CueRole, StanceCue } from '../../tagging/stance.js';
import { STANCE_COLOURS } from './colours.js';
import { highlightCues } from './highlight.js';
import { esc, heading, layout, ltrIn, textLangAttrs, type LayoutOptions } from './html.js';
import { counted, statusName, t, type Lang } from './i18n.js';
import { attributionHtml, cueLegend, STANCE_MEANINGS, stanceBadge } from './stance.js';
import { storyLink } from './story.js';

export interface MilestonePageView {
  /** The milestone, with the reports to show (the newest, when there are many) as its timeline. */
  milestone: MilestoneJson;
  /** How many reports the timeline has in all (more than shown when it was cut). */
  total: number;
  /** The cues of each report's deciding mention, by article id (from the stored articles). */
  cues: ReadonlyMap<string, readonly StanceCue[]>;
  /** The story of each report's article, by article id (reports not yet grouped have none). */
  stories?: ReadonlyMap<string, string>;
  names: ActorNames;
  now: Date;
}

const DAY_MS = 86_400_000;

/** Milliseconds of a date `YYYY`, `YYYY-MM` or `YYYY-MM-DD…` (its first day). */
function dayOf(iso: string): number {
  return Date.parse(iso.length === 4 ? `${iso}-01-01` : iso.length === 7 ? `${iso}-01` : iso.slice(0, 10));
}

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Month starts between t0 and t1, every `step` months, for the axis. */
function monthTicks(t0: number, t1: number): { t: number; text: string }[] {
  const months = (t1 - t0) / (30.44 * DAY_MS);
  const step = [1, 2, 3, 6, 12, 24, 60].find((s) => months / s <= 10) ?? 120;
  const start = new Date(t0);
  let y = start.getUTCFullYear();
  let m = start.getUTCMonth() + 1;
  // First tick: the next month start that is a multiple of the step (January for yearly ticks).
  while (Date.UTC(y, m - 1, 1) < t0 || (m - 1) % Math.min(step, 12) !== 0) {
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  const ticks: { t: number; text: string }[] = [];
  for (let t = Date.UTC(y, m - 1, 1); t <= t1; ) {
    const d = new Date(t);
    ticks.push({ t, text: step >= 12 ? String(d.getUTCFullYear()) : d.toISOString().slice(0, 7) });
    t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + step, 1);
  }
  return ticks;
}

/**
 * The timeline as inline SVG: a time axis from the milestone's `from` to max(today, due), one mark per
 * report at its report date, coloured by stance (hollow when it only restates the agreement, dashed when
 * hedged), numbered and linked to its row of the table; a dashed line at the due date and a faint one at
 * today; the legend of the six stance colours under the axis. Presentation attributes only (no style
 * attributes), so it passes the CSP.
 */
export function timelineSvg(m: MilestoneJson, now: Date, lang: Lang = 'en'): string {
  const W = 960;
  const L = 24;
  const R = 24;
  const r = 8;
  const laneGap = 2 * r + 4;
  const t0 = dayOf(m.from);
  const due = dayOf(dueEnd(m.due));
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const end = Math.max(today, due, t0 + DAY_MS);
  const t1 = end + (end - t0) * 0.02;
  const x = (t: number) => L + ((Math.min(Math.max(t, t0), t1) - t0) / (t1 - t0)) * (W - L - R);

  // Marks on lanes, so that reports close in time do not cover each other.
  const lanes: number[] = [];
  const MAX_LANES = 8;
  const placed = m.timeline.map((e, i) => {
    const cx = x(dayOf(e.published));
    let lane = lanes.findIndex((last) => last <= cx - 2 * r - 2);
    if (lane < 0) {
      if (lanes.length < MAX_LANES) lane = lanes.push(cx) - 1;
      else lane = MAX_LANES - 1;
    }
    lanes[lane] = cx;
    return { e, n: i + 1, cx, lane };
  });
  const top = 26;
  const axisY = top + Math.max(1, lanes.length) * laneGap + 6;
  const legendY = axisY + 54;
  const H = legendY + 30;

  const ticks = monthTicks(t0, t1)
    .map((t) => `<g class="tick"><line x1="${x(t.t).toFixed(1)}" x2="${x(t.t).toFixed(1)}" y1="${axisY}" y2="${axisY + 5}" stroke="#667"/><text x="${x(t.t).toFixed(1)}" y="${axisY + 17}" text-anchor="middle" fill="#445">${esc(t.text)}</text></g>`)
    .join('');
  const anchor = (px: number) => (px < L + 60 ? 'start' : px > W - R - 60 ? 'end' : 'middle');
  const xd = x(due);
  const xt = x(today);
  const dueLine = `<g class="due" data-due="${esc(m.due)}"><line x1="${xd.toFixed(1)}" x2="${xd.toFixed(1)}" y1="${top - 8}" y2="${axisY}" stroke="#c92a2a" stroke-width="1.5" stroke-dasharray="5 3"/><text x="${xd.toFixed(1)}" y="${top - 12}" text-anchor="${anchor(xd)}" fill="#c92a2a">${esc(t(lang, 'due'))} ${ltrIn(lang, esc(m.due))}</text></g>`;
  const todayLine =
    Math.abs(xt - xd) > 1
      ? `<g class="today"><line x1="${xt.toFixed(1)}" x2="${xt.toFixed(1)}" y1="${top - 8}" y2="${axisY}" stroke="#adb5bd" stroke-dasharray="2 3"/><text x="${xt.toFixed(1)}" y="${top - 12}" text-anchor="${anchor(xt)}" fill="#868e96">${esc(t(lang, 'today'))}</text></g>`
      : '';
  const marks = placed
    .map(({ e, n, cx, lane }) => {
      const cy = top + lane * laneGap + r;
      const colour = STANCE_COLOURS[e.stance];
      const fill = e.background ? '#fff' : colour;
      const dash = e.hedged ? ' stroke-dasharray="2.5 2"' : '';
      const tip = `#${n} ${ltrIn(lang, e.published)}${e.eventDate ? ` (${t(lang, 'event')} ${ltrIn(lang, e.eventDate)})` : ''}: ${e.outlet ?? t(lang, 'outletUnknown')}, ${statusName(lang, e.stance)}${e.hedged ? `, ${t(lang, 'hedged')}` : ''}${e.background ? `, ${t(lang, 'background')}` : ''}`;
      const numberColour = e.background || e.stance === 'started' ? '#1b1f24' : '#fff';
      const number = n < 100 ? `<text x="${cx.toFixed(1)}" y="${cy + 3.5}" text-anchor="middle" font-size="9" fill="${numberColour}">${n}</text>` : '';
      return `<a href="#report-${n}" class="mark" data-report="${n}" data-stance="${esc(e.stance)}" data-article="${esc(e.articleId)}"><title>${esc(tip)}</title><circle cx="${cx.toFixed(1)}" cy="${cy}" r="${r}" fill="${fill}" stroke="${colour}" stroke-width="2"${dash}/>${number}</a>`;
    })
    .join('');
  const legendItems = [
    ...STANCES.map((s) => ({ key: s, text: statusName(lang, s), fill: STANCE_COLOURS[s], stroke: STANCE_COLOURS[s], dash: '' })),
    { key: 'background', text: t(lang, 'background'), fill: '#fff', stroke: '#495057', dash: '' },
    { key: 'hedged', text: t(lang, 'hedged'), fill: '#fff', stroke: '#495057', dash: ' stroke-dasharray="2.5 2"' },
  ];
  const legend = legendItems
    .map(
      (item, i) =>
        `<g class="legend-item" data-legend="${esc(item.key)}"><title>${esc(item.key in STANCE_MEANINGS ? STANCE_MEANINGS[item.key as keyof typeof STANCE_MEANINGS] : item.key === 'hedged' ? 'a hedged report (sources, "reportedly")' : 'only restates the agreement')}</title><circle cx="${L + 6 + i * 112}" cy="${legendY}" r="6" fill="${item.fill}" stroke="${item.stroke}" stroke-width="2"${item.dash}/><text x="${L + 16 + i * 112}" y="${legendY + 4}" fill="#1b1f24">${esc(item.text)}</text></g>`,
    )
    .join('');
  const caption = t(lang, 'timelineCaption', counted(lang, m.timeline.length, 'report'), ...[m.from, isoDay(end), m.due].map((day) => ltrIn(lang, day)));
  return `<svg class="timeline" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="timeline-title" xmlns="http://www.w3.org/2000/svg"><title id="timeline-title">${esc(caption)}</title>
<line class="axis" x1="${L}" x2="${W - R}" y1="${axisY}" y2="${axisY}" stroke="#667"/><line x1="${L}" x2="${L}" y1="${axisY - 6}" y2="${axisY + 6}" stroke="#667"/><text x="${L}" y="${axisY + 32}" fill="#445">${esc(t(lang, 'from'))} ${ltrIn(lang, esc(m.from))}</text>${ticks}${dueLine}${todayLine}
<g class="marks">${marks}</g><g class="legend">${legend}</g></svg>`;
}

function reportRow(e: TimelineJson, n: number, view: MilestonePageView, lang: Lang): string {
  const cues = view.cues.get(e.articleId) ?? [];
  const evidence = e.evidence
    ? `<div class="evidence"${e.language === 'ar' || e.language === 'en' ? ` lang="${esc(e.language)}"` : ''} dir="auto">${highlightCues(e.evidence, cues, view.milestone.id)}</div>`
    : '<span class="muted">-</span>';
  const flags = [
    e.background ? `<span class="flag" title="${esc(t(lang, 'onlyRestates'))}">${esc(t(lang, 'background'))}</span>` : '',
    e.duplicateOf ? `<a class="flag" href="/articles/${esc(e.duplicateOf)}" title="${esc(t(lang, 'reprintOf'))}">${esc(t(lang, 'reprint'))}</a>` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return `<tr class="report" id="report-${n}" data-entry="${esc(e.articleId)}" data-stance="${esc(e.stance)}"><td class="n"><a href="#report-${n}">${n}</a></td><td>${esc(e.published)}</td><td>${esc(e.eventDate ?? '-')}${e.targetDate ? `<div class="muted">${esc(t(lang, 'target'))} ${ltrIn(lang, esc(e.targetDate))}</div>` : ''}</td>
<td><span${textLangAttrs(e.outlet)}>${esc(e.outlet ?? t(lang, 'outletUnknown'))}</span>${e.title ? `<div class="muted"${textLangAttrs(e.title)}>${esc(e.title)}</div>` : ''}</td><td>${stanceBadge(e.stance, statusName(lang, e.stance))} ${flags}</td>
<td>${attributionHtml(e.attribution, view.names, lang)}</td><td>${e.hedged ? `<span class="flag warn" title="${esc(t(lang, 'hedgedTitle'))}">${esc(t(lang, 'hedged'))}</span>` : ''}</td><td>${evidence}</td>
<td><a href="/articles/${esc(e.articleId)}">${esc(t(lang, 'article'))}</a>${view.stories?.has(e.articleId) ? ` · ${storyLink(view.stories.get(e.articleId)!, undefined, lang)}` : ''}${e.url ? ` · <a href="${esc(e.url)}" rel="noreferrer noopener">${esc(t(lang, 'source'))}</a>` : ''}</td></tr>`;
}

function assessmentSection(view: MilestonePageView, lang: Lang): string {
  const m = view.milestone;
  const badge = (s: Parameters<typeof stanceBadge>[0]) => stanceBadge(s, statusName(lang, s));
  const rowOf = new Map(m.timeline.map((e, i) => [e.articleId, i + 1]));
  const name = (id: string) => view.names.get(id)?.en ?? id;
  const due = m.pastDue
    ? m.status === 'completed'
      ? `<span class="flag" data-past-due="true">${esc(t(lang, 'pastDue'))}</span>`
      : `<span class="flag bad" data-past-due="true">${esc(t(lang, 'pastDue'))}</span>`
    : `<span class="flag ok" data-past-due="false">${esc(t(lang, 'notYetDue'))}</span>`;
  const none = `<span class="muted">${esc(t(lang, 'none'))}</span>`;
  const sources =
    m.sources.length > 0
      ? `<ul>${m.sources.map((s) => `<li><span${textLangAttrs(s.outlet)}>${esc(s.outlet)}</span>: ${esc(counted(lang, s.reports, 'report'))} ${esc(t(lang, 'since'))} ${ltrIn(lang, esc(s.first))}${s.attributions.length > 0 ? ` <span class="muted">(${esc(s.attributions.map(name).join(', '))})</span>` : ''}</li>`).join('')}</ul>`
      : none;
  const contradictions =
    m.contradictions.length > 0
      ? `<ul class="contradictions">${m.contradictions
          .map((c) => {
            const by = c.attributions.length > 0 ? c.attributions.map(name).join(', ') : c.outlets.join(', ');
            const rows = c.articleIds.map((id) => (rowOf.has(id) ? `<a href="#report-${rowOf.get(id)}">#${rowOf.get(id)}</a>` : `<a href="/articles/${esc(id)}">${esc(id)}</a>`)).join(' ');
            return `<li data-contradiction="${esc(c.stance)}"><span class="flag bad">${esc(t(lang, 'contradiction'))}</span> ${c.reports} ${badge(c.stance)} ${esc(t(lang, 'against'))} ${badge(c.against)} ${esc(t(lang, 'by'))} ${esc(by)}, ${esc(c.first === c.last ? ltrIn(lang, c.first) : `${ltrIn(lang, c.first)} ${t(lang, 'to')} ${ltrIn(lang, c.last)}`)}: ${rows}</li>`;
          })
          .join('')}</ul>`
      : none;
  const counts = [
    ...STANCES.filter((s) => m.counts[s] > 0).map((s) => `${statusName(lang, s)} ${m.counts[s]}`),
    m.counts.background > 0 ? `${t(lang, 'background')} ${m.counts.background}` : '',
    m.counts.history > 0 ? `${t(lang, 'aboutEarlier')} ${m.counts.history}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `<section class="assessment" id="assessment" data-milestone-page="${esc(m.id)}" data-status="${esc(m.status)}">
<h2><span lang="en"${lang === 'en' ? '' : ' dir="ltr"'}>${esc(m.title.en)}</span></h2><div lang="ar" dir="rtl">${esc(m.title.ar)}</div>
<p class="summary">${badge(m.status)} <span data-summary="en"${lang === 'en' ? '' : ' lang="en" dir="ltr"'}>${esc(m.summary.en)}</span></p>
<p class="summary" lang="ar" dir="rtl" data-summary="ar">${esc(m.summary.ar)}</p>
<dl><dt>${esc(t(lang, 'due'))}</dt><dd>${esc(m.due)} ${due}</dd><dt>${esc(t(lang, 'window'))}</dt><dd>${esc(t(lang, 'windowText', ltrIn(lang, m.from)))}</dd>
<dt>${esc(t(lang, 'status'))}</dt><dd>${badge(m.status)}${m.since ? ` ${esc(t(lang, 'since'))} ${ltrIn(lang, esc(m.since))}` : ''}${m.firstBy ? `, ${esc(t(lang, 'firstBy'))} ${esc(name(m.firstBy))}` : ''}</dd>
<dt>${esc(t(lang, 'sources'))}</dt><dd>${sources}</dd><dt>${esc(t(lang, 'contradictions'))}</dt><dd>${contradictions}</dd><dt>${esc(t(lang, 'reports'))}</dt><dd>${esc(counts || t(lang, 'none'))}</dd></dl>
<p class="muted">id <code>${esc(m.id)}</code> · JSON: <a href="/api/milestones/${encodeURIComponent(m.id)}">/api/milestones/${esc(m.id)}</a> · <a href="/?milestone=${encodeURIComponent(m.id)}#articles">${esc(t(lang, 'itsArticles'))}</a></p></section>`;
}

export function milestonePage(view: MilestonePageView, opts: Pick<LayoutOptions, 'nonce' | 'lang' | 'switchHref'>): string {
  const m = view.milestone;
  const lang = opts.lang ?? 'en';
  const roles = new Set<CueRole>();
  for (const e of m.timeline) for (const c of view.cues.get(e.articleId) ?? []) roles.add(c.role);
  const rows = m.timeline.map((e, i) => reportRow(e, i + 1, view, lang)).join('');
  const cut =
    view.total > m.timeline.length
      ? `<p class="flag warn" data-cut="${view.total}">${esc(t(lang, 'newestOf', m.timeline.length, view.total))} <a href="/api/milestones/${encodeURIComponent(m.id)}">/api/milestones/${esc(m.id)}</a> or <code>marsad milestones ${esc(m.id)}</code></p>`
      : '';
  const head = (['report', 'event', 'outlet', 'stance', 'attribution', 'hedged', 'evidence'] as const).map((w) => `<th>${esc(t(lang, w))}</th>`).join('');
  const body = `${assessmentSection(view, lang)}
<section id="timeline"><h3>${heading(lang, 'timeline')}</h3>${cut}${timelineSvg(m, view.now, lang)}</section>
<section id="reports"><h3>${heading(lang, 'reportsHeading')}</h3>${roles.size > 0 ? cueLegend([...roles], lang) : ''}
<div class="table-wrap"><table><thead><tr><th>#</th>${head}<th></th></tr></thead>
<tbody>${rows || `<tr><td colspan="9" class="muted">${esc(t(lang, 'noReportsInWindow'))}</td></tr>`}</tbody></table></div></section>`;
  return layout({ title: `${m.title.en} · marsad`, body, ...opts });
}
