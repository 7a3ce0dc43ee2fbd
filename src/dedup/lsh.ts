import { DEDUP_DEFAULTS } from './defaults.js';
import { estimateContainment, estimateJaccard, isEmptySignature } from './minhash.js';
import { fmix32 } from './shingles.js';

/*
 * LSH banding. Two documents become candidates when all `rows` slots of at least one band agree, with probability
 * P(J) = 1 − (1 − J^rows)^bands. Defaults 32 × 4 over 128 hashes; the S-curves of the splits of 128:
 *   J        0.2    0.3    0.4    0.5    0.6    0.7    0.8   midpoint (1/b)^(1/r)
 *   32 × 4  0.050  0.229  0.564  0.873  0.988  1.000  1.000  0.42
 *   16 × 8  0.000  0.001  0.010  0.061  0.237  0.613  0.947  0.71
 *   64 × 2  0.927  0.998  1.000  1.000  1.000  1.000  1.000  0.13
 * With confirmation at 0.5, 32 × 4 finds 87 % of pairs at exactly 0.5 and 99 % from 0.6, where reprints sit
 * (synthetic reprints of ANT articles ≥ 150 tokens: median Jaccard 0.62 with 3-shingles); 16 × 8 would miss most
 * of them and 64 × 2 would make almost every same-topic pair a candidate. The price of 32 × 4 is candidates at
 * 0.3–0.4, which the full-signature check discards in-process (on ANT: 32 candidates, 29 confirmed, in 1,774 docs).
 */

/** Similarity at the S-curve's steepest region: (1/bands)^(1/rows). */
export function lshThreshold(bands: number, rows: number): number {
  return Math.pow(1 / bands, 1 / rows);
}

/** Probability that a pair with Jaccard `j` shares at least one band. */
export function candidateProbability(j: number, bands: number, rows: number): number {
  return 1 - Math.pow(1 - Math.pow(j, rows), bands);
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/**
 * One key per band, `${bandIndex}:${16 hex digits}`: a 64-bit hash (two independent 32-bit lanes) of the band's
 * rows, so unrelated bands collide with probability ~2^-64. The keys depend on `bands` and `rows` (and on the
 * signature scheme), so the store must namespace them by those parameters. The empty signature yields no keys:
 * empty texts are never indexed.
 * @throws RangeError when bands × rows exceeds the signature length.
 */
export function bandKeys(
  signature: Uint32Array,
  bands: number = DEDUP_DEFAULTS.bands,
  rows: number = DEDUP_DEFAULTS.rows,
): string[] {
  if (!Number.isInteger(bands) || !Number.isInteger(rows) || bands < 1 || rows < 1) {
    throw new RangeError(`bands and rows must be positive integers, got ${bands} × ${rows}`);
  }
  if (bands * rows > signature.length) {
    throw new RangeError(`bands × rows = ${bands * rows} exceeds signature length ${signature.length}`);
  }
  if (isEmptySignature(signature)) return [];
  const keys = new Array<string>(bands);
  for (let band = 0; band < bands; band++) {
    let h1 = 0x243f6a88 ^ band;
    let h2 = 0x85a308d3 ^ band;
    for (let i = band * rows; i < (band + 1) * rows; i++) {
      const v = signature[i]!;
      h1 = Math.imul(h1 ^ v, 0x01000193);
      h1 = (h1 << 13) | (h1 >>> 19);
      h2 = Math.imul(h2 ^ fmix32(v ^ 0x9e3779b9), 0x5bd1e995);
      h2 = (h2 << 17) | (h2 >>> 15);
    }
    keys[band] = `${band}:${hex8(fmix32(h1))}${hex8(fmix32(h2))}`;
  }
  return keys;
}

export interface NearDuplicateDecision {
  readonly duplicate: boolean;
  /** Estimated Jaccard over the full signature. */
  readonly jaccard: number;
  /** Estimated containment of the smaller text in the larger, when sizes were given. */
  readonly containment?: number;
  readonly reason: 'jaccard' | 'containment' | 'none';
}

export interface ContainmentOptions {
  /** Distinct shingle counts of the two texts (`TokenSignature.shingleCount`). */
  readonly sizeA: number;
  readonly sizeB: number;
  readonly containmentThreshold?: number;
  readonly containmentMinJaccard?: number;
}

/**
 * Confirms an LSH candidate. A near-duplicate when the estimated Jaccard reaches `threshold`; with sizes, also when
 * the smaller text is almost wholly contained in the larger (a truncated reprint, or one wrapped in much extra
 * furniture) and the Jaccard estimate is high enough (`containmentMinJaccard`) for the containment estimate,
 * whose error grows as 1/J, to mean something.
 */
export function nearDuplicateDecision(
  sigA: Uint32Array,
  sigB: Uint32Array,
  threshold: number = DEDUP_DEFAULTS.threshold,
  sizes?: ContainmentOptions,
): NearDuplicateDecision {
  const jaccard = estimateJaccard(sigA, sigB);
  if (!sizes) return { duplicate: jaccard >= threshold, jaccard, reason: jaccard >= threshold ? 'jaccard' : 'none' };
  const containment =
    sizes.sizeA <= sizes.sizeB
      ? estimateContainment(sigA, sizes.sizeA, sigB, sizes.sizeB)
      : estimateContainment(sigB, sizes.sizeB, sigA, sizes.sizeA);
  if (jaccard >= threshold) return { duplicate: true, jaccard, containment, reason: 'jaccard' };
  const contained =
    jaccard >= (sizes.containmentMinJaccard ?? DEDUP_DEFAULTS.containmentMinJaccard) &&
    containment >= (sizes.containmentThreshold ?? DEDUP_DEFAULTS.containmentThreshold);
  return { duplicate: contained, jaccard, containment, reason: contained ? 'containment' : 'none' };
}
