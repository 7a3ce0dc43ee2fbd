import type { Article } from '../model.js';
import { nearDuplicateDecision } from './lsh.js';
import type { TokenSignature } from './minhash.js';

/**
 * The dedup stage's decision, pure: given what the store answered when the article claimed its
 * canonical URL and text hash and looked up its LSH candidates, is it a duplicate, and of which
 * article? The order is the order of certainty: the same URL, then the same text, then the nearest
 * near-duplicate.
 */

export interface DuplicateMatch {
  /** The article that matched; the store follows links from there up to the group's original. */
  original: string;
  kind: NonNullable<Article['duplicateMatch']>;
  /** 1 for URL and exact matches; the estimated Jaccard (3 decimals) for near ones. */
  similarity: number;
}

/** Who holds the article's claims: the first article with its canonical URL (null: it has none) and with its text hash. */
export interface DedupClaims {
  urlHolder: string | null;
  hashHolder: string;
}

/** A URL or exact-text match from the claims alone; null when the article holds both claims itself. */
export function claimedMatch(articleId: string, claims: DedupClaims): DuplicateMatch | null {
  if (claims.urlHolder !== null && claims.urlHolder !== articleId) return { original: claims.urlHolder, kind: 'url', similarity: 1 };
  if (claims.hashHolder !== articleId) return { original: claims.hashHolder, kind: 'exact', similarity: 1 };
  return null;
}

/** The candidate most similar to `signed` among those confirmed as near-duplicates at `threshold`; null when none is. */
export function nearestMatch(signed: TokenSignature, candidates: ReadonlyMap<string, TokenSignature>, threshold: number): DuplicateMatch | null {
  let best: DuplicateMatch | null = null;
  for (const [id, other] of candidates) {
    const decision = nearDuplicateDecision(signed.signature, other.signature, threshold, { sizeA: signed.shingleCount, sizeB: other.shingleCount });
    // Strictly greater: of equally similar candidates the first (the store lists the oldest first) wins.
    if (decision.duplicate && (!best || decision.jaccard > best.similarity)) best = { original: id, kind: 'near', similarity: decision.jaccard };
  }
  return best && { ...best, similarity: Math.round(best.similarity * 1000) / 1000 };
}

/**
 * URL, then exact text, then near-duplicate. `candidates` are the LSH candidates' signatures; they are
 * only looked at when the claims do not decide (see claimedMatch), so a caller may skip reading them then.
 */
export function decideDuplicate(articleId: string, claims: DedupClaims, signed: TokenSignature, candidates: ReadonlyMap<string, TokenSignature>, threshold: number): DuplicateMatch | null {
  return claimedMatch(articleId, claims) ?? nearestMatch(signed, candidates, threshold);
}
