import { describe, expect, it } from 'vitest';
import { claimedMatch, decideDuplicate, nearestMatch, type DedupClaims, type DuplicateMatch } from '../../src/dedup/decide.js';
import { signTokens, type TokenSignature } from '../../src/dedup/minhash.js';

const THRESHOLD = 0.5;
/** Tokens w0 … w(n-1) from `from`: texts built from overlapping ranges share that many shingles. */
const words = (from: number, n: number) => Array.from({ length: n }, (_, i) => `w${from + i}`);
const sign = (tokens: string[]): TokenSignature => signTokens(tokens);

const article = sign(words(0, 200));
const same = sign(words(0, 200));
const close = sign(words(10, 200)); // about 90 % of the shingles shared
const closer = sign(words(4, 200)); // about 96 %
const far = sign(words(1000, 200)); // none shared
const truncated = sign(words(0, 120)); // a reprint cut short: contained in the article

describe('claimedMatch (URL, then exact text, from the claims alone)', () => {
  // [case, claims, expected]
  const cases: [string, DedupClaims, DuplicateMatch | null][] = [
    ['holds both claims itself', { urlHolder: 'a', hashHolder: 'a' }, null],
    ['no URL, holds the text', { urlHolder: null, hashHolder: 'a' }, null],
    ['another holds the URL', { urlHolder: 'b', hashHolder: 'a' }, { original: 'b', kind: 'url', similarity: 1 }],
    ['another holds the text', { urlHolder: 'a', hashHolder: 'c' }, { original: 'c', kind: 'exact', similarity: 1 }],
    ['no URL, another holds the text', { urlHolder: null, hashHolder: 'c' }, { original: 'c', kind: 'exact', similarity: 1 }],
    ['the URL wins over the text', { urlHolder: 'b', hashHolder: 'c' }, { original: 'b', kind: 'url', similarity: 1 }],
  ];
  it.each(cases)('%s', (_name, claims, expected) => {
    expect(claimedMatch('a', claims)).toEqual(expected);
  });
});

describe('nearestMatch (LSH candidates confirmed on the full signature)', () => {
  // [case, candidates in the store's order, expected original (null: no match)]
  const cases: [string, [string, TokenSignature][], string | null][] = [
    ['no candidates', [], null],
    ['a candidate below the threshold', [['far', far]], null],
    ['one near-duplicate', [['close', close]], 'close'],
    ['the most similar of several', [['close', close], ['closer', closer], ['far', far]], 'closer'],
    ['equally similar: the first listed', [['same-1', same], ['same-2', same]], 'same-1'],
    ['a truncated reprint, by containment', [['truncated', truncated]], 'truncated'],
  ];
  it.each(cases)('%s', (_name, candidates, expected) => {
    const match = nearestMatch(article, new Map(candidates), THRESHOLD);
    expect(match?.original ?? null).toBe(expected);
    if (match) {
      expect(match.kind).toBe('near');
      expect(match.similarity).toBe(Math.round(match.similarity * 1000) / 1000);
    }
  });

  it('identical texts are near-duplicates with similarity 1', () => {
    expect(nearestMatch(article, new Map([['same', same]]), THRESHOLD)).toEqual({ original: 'same', kind: 'near', similarity: 1 });
  });
});

describe('decideDuplicate (URL → exact → near)', () => {
  const candidates = new Map([['closer', closer]]);
  // [case, claims, candidates, expected kind and original]
  const cases: [string, DedupClaims, Map<string, TokenSignature>, Pick<DuplicateMatch, 'kind' | 'original'> | null][] = [
    ['an original', { urlHolder: 'a', hashHolder: 'a' }, new Map([['far', far]]), null],
    ['a near-duplicate when the claims are its own', { urlHolder: 'a', hashHolder: 'a' }, candidates, { kind: 'near', original: 'closer' }],
    ['the exact text wins over a near candidate', { urlHolder: null, hashHolder: 'c' }, candidates, { kind: 'exact', original: 'c' }],
    ['the URL wins over both', { urlHolder: 'b', hashHolder: 'c' }, candidates, { kind: 'url', original: 'b' }],
  ];
  it.each(cases)('%s', (_name, claims, cands, expected) => {
    const match = decideDuplicate('a', claims, article, cands, THRESHOLD);
    expect(match && { kind: match.kind, original: match.original }).toEqual(expected);
  });
});
