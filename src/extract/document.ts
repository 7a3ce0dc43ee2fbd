import { assembleCleanDocument, cleanTextDocument, type CleanDocument, type DocumentInput } from './clean-document.js';
import { extractHtmlDocument, type HtmlRules } from './html-document.js';

export type { CleanDocument, DocumentInput } from './clean-document.js';

/**
 * The clean article of a document: its text without furniture, and its metadata (see assembleCleanDocument
 * for which of the given and the found wins). `rules` are the feed's HTML selectors.
 */
export function cleanDocument(doc: DocumentInput, rules?: HtmlRules): CleanDocument {
  if (doc.format !== 'html') return cleanTextDocument(doc);
  return assembleCleanDocument(doc, extractHtmlDocument(doc.body, rules));
}
