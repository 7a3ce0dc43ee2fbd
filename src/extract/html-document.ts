// An HTML news page to a cleaned document: html-metadata.ts reads what the markup declares, html-content.ts
// finds the article's pieces, and the text cleaner (cleanBlocks) applies its line rules to them, so HTML and
// raw text pages lose their furniture by the same rules.

import { load } from 'cheerio';
import { words } from '../text/arabic.js';
import { boundHtml, flattenDeepMarkup } from './html-bounds.js';
import { selectContent, type HtmlRules } from './html-content.js';
import { isoDate, readMetadata, resolveUrl, type HtmlMetadata } from './html-metadata.js';
import { bylineFromLabeledLine, looksLikeName } from './furniture.js';
import { cleanBlocks, type Block, type ExtractedDocument } from './text-document.js';

export type { HtmlRules } from './html-content.js';
export type { HtmlMetadata } from './html-metadata.js';

export interface ExtractedHtmlDocument extends ExtractedDocument {
  /** What the markup declares, as read (before the text's findings are merged in). */
  metadata: HtmlMetadata;
  modified: string | null;
  canonicalUrl: string | null;
  /** Lead image URL: og:image, JSON-LD image, or the article's first image. */
  image: string | null;
  /** Too little article text was found to be an article: the caller should fail the page rather than store it. */
  tooLittleText: boolean;
  /** How the article was found: the feed's selector, generic scoring, or the whole body as a last resort. */
  container: 'rule' | 'scored' | 'body';
}

/**
 * Below either, what was found is a stub, a teaser or a paywall notice, not an article. Low enough for
 * a two-sentence wire brief (often 25–40 words), which is exactly the kind of report that moves a milestone.
 */
export const MIN_ARTICLE_WORDS = 25;
export const MIN_ARTICLE_CHARS = 120;

export function extractHtmlDocument(html: string, rules?: HtmlRules): ExtractedHtmlDocument {
  // htmlparser2 in HTML mode: several times faster than parse5 on news pages, and lenient enough.
  const bounded = boundHtml(html);
  const $ = load(bounded.html, { xml: { xmlMode: false, decodeEntities: true } });
  const bounds = [...bounded.warnings, ...flattenDeepMarkup($)];
  const metadata = readMetadata($);
  const content = selectContent($, rules, metadata.title);

  // The headline first, so the cleaner takes it as the title and treats what follows as header zone and body.
  // Without a headline element the cleaner finds the title in the text (a bold line in a table cell, say).
  const blocks: Block[] = [
    ...(content.headline === null ? [] : [{ text: content.headline, kind: 'heading' as const }]),
    ...content.header.map((p) => ({ text: p.text, kind: 'paragraph' as const })),
    ...content.body.map((p) => ({ text: p.text, kind: p.heading ? ('heading' as const) : ('paragraph' as const) })),
  ];
  const cleaned = cleanBlocks(blocks);
  // Byline and date elements hold lines only the cleaner's header rules understand ("نشر في 3 أيلول 2025").
  const info = cleanBlocks(content.infos.flatMap((i) => i.lines.map((text) => ({ text, kind: 'line' as const }))));
  const printedByline = content.infos.flatMap((i) => i.bylines).map(bylineName).find((b) => b !== null) ?? null;
  const printedTime = content.infos.map((i) => (i.datetime === null ? null : isoDate(i.datetime))).find((d) => d !== null) ?? null;

  const tooLittleText = words(cleaned.text).length < MIN_ARTICLE_WORDS || cleaned.text.length < MIN_ARTICLE_CHARS;
  const warnings = [
    ...bounds,
    ...content.warnings,
    ...cleaned.warnings.filter((w) => !(w.startsWith('no headline') && metadata.title !== null)),
  ];
  if (tooLittleText) {
    warnings.push(`too little article text (${words(cleaned.text).length} words, ${cleaned.text.length} characters): not an article, or the extractor missed it`);
  }
  const declaredLanguage = metadata.language === 'ar' || metadata.language === 'en' ? metadata.language : 'und';
  const image = metadata.image ?? (content.image === null ? null : resolveUrl(content.image, metadata.canonicalUrl));
  return {
    ...cleaned,
    title: cleaned.title ?? metadata.title,
    // Printed bylines name who wrote this page; JSON-LD and meta authors are often a desk or the CMS account.
    byline: printedByline ?? cleaned.byline ?? info.byline ?? metadata.byline,
    // Machine-readable dates before printed ones: they carry the zone and never mis-parse a day-month order.
    published: metadata.published ?? printedTime ?? cleaned.published ?? info.published,
    // The text's script is surer than a template's lang attribute (Arabic sites ship lang="en").
    language: cleaned.language !== 'und' ? cleaned.language : declaredLanguage,
    warnings,
    metadata,
    modified: metadata.modified,
    canonicalUrl: metadata.canonicalUrl,
    image,
    tooLittleText,
    container: content.how,
  };
}

/** The name in a byline element's text: "بقلم: أحمد علي" → "أحمد علي"; a bare name as is. */
function bylineName(text: string): string | null {
  return bylineFromLabeledLine(text) ?? (looksLikeName(text) ? text : null);
}
