import { canonicalUrl, InvalidUrlError } from '../dedup/canonical-url.js';
import type { Language, SourceDocument } from '../model.js';
import { extractHtmlDocument, type HtmlRules } from './html-document.js';
import { extractTextDocument } from './text-document.js';

export interface CleanDocument {
  title: string | null;
  byline: string | null;
  published: string | null;
  language: Language;
  text: string;
  canonicalUrl: string | null;
  /** HTML only (null for text): dateModified / article:modified_time, and the lead image URL. */
  modified: string | null;
  image: string | null;
  /** HTML extraction found too little text to be an article; the caller should fail the document. */
  tooLittleText: boolean;
  warnings: string[];
}

export type DocumentInput = Pick<SourceDocument, 'format' | 'body' | 'url' | 'title' | 'published' | 'language'>;

/**
 * The clean article of a document: its text without furniture, and its metadata. A title given with
 * the document (manifest, JSON, feed item) wins over the headline found in the text; the text's date
 * wins over a given one; the text's language wins when it is sure. `rules` are the feed's HTML selectors.
 */
export function cleanDocument(doc: DocumentInput, rules?: HtmlRules): CleanDocument {
  const html = doc.format === 'html' ? extractHtmlDocument(doc.body, rules) : null;
  const extracted = html ?? extractTextDocument(doc.body);
  const warnings = doc.title ? extracted.warnings.filter((w) => !w.startsWith('no headline')) : [...extracted.warnings];
  const declaredUrl = html?.metadata.canonicalUrl ?? doc.url;
  let canonical: string | null = null;
  if (declaredUrl) {
    try {
      canonical = canonicalUrl(doc.url ? new URL(declaredUrl, doc.url).href : declaredUrl);
    } catch (err) {
      if (!(err instanceof InvalidUrlError) && !(err instanceof TypeError)) throw err;
      warnings.push(`ignored an unusable canonical URL: ${declaredUrl}`);
      canonical = doc.url ? canonicalUrl(doc.url) : null;
    }
  }
  return {
    title: doc.title ?? extracted.title,
    byline: extracted.byline,
    published: extracted.published ?? doc.published,
    language: extracted.language === 'und' && doc.language ? doc.language : extracted.language,
    text: extracted.text,
    canonicalUrl: canonical,
    modified: html?.modified ?? null,
    image: html?.image ?? null,
    tooLittleText: html?.tooLittleText ?? false,
    warnings,
  };
}
