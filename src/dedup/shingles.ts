import { DEDUP_DEFAULTS } from './defaults.js';

/*
 * Hashing written by hand rather than taken from a library (xxhash-wasm): this is the hot path of the dedup stage,
 * it runs synchronously on short strings, and the exact function is part of the stored format (signatures live in
 * Redis), so it must never change under us with a dependency upgrade. FNV-1a over UTF-16 code units plus the
 * murmur3 finalizer gives full avalanche at a few integer ops per character.
 */

/** murmur3's 32-bit finalizer: spreads every input bit over the whole word. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Unsigned 32-bit hash of a string's UTF-16 code units. Stable across processes, platforms and releases. */
export function hash32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/**
 * Combines token hashes into a shingle hash, order-sensitively. Seeded by the shingle width so a unigram can never
 * equal a k-gram by construction.
 */
function combine(tokenHashes: Uint32Array, start: number, width: number): number {
  let h = Math.imul(width, 0x9e3779b1);
  for (let i = start; i < start + width; i++) {
    h = Math.imul(h ^ tokenHashes[i]!, 0x01000193);
    h = (h << 13) | (h >>> 19);
  }
  return fmix32(h);
}

/**
 * Distinct hashes of the word k-shingles of `tokens` (already normalized words), in first-seen order.
 *
 * Short-text rule: a text with fewer than `k` tokens but at least one is shingled as unigrams, so it still gets a
 * signature and two short texts match only when their word sets overlap (not merely because both are short).
 * An empty token list yields no shingles; its MinHash signature is the empty signature, which is never indexed and
 * never a near-duplicate of anything (exact duplicates are caught by the content hash).
 */
export function shingleHashes(tokens: readonly string[], k: number = DEDUP_DEFAULTS.shingleSize): Uint32Array {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`shingle size must be a positive integer, got ${k}`);
  const n = tokens.length;
  if (n === 0) return new Uint32Array(0);
  const width = n < k ? 1 : k;
  const tokenHashes = new Uint32Array(n);
  for (let i = 0; i < n; i++) tokenHashes[i] = hash32(tokens[i]!);
  const seen = new Set<number>();
  for (let i = 0; i + width <= n; i++) seen.add(combine(tokenHashes, i, width));
  return Uint32Array.from(seen);
}
