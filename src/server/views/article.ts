import type { ActorNames } from '../../milestones/assess.js';
import type { Article, MilestoneRef, TagRef } from '../../model.js';
import type { Mention } from '../../tagging/milestones.js';
import { highlightCues, highlightEvidence, highlightText, type Highlight } from './highlight.js';
import { esc, heading, highlightLegend, langAttrs, layout, ltrIn, textLangAttrs, time, type LayoutOptions } from './html.js';
import { counted, statusName, t, type Lang } from './i18n.js';
import { attributionHtml, cueLegend, stanceBadge } from './stance.js';
import { storyLink } from './story.js';

/** Every match of every tag and milestone, as offsets into the article's text. */
export function articleHighlights(a: Article): Highlight[] {
  const of = (kind: Highlight['kind'], refs: readonly { id: string; evidence: TagRef['evidence'] }[]) =>
    refs.flatMap((r) => r.evidence.flatMap((e) => e.matches.map((m) => ({ start: m.start, end: m.end, kind, title: `${kind} ${r.id}: ${m.term}` }))));
  return [...of('base', a.tags.bases), ...of('topic', a.tags.topics), ...of('milestone', a.milestones)];
}

function none(lang: Lang): string {
  return `<p class="muted">${esc(t(lang, 'none'))}</p>`;
}

function tagList(kind: Highlight['kind'], refs: readonly { id: string; count?: number; evidence: TagRef['evidence'] }[], language: string, lang: Lang): string {
  if (refs.length === 0) return none(lang);
  return `<ul>${refs
    .map(
      (r) =>
        `<li data-tag="${esc(kind)}:${esc(r.id)}"><strong>${esc(r.id)}</strong>${r.count !== undefined ? ` <span class="muted">×${r.count}</span>` : ''}<ul>${r.evidence
          .map((e) => `<li class="evidence"${langAttrs(language)}>${highlightEvidence(e, kind, r.id)}</li>`)
          .join('')}</ul></li>`,
    )
    .join('')}</ul>`;
}

