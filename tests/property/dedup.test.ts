// Shingles and MinHash on arbitrary token lists: no exception, bounded time, estimates in [0, 1].
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateContainment, estimateJaccard, signTokens } from '../../src/dedup/minhash.js';
import { words } from '../../src/text/arabic.js';
import { garbageText, hugeText, RUNS, withinBound } from './garbage.js';

const tokens = fc.oneof(
  fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }), { maxLength: 2_000 }),
  fc.oneof(garbageText, hugeText).map((t) => words(t)),
);

describe('shingles and MinHash on garbage', () => {
  it('signs any token list; similarity estimates stay in [0, 1] and a text matches itself', () => {
    fc.assert(
      fc.property(tokens, tokens, (a, b) => {
        const sa = withinBound(() => signTokens(a));
        const sb = withinBound(() => signTokens(b));
        for (const v of [estimateJaccard(sa.signature, sb.signature), estimateContainment(sa.signature, sa.shingleCount, sb.signature, sb.shingleCount)]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
        if (sa.shingleCount > 0) expect(estimateJaccard(sa.signature, sa.signature)).toBe(1);
      }),
      { numRuns: RUNS },
    );
  });
});
