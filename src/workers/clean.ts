import { PermanentFailure } from '../queues/errors.js';
import { cleanOffThread } from '../compute/index.js';
import { contentHash } from '../dedup/content-hash.js';
import { notAnArticle } from '../extract/accept.js';
import type { Article } from '../model.js';
import type { JobData } from '../queues/jobs.js';
import type { StageResult } from '../queues/pipeline.js';
import { words } from '../text/arabic.js';
import type { StageDeps } from './deps.js';

/**
 * Clean stage: document -> article. A page that is not an article (notAnArticle) is a permanent
 * failure, recorded for operators. A replay keeps the article's first-seen order and its duplicate link.
 */
export async function handleClean({ documentId }: JobData<'clean'>, { store, config, log }: StageDeps): Promise<StageResult> {
  const { doc, article: previous } = await store.getDocumentWithArticle(documentId);
  if (!doc) {
    // Dedup drops the raw document once the article is registered: a clean job run again after that
    // (a stalled job picked up late, a retry from the board) has nothing left to do.
    if (previous) return { status: 'skipped', next: [], note: 'already cleaned; its raw document was dropped at dedup' };
    throw new PermanentFailure(`document ${documentId} is not in the store`);
  }
  const origin = doc.origin;
  const rules = origin.kind === 'feed' ? config.feeds.find((f) => f.id === origin.feedId)?.rules : undefined;
  const clean = await cleanOffThread(doc, rules, origin.kind === 'seed' ? origin.file : origin.url);
  const reason = notAnArticle(clean, origin.kind === 'seed' ? origin.file : origin.url);
  if (reason) {
    await store.recordDocumentFailure(documentId, reason);
    throw new PermanentFailure(reason);
  }
  const article: Article = {
    id: documentId,
    origin: doc.origin,
    url: doc.url,
    canonicalUrl: clean.canonicalUrl,
    source: doc.source,
    author: doc.author,
    byline: clean.byline,
    title: clean.title,
    published: clean.published,
    language: clean.language,
    text: clean.text,
    bases: previous?.bases ?? [],
    topics: previous?.topics ?? [],
    milestones: previous?.milestones ?? [],
    tags: previous?.tags ?? { bases: [], topics: [] },
    duplicateOf: previous?.duplicateOf ?? null,
    duplicateMatch: previous?.duplicateMatch ?? null,
    similarity: previous?.similarity ?? null,
    alsoReportedBy: [],
    contentHash: contentHash(words(clean.text)),
    seq: previous?.seq ?? (await store.nextSeq()),
    firstSeen: previous?.firstSeen ?? new Date().toISOString(),
    stage: 'cleaned',
    baseline: doc.baseline,
    warnings: clean.warnings,
  };
  await store.saveArticle(article, previous);
  log.debug({ article_id: documentId, title: article.title, warnings: article.warnings }, 'cleaned');
  return { status: 'done', next: [documentId] };
}
