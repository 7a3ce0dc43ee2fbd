import type { CleanDocument } from './document.js';

/**
 * The clean stage's decision, pure: is what the cleaner left of a page an article? A page with no
 * text left, or too little (a video or gallery page, a paywall), is not: it is recorded as failed,
 * never stored as an empty article. Returns the reason, naming `where` the page came from, and what
 * to check; null for an article.
 */
export function notAnArticle(clean: Pick<CleanDocument, 'text' | 'tooLittleText'>, where: string): string | null {
  const problem =
    clean.text.trim() === ''
      ? `no article text left in ${where} after removing the page's furniture`
      : clean.tooLittleText
        ? `too little article text in ${where} (${clean.text.length} characters): a video or gallery page, a paywall, or a page the cleaner misreads`
        : null;
  return problem && `${problem}: check that it is an article (for a feed, its rules in config/feeds.yaml)`;
}
