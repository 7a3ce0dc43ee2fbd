import type { Article, TagRef } from '../../model.js';
import { highlightEvidence, highlightText, type Highlight } from './highlight.js';
import { esc, label, langAttrs, layout, textLangAttrs, time, type LayoutOptions } from './html.js';

/** Every match of every tag and milestone, as offsets into the article's text. */
export function articleHighlights(a: Article): Highlight[] {
  const of = (kind: Highlight['kind'], refs: readonly { id: string; evidence: TagRef['evidence'] }[]) =>
    refs.flatMap((r) => r.evidence.flatMap((e) => e.matches.map((m) => ({ start: m.start, end: m.end, kind, title: `${kind} ${r.id}: ${m.term}` }))));
  return [...of('base', a.tags.bases), ...of('topic', a.tags.topics), ...of('milestone', a.milestones)];
}

function tagList(kind: Highlight['kind'], refs: readonly { id: string; count?: number; evidence: TagRef['evidence'] }[], language: string): string {
  if (refs.length === 0) return '<p class="muted">none</p>';
  return `<ul>${refs
    .map(
      (r) =>
        `<li data-tag="${esc(kind)}:${esc(r.id)}"><strong>${esc(r.id)}</strong>${r.count !== undefined ? ` <span class="muted">×${r.count}</span>` : ''}<ul>${r.evidence
          .map((e) => `<li class="evidence"${langAttrs(language)}>${highlightEvidence(e, kind, r.id)}</li>`)
          .join('')}</ul></li>`,
    )
    .join('')}</ul>`;
}

export function articlePage(a: Article, opts: Pick<LayoutOptions, 'nonce'>): string {
  const dup = a.duplicateOf ? `<p>Reprint (${esc(a.duplicateMatch)}, similarity ${esc(a.similarity)}) of <a href="/articles/${esc(a.duplicateOf)}">${esc(a.duplicateOf)}</a>.</p>` : '';
  const also =
    a.alsoReportedBy.length > 0
      ? `<ul>${a.alsoReportedBy
          .map(
            (d) =>
              `<li><a href="/articles/${esc(d.id)}"${textLangAttrs(d.title)}>${esc(d.title ?? d.id)}</a> — ${esc(d.source ?? 'outlet unknown')}, ${time(d.published)} <span class="muted">(${esc(d.match)}, ${esc(d.similarity)})</span>${d.url ? ` <a href="${esc(d.url)}" rel="noreferrer noopener">source</a>` : ''}</li>`,
          )
          .join('')}</ul>`
      : '<p class="muted">no other outlet so far</p>';
  const body = `<article data-article="${esc(a.id)}">
<h2${langAttrs(a.language)}>${esc(a.title ?? '(no headline in the text)')}</h2>
<p class="muted">${esc(a.source ?? 'outlet unknown')}${a.author ? `, ${esc(a.author)}` : ''} · published ${time(a.published)} · first seen ${time(a.firstSeen)} · ${esc(a.language)} · ${esc(a.stage)}${a.baseline ? ' · baseline' : ''}${a.url ? ` · <a href="${esc(a.url)}" rel="noreferrer noopener">original</a>` : ''}</p>
${dup}
<div class="text"${langAttrs(a.language)}>${highlightText(a.text, articleHighlights(a))}</div>
<h3>${label('Milestones', 'المحطات')}</h3>${tagList('milestone', a.milestones, a.language)}
<h3>${label('Bases', 'القواعد')}</h3>${tagList('base', a.tags.bases, a.language)}
<h3>${label('Topics', 'المواضيع')}</h3>${tagList('topic', a.tags.topics, a.language)}
<h3>${label('Also reported by', 'نشرته أيضاً')}</h3>${also}
${a.warnings.length > 0 ? `<p class="muted">cleaner warnings: ${esc(a.warnings.join('; '))}</p>` : ''}</article>`;
  return layout({ title: `${a.title ?? a.id} · marsad`, body, ...opts });
}

export function notFoundPage(what: string, opts: Pick<LayoutOptions, 'nonce'>): string {
  return layout({ title: 'not found · marsad', body: `<p>${esc(what)}</p>`, ...opts });
}
