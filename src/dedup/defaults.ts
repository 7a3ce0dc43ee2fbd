/**
 * Defaults shared by shingling, MinHash and LSH. The config layer may override `threshold`, `bands` and `rows`;
 * `shingleSize` and `numHashes` shape the stored signatures, so changing them requires re-indexing.
 * Measured with `npx tsx bench/dedup-corpus.ts --sweep` on ANT v1.1 (1,774 Arabic articles); S-curves in `lsh.ts`.
 */
export const DEDUP_DEFAULTS = Object.freeze({
  /**
   * Word k-shingles. 3 rather than 2: on ANT the most similar distinct pair measures 0.35 (2-shingles: 0.41) and a
   * third as many distinct pairs exceed 0.1 (46 vs 129), which matters in a single-topic stream full of stock
   * two-word phrases ("القوات الأمريكية"). The cost is end-to-end recall on synthetic reprints of short briefs
   * (< 150 tokens: 64 % vs 76 %; longer: 96 % vs 99 %). 4 loses more recall (91 % on long articles) for no
   * precision gain on the corpus.
   */
  shingleSize: 3,
  /** Signature length: standard error of the estimate ≤ 0.044; 256 would halve the variance for twice the cost. */
  numHashes: 128,
  /** LSH bands × rows must not exceed numHashes. */
  bands: 32,
  rows: 4,
  /**
   * Estimated Jaccard at or above which a candidate is a near-duplicate: 3.5 standard errors (0.042 at n = 128)
   * above the most similar distinct ANT pair (0.35), and below the 10th percentile of synthetic reprints of longer
   * articles (0.56).
   */
  threshold: 0.5,
  /** Estimated containment of the shorter text in the longer one that also counts (truncated reprints). */
  containmentThreshold: 0.9,
  /** Below this estimated Jaccard the containment estimate is too noisy to trust. */
  containmentMinJaccard: 0.3,
  /** Days an indexed article stays findable as an original: a month covers wire reprints, and bounds Redis. */
  windowDays: 30,
});
