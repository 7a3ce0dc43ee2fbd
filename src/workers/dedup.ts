import { PermanentFailure } from '../queues/errors.js';
import { urlKey } from '../dedup/canonical-url.js';
import { DEDUP_DEFAULTS } from '../dedup/defaults.js';
import { claimedMatch, decideDuplicate } from '../dedup/decide.js';
import { bandKeys } from '../dedup/lsh.js';
import { signTokens } from '../dedup/minhash.js';
import type { JobData } from '../queues/jobs.js';
import type { StageResult } from '../queues/pipeline.js';
import { words } from '../text/arabic.js';
import type { StageDeps } from './deps.js';

/** Candidates confirmed per article: bounds the work per article whatever the size of the store. */
const MAX_CANDIDATES = 64;

/**
 * Dedup stage: the same canonical URL, the same normalized text, or a near-duplicate found through
 * LSH bands and confirmed on the full MinHash signature (the decision itself: dedup/decide.ts). A
 * duplicate is kept and linked to the original of its group, never dropped.
 */
export async function handleDedup({ articleId }: JobData<'dedup'>, { store, config, log }: StageDeps): Promise<StageResult> {
  const article = await store.getArticle(articleId);
  if (!article) throw new PermanentFailure(`article ${articleId} is not in the store (was it cleaned?)`);
  const params = config.settings.dedup;

  // Every article joins the bands, duplicates too, so that a later reprint of a reprint is found.
  const signed = signTokens(words(article.text), { shingleSize: params.shingleSize });
  await store.putSignature(articleId, signed);
  // Band keys depend on every parameter of the signature scheme: a change starts a fresh index.
  const namespace = `mh1-n${DEDUP_DEFAULTS.numHashes}-k${params.shingleSize}-${params.bands}x${params.rows}`;
  const registration = await store.registerForDedup(
    articleId,
    {
      urlKey: article.canonicalUrl ? urlKey(article.canonicalUrl) : null,
      contentHash: article.contentHash,
      bandKeys: bandKeys(signed.signature, params.bands, params.rows).map((k) => `${namespace}:${k}`),
    },
    MAX_CANDIDATES,
  );

  const claims = { urlHolder: registration.urlHolder, hashHolder: registration.hashHolder };
  // The candidates' signatures are read only when the URL and text claims do not decide already.
  const candidates = claimedMatch(articleId, claims) === null ? await store.getSignatures(registration.candidates) : new Map();
  const match = decideDuplicate(articleId, claims, signed, candidates, params.threshold);

  const previousOriginal = article.duplicateOf;
  if (match) {
    // Linked to the article that matched; the store follows links up to the group's original.
    article.duplicateOf = match.original;
    article.duplicateMatch = match.kind;
    article.similarity = match.similarity;
  } else {
    article.duplicateOf = null;
    article.duplicateMatch = null;
    article.similarity = null;
  }
  article.stage = 'deduped';
  await store.saveArticle(article, article, { previousOriginal });
  if (match) log.info({ article_id: articleId, duplicate_of: article.duplicateOf, match: match.kind, similarity: match.similarity }, 'duplicate');
  return { status: 'done', next: [articleId], note: match ? `duplicate of ${article.duplicateOf} (${match.kind})` : 'original' };
}
