import type { ActorNames } from '../../milestones/assess.js';
import { reasonText, reprintReason, type Story, type StoryArticle } from '../../stories/read.js';
import { esc, label, langAttrs, layout, textLangAttrs, time, type LayoutOptions } from './html.js';
import { stanceBadge } from './stance.js';

/** The columns of a story page, in this order: Arabic (right to left), English, then any other language. */
const COLUMNS: { language: string; en: string; ar: string }[] = [
  { language: 'ar', en: 'Arabic', ar: 'بالعربية' },
  { language: 'en', en: 'English', ar: 'بالإنجليزية' },
];

/** The link to the story page, as other pages show it: "story · 3 reports". */
export function storyLink(storyId: string, reports?: number): string {
  const count = reports === undefined ? '' : ` <span class="muted" data-story-reports="${reports}">${reports} report${reports === 1 ? '' : 's'}</span>`;
  return `<a class="story-link" href="/stories/${esc(storyId)}" data-story="${esc(storyId)}">story</a>${count}`;
}

function titleLink(id: string | null, title: string | null): string {
  if (id === null) return '';
  return `<a href="/articles/${esc(id)}"${textLangAttrs(title)}>${esc(title ?? id)}</a>`;
}

/** How the article joined, with a link to the article it joined through. */
function joinedHtml(a: StoryArticle, names: ActorNames): string {
  const j = a.joined;
  if (j.kind === 'first') return '<p class="joined" data-joined="first">first report</p>';
  const other = titleLink(j.with, j.withTitle);
  if (j.kind === 'reprint') {
    const why = reprintReason(j.reasons);
    return `<p class="joined" data-joined="reprint" data-with="${esc(j.with)}">${j.later ? 'reprinted by' : 'reprint of'} ${other}${why ? ` <span class="muted">(${esc(why)})</span>` : ''}</p>`;
  }
  const why = j.reasons.map((r) => `<span class="reason" data-reason="${esc(r)}">${esc(reasonText(r, names))}</span>`).join(', ');
  return `<p class="joined" data-joined="same-event" data-with="${esc(j.with)}">same event as ${other}${why ? ` because: ${why}` : ''}</p>`;
}

function card(a: StoryArticle, names: ActorNames): string {
  const flags = a.duplicateOf ? ' <span class="flag">reprint</span>' : '';
  return `<article class="story-card" data-article="${esc(a.id)}" data-language="${esc(a.language)}"><div class="muted">${time(a.published ?? a.firstSeen)} · <span${textLangAttrs(a.source)}>${esc(a.source ?? 'outlet unknown')}</span>${flags}</div>
<h4${langAttrs(a.language)}>${titleLink(a.id, a.title ?? '(no headline)')}</h4><div dir="ltr" lang="en">${joinedHtml(a, names)}</div>${a.url ? `<div class="muted"><a href="${esc(a.url)}" rel="noreferrer noopener">source</a></div>` : ''}</article>`;
}

/**
 * A story's page: the header (title, first and latest report, languages, outlets, milestones with their
 * stance), then its articles side by side by language, oldest first in each column (columns stack on narrow
 * screens: the stylesheet's .story-columns).
 */
export function storyPage(s: Story, opts: Pick<LayoutOptions, 'nonce' | 'lang' | 'switchHref' | 'englishBody'>, names: ActorNames = new Map()): string {
  const others = [...new Set(s.articles.map((a) => a.language))].filter((l) => !COLUMNS.some((c) => c.language === l));
  const columns = [...COLUMNS, ...others.map((l) => ({ language: l, en: l === 'und' ? 'Language unknown' : l, ar: '' }))]
    .map((c) => {
      const cards = s.articles.filter((a) => a.language === c.language).map((a) => card(a, names)).join('');
      return `<section class="story-column" data-column="${esc(c.language)}"${langAttrs(c.language)}><h3>${c.ar ? label(c.en, c.ar) : esc(c.en)}</h3>${cards || '<p class="muted">no report in this language</p>'}</section>`;
    })
    .join('');
  const milestones =
    s.milestones.length > 0
      ? `<ul class="story-milestones">${s.milestones
          .map(
            (m) =>
              `<li data-milestone="${esc(m.id)}"><a href="/milestones/${encodeURIComponent(m.id)}">${esc(m.id)}</a> ${stanceBadge(m.stance)}${m.stances.length > 1 ? ` <span class="muted">also ${m.stances.filter((x) => x !== m.stance).map((x) => stanceBadge(x)).join(' ')}</span>` : ''}</li>`,
          )
          .join('')}</ul>`
      : '<span class="muted">none</span>';
  const outlets = s.outlets.map((o) => `<span${textLangAttrs(o)}>${esc(o)}</span>`).join(', ') || '<span class="muted">unknown</span>';
  const body = `<section class="story" id="story" data-story-page="${esc(s.id)}">
<h2${textLangAttrs(s.title)}>${esc(s.title ?? '(no headline)')}</h2>
<dl class="story-facts"><dt>reports</dt><dd>${s.articles.length}</dd><dt>first report</dt><dd>${time(s.firstReport)}</dd><dt>latest report</dt><dd>${time(s.latestReport)}</dd>
<dt>languages</dt><dd>${esc(s.languages.join(', '))}</dd><dt>outlets</dt><dd>${outlets}</dd><dt>milestones</dt><dd>${milestones}</dd></dl>
<p class="muted">id <code>${esc(s.id)}</code> · JSON: <a href="/api/stories/${esc(s.id)}">/api/stories/${esc(s.id)}</a></p></section>
<div class="story-columns">${columns}</div>`;
  return layout({ title: `${s.title ?? s.id} · marsad`, body, ...opts });
}