function mentionItem(m: Mention, milestoneId: string, language: string, names: ActorNames, lang: Lang): string {
  const flags = [
    m.hedged ? `<span class="flag warn" data-flag="hedged">${esc(t(lang, 'hedged'))}</span>` : '',
    m.history ? `<span class="flag" data-flag="history" title="${esc(t(lang, 'historyTitle'))}">${esc(t(lang, 'history'))}</span>` : '',
    m.background ? `<span class="flag" data-flag="background" title="${esc(t(lang, 'backgroundTitle'))}">${esc(t(lang, 'background'))}</span>` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const dates = [m.eventDate ? `${esc(t(lang, 'event'))} ${ltrIn(lang, esc(m.eventDate))}` : '', m.targetDate ? `${esc(t(lang, 'target'))} ${ltrIn(lang, esc(m.targetDate))}` : ''].filter(Boolean).join(', ');
  return `<li class="mention" data-stance="${esc(m.stance)}">${stanceBadge(m.stance, statusName(lang, m.stance))} ${attributionHtml(m.attribution, names, lang)} ${flags}${dates ? ` <span class="muted">${dates}</span>` : ''}
<div class="evidence"${language === 'ar' || language === 'en' ? ` lang="${esc(language)}"` : ''} dir="auto">${highlightCues(m.evidence, m.cues, milestoneId)}</div></li>`;
}

/** Each milestone with the article's stance on it and, per mention, what it says and why (cues by role). */
function milestoneList(refs: readonly MilestoneRef[], language: string, names: ActorNames, lang: Lang): string {
  if (refs.length === 0) return none(lang);
  const roles = new Set(refs.flatMap((r) => (r.mentions ?? []).flatMap((m) => m.cues.map((c) => c.role))));
  const items = refs
    .map((r) => {
      const mentions = r.mentions ?? [];
      // Articles tagged before mentions were kept show their evidence only.
      const inner =
        mentions.length > 0
          ? `<ul class="mentions">${mentions.map((m) => mentionItem(m, r.id, language, names, lang)).join('')}</ul>`
          : `<ul>${r.evidence.map((e) => `<li class="evidence"${langAttrs(language)}>${highlightEvidence(e, 'milestone', r.id)}</li>`).join('')}</ul>`;
      const stance = r.stance ? ` ${stanceBadge(r.stance, statusName(lang, r.stance))}` : '';
      const history = r.history ? ` <span class="flag" data-flag="history">${esc(t(lang, 'historyOnly'))}</span>` : '';
      return `<li data-tag="milestone:${esc(r.id)}" data-stance="${esc(r.stance ?? '')}"><strong><a href="/milestones/${encodeURIComponent(r.id)}">${esc(r.id)}</a></strong>${stance}${history} <span class="muted">${esc(counted(lang, mentions.length, 'mention'))}</span>${inner}</li>`;
    })
    .join('');
  return `${roles.size > 0 ? cueLegend([...roles], lang) : ''}<ul>${items}</ul>`;
}

export function articlePage(a: Article, opts: Pick<LayoutOptions, 'nonce' | 'lang' | 'switchHref'>, names: ActorNames = new Map(), storyReports?: number): string {
  const lang = opts.lang ?? 'en';
  const dup = a.duplicateOf ? `<p>${esc(t(lang, 'reprintOfArticle', a.duplicateMatch ?? '', a.similarity ?? ''))} <a href="/articles/${esc(a.duplicateOf)}">${esc(a.duplicateOf)}</a>.</p>` : '';
  const also =
    a.alsoReportedBy.length > 0
      ? `<ul>${a.alsoReportedBy
          .map(
            (d) =>
              `<li><a href="/articles/${esc(d.id)}"${textLangAttrs(d.title)}>${esc(d.title ?? d.id)}</a> — ${esc(d.source ?? t(lang, 'outletUnknown'))}, ${time(d.published)} <span class="muted">(${esc(d.match)}, ${esc(d.similarity)})</span>${d.url ? ` <a href="${esc(d.url)}" rel="noreferrer noopener">${esc(t(lang, 'source'))}</a>` : ''}</li>`,
          )
          .join('')}</ul>`
      : `<p class="muted">${esc(t(lang, 'noOtherOutlet'))}</p>`;
  const body = `<article data-article="${esc(a.id)}">
<h2${langAttrs(a.language)}>${esc(a.title ?? t(lang, 'noHeadlineInText'))}</h2>
<p class="muted">${esc(a.source ?? t(lang, 'outletUnknown'))}${a.author ? `, ${esc(a.author)}` : ''} · ${esc(t(lang, 'publishedOn'))} ${ltrIn(lang, time(a.published))} · ${esc(t(lang, 'firstSeen'))} ${ltrIn(lang, time(a.firstSeen))} · ${esc(a.language)} · ${esc(a.stage)}${a.baseline ? ` · ${esc(t(lang, 'baseline'))}` : ''}${a.url ? ` · <a href="${esc(a.url)}" rel="noreferrer noopener">${esc(t(lang, 'original'))}</a>` : ''}</p>
${a.storyId ? `<p class="story-of">${heading(lang, 'storyHeading')}: ${storyLink(a.storyId, storyReports, lang)}</p>` : ''}
${dup}
${highlightLegend(lang)}<div class="text"${langAttrs(a.language)}>${highlightText(a.text, articleHighlights(a))}</div>
<h3>${heading(lang, 'milestones')}</h3>${milestoneList(a.milestones, a.language, names, lang)}
<h3>${heading(lang, 'basesHeading')}</h3>${tagList('base', a.tags.bases, a.language, lang)}
<h3>${heading(lang, 'topicsHeading')}</h3>${tagList('topic', a.tags.topics, a.language, lang)}
<h3>${heading(lang, 'alsoReportedBy')}</h3>${also}
${a.warnings.length > 0 ? `<p class="muted">${esc(t(lang, 'cleanerWarnings'))}: ${esc(a.warnings.join('; '))}</p>` : ''}</article>`;
  return layout({ title: `${a.title ?? a.id} · marsad`, body, ...opts });
}

export function notFoundPage(what: string, opts: Pick<LayoutOptions, 'nonce' | 'lang' | 'switchHref'>): string {
  return layout({ title: 'not found · marsad', body: `<p>${esc(what)}</p>`, ...opts });
}
