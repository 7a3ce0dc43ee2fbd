import type { ActorNames } from '../../milestones/assess.js';
import { reasonText, reprintReason, type Story, type StoryArticle } from '../../stories/read.js';
import { esc, heading, langAttrs, layout, textLangAttrs, time, type LayoutOptions } from './html.js';
import { counted, statusName, t, type Lang, type Word } from './i18n.js';
import { stanceBadge } from './stance.js';

/** The columns of a story page, in this order: Arabic (right to left), English, then any other language. */
const COLUMNS: { language: string; word: Word }[] = [
  { language: 'ar', word: 'arabicColumn' },
  { language: 'en', word: 'englishColumn' },
];

/** The link to the story page, as other pages show it: "story · 3 reports". */
export function storyLink(storyId: string, reports?: number, lang: Lang = 'en'): string {
  const count = reports === undefined ? '' : ` <span class="muted" data-story-reports="${reports}">${esc(counted(lang, reports, 'report'))}</span>`;
  return `<a class="story-link" href="/stories/${esc(storyId)}" data-story="${esc(storyId)}">${esc(t(lang, 'story'))}</a>${count}`;
}

function titleLink(id: string | null, title: string | null): string {
  if (id === null) return '';
  return `<a href="/articles/${esc(id)}"${textLangAttrs(title)}>${esc(title ?? id)}</a>`;
}

/** How the article joined, with a link to the article it joined through (the reasons are written in English). */
function joinedHtml(a: StoryArticle, names: ActorNames, lang: Lang): string {
  const j = a.joined;
  const english = lang === 'en' ? '' : ' lang="en" dir="ltr"';
  if (j.kind === 'first') return `<p class="joined" data-joined="first">${esc(t(lang, 'firstReport'))}</p>`;
  const other = titleLink(j.with, j.withTitle);
  if (j.kind === 'reprint') {
    const why = reprintReason(j.reasons);
    return `<p class="joined" data-joined="reprint" data-with="${esc(j.with)}">${esc(t(lang, j.later ? 'reprintedBy' : 'reprintOf'))} ${other}${why ? ` <span class="muted"${english}>(${esc(why)})</span>` : ''}</p>`;
  }
  const why = j.reasons.map((r) => `<span class="reason" data-reason="${esc(r)}"${english}>${esc(reasonText(r, names))}</span>`).join(', ');
  return `<p class="joined" data-joined="same-event" data-with="${esc(j.with)}">${esc(t(lang, 'sameEventAs'))} ${other}${why ? ` ${esc(t(lang, 'because'))}: ${why}` : ''}</p>`;
}

function card(a: StoryArticle, names: ActorNames, lang: Lang): string {
  const flags = a.duplicateOf ? ` <span class="flag">${esc(t(lang, 'reprint'))}</span>` : '';
  return `<article class="story-card" data-article="${esc(a.id)}" data-language="${esc(a.language)}"><div class="muted">${time(a.published ?? a.firstSeen)} · <span${textLangAttrs(a.source)}>${esc(a.source ?? t(lang, 'outletUnknown'))}</span>${flags}</div>
<h4${langAttrs(a.language)}>${titleLink(a.id, a.title ?? t(lang, 'noHeadline'))}</h4><div${langAttrs(lang)}>${joinedHtml(a, names, lang)}</div>${a.url ? `<div class="muted"><a href="${esc(a.url)}" rel="noreferrer noopener">${esc(t(lang, 'source'))}</a></div>` : ''}</article>`;
}

/**
 * A story's page: the header (title, first and latest report, languages, outlets, milestones with their
 * stance), then its articles side by side by language, oldest first in each column (columns stack on narrow
 * screens: the stylesheet's .story-columns).
 */
export function storyPage(s: Story, opts: Pick<LayoutOptions, 'nonce' | 'lang' | 'switchHref'>, names: ActorNames = new Map()): string {
  const lang = opts.lang ?? 'en';
  const others = [...new Set(s.articles.map((a) => a.language))].filter((l) => !COLUMNS.some((c) => c.language === l));
  const columnHeading = (language: string) => {
    const known = COLUMNS.find((c) => c.language === language);
    if (known) return heading(lang, known.word);
    return esc(language === 'und' ? t(lang, 'languageUnknown') : language);
  };
  const columns = [...COLUMNS.map((c) => c.language), ...others]
    .map((language) => {
      const cards = s.articles.filter((a) => a.language === language).map((a) => card(a, names, lang)).join('');
      return `<section class="story-column" data-column="${esc(language)}"${langAttrs(language)}><h3>${columnHeading(language)}</h3>${cards || `<p class="muted"${langAttrs(lang)}>${esc(t(lang, 'noReportInLanguage'))}</p>`}</section>`;
    })
    .join('');
  const milestones =
    s.milestones.length > 0
      ? `<ul class="story-milestones">${s.milestones
          .map(
            (m) =>
              `<li data-milestone="${esc(m.id)}"><a href="/milestones/${encodeURIComponent(m.id)}">${esc(m.id)}</a> ${stanceBadge(m.stance, statusName(lang, m.stance))}${m.stances.length > 1 ? ` <span class="muted">${esc(t(lang, 'also'))} ${m.stances.filter((x) => x !== m.stance).map((x) => stanceBadge(x, statusName(lang, x))).join(' ')}</span>` : ''}</li>`,
          )
          .join('')}</ul>`
      : `<span class="muted">${esc(t(lang, 'none'))}</span>`;
  const outlets = s.outlets.map((o) => `<span${textLangAttrs(o)}>${esc(o)}</span>`).join(', ') || `<span class="muted">${esc(t(lang, 'unknown'))}</span>`;
  const body = `<section class="story" id="story" data-story-page="${esc(s.id)}">
<h2${textLangAttrs(s.title)}>${esc(s.title ?? t(lang, 'noHeadline'))}</h2>
<dl class="story-facts"><dt>${esc(t(lang, 'reports'))}</dt><dd>${s.articles.length}</dd><dt>${esc(t(lang, 'firstReport'))}</dt><dd>${time(s.firstReport)}</dd><dt>${esc(t(lang, 'latestReport'))}</dt><dd>${time(s.latestReport)}</dd>
<dt>${esc(t(lang, 'languages'))}</dt><dd>${esc(s.languages.join(', '))}</dd><dt>${esc(t(lang, 'outlets'))}</dt><dd>${outlets}</dd><dt>${esc(t(lang, 'milestonesLower'))}</dt><dd>${milestones}</dd></dl>
<p class="muted">id <code>${esc(s.id)}</code> · JSON: <a href="/api/stories/${esc(s.id)}">/api/stories/${esc(s.id)}</a></p></section>
<div class="story-columns">${columns}</div>`;
  return layout({ title: `${s.title ?? s.id} · marsad`, body, ...opts });
}
