// The assembly of a CleanDocument from what an extractor found, without the HTML parser: plain-text
// documents (`marsad analyze` on a .txt file) are cleaned without loading cheerio; document.ts adds the HTML path.

import { canonicalUrl, InvalidUrlError } from '../dedup/canonical-url.js';
import type { Language, SourceDocument } from '../model.js';
import type { ExtractedHtmlDocument } from './html-document.js';
import { extractTextDocument, type ExtractedDocument } from './text-document.js';

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

/** cleanDocument of a document whose format is 'text'. */
export function cleanTextDocument(doc: DocumentInput): CleanDocument {
  return assembleCleanDocument(doc, extractTextDocument(doc.body));
}

/**
 * The clean document from what was extracted from its body (by extractHtmlDocument for a page). A title given
 * with the document (manifest, JSON, feed item) wins over the headline found in the text; the text's date
 * wins over a given one; the text's language wins when it is sure.
 */
export function assembleCleanDocument(doc: DocumentInput, extracted: ExtractedDocument | ExtractedHtmlDocument): CleanDocument {
  const html = 'metadata' in extracted ? extracted : null;
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
