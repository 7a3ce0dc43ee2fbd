import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEDUP_DEFAULTS } from '../../src/dedup/defaults.js';
import { bandKeys, candidateProbability, lshThreshold, nearDuplicateDecision } from '../../src/dedup/lsh.js';
import {
  EMPTY_SLOT,
  MERSENNE_31,
  estimateContainment,
  estimateJaccard,
  exactJaccard,
  hashFamily,
  isEmptySignature,
  minhash,
  mulAddMod31,
  signTokens,
} from '../../src/dedup/minhash.js';
import { hash32, shingleHashes } from '../../src/dedup/shingles.js';
import { mulberry32 } from '../support/random.js';


/** Two sets of distinct 32-bit values with |A ∪ B| = union and |A ∩ B| = shared. */
function syntheticPair(rand: () => number, union: number, shared: number): [Uint32Array, Uint32Array] {
  const values = new Set<number>();
  while (values.size < union) values.add(Math.floor(rand() * 2 ** 32));
  const all = [...values];
  const onlyA = Math.floor((union - shared) / 2);
  const a = all.slice(0, shared + onlyA);
  const b = [...all.slice(0, shared), ...all.slice(shared + onlyA)];
  return [Uint32Array.from(a), Uint32Array.from(b)];
}

/** Like syntheticPair, over the consecutive values start, start + 1, …: structured, not random-looking, input. */
function consecutivePair(start: number, union: number, shared: number): [Uint32Array, Uint32Array] {
  const all = Array.from({ length: union }, (_, i) => start + i);
  const onlyA = Math.floor((union - shared) / 2);
  const b = [...all.slice(0, shared), ...all.slice(shared + onlyA)];
  return [Uint32Array.from(all.slice(0, shared + onlyA)), Uint32Array.from(b)];
}

const seedsDir = new URL('../../seeds/', import.meta.url);
function seedText(prefix: string): string {
  const name = readdirSync(seedsDir).find((n) => n.startsWith(prefix) && n.endsWith('.txt'));
  if (!name) throw new Error(`seed ${prefix}_*.txt missing`);
  return readFileSync(new URL(name, seedsDir), 'utf8');
}
const words = (text: string): string[] => text.split(/\s+/u).filter((w) => w !== '');

describe('hash32 and shingleHashes', () => {
  it('are stable across releases (stored format)', () => {
    expect(hash32('')).toBe(2872998923);
    expect(hash32('العراق')).toBe(2986740459);
    expect(Array.from(shingleHashes(['a', 'b', 'c', 'd']))).toEqual([2890565997, 2654047983]);
  });

  it.each([
    ['k-shingles of a long text', ['a', 'b', 'c', 'd', 'e'], 3, 3],
    ['one shingle when the text has exactly k tokens', ['a', 'b', 'c'], 3, 1],
    ['unigrams when the text is shorter than k', ['a', 'b'], 3, 2],
    ['one unigram for a single token', ['a'], 3, 1],
    ['nothing for no tokens', [], 3, 0],
    ['distinct shingles only', ['a', 'b', 'a', 'b', 'a', 'b'], 2, 2],
    ['unigrams when k = 1', ['x', 'y', 'x'], 1, 2],
  ])('%s', (_, tokens, k, count) => {
    expect(shingleHashes(tokens, k)).toHaveLength(count);
  });

  it('is order-sensitive', () => {
    expect(exactJaccard(shingleHashes(['a', 'b', 'c']), shingleHashes(['c', 'b', 'a']))).toBe(0);
  });

  it('keeps a unigram distinct from a k-gram', () => {
    expect(shingleHashes(['a'], 1)[0]).not.toBe(shingleHashes(['a', 'a', 'a'], 3)[0]);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects shingle size %s', (k) => {
    expect(() => shingleHashes(['a'], k)).toThrow(RangeError);
  });
});

describe('mulAddMod31', () => {
  it('matches exact BigInt arithmetic, including the extremes', () => {
    const p = BigInt(MERSENNE_31);
    const rand = mulberry32(1);
    const cases: [number, number, number][] = [
      [MERSENNE_31 - 1, MERSENNE_31 - 1, MERSENNE_31 - 1],
      [1, 0, 0],
      [0xffff, MERSENNE_31 - 1, 0],
      [0x10000, MERSENNE_31 - 1, MERSENNE_31 - 1],
      [0x7fff0000, 0x7ffeffff, 12345],
    ];
    for (let i = 0; i < 20_000; i++) {
      const below = (n: number): number => Math.floor(rand() * n);
      cases.push([1 + below(MERSENNE_31 - 1), below(MERSENNE_31), below(MERSENNE_31)]);
    }
    for (const [a, x, b] of cases) {
      expect(mulAddMod31(a, x, b)).toBe(Number((BigInt(a) * BigInt(x) + BigInt(b)) % p));
    }
  });
});

describe('hashFamily', () => {
  it('has coefficients in range and is a prefix of any longer family', () => {
    const { a, b } = hashFamily(256);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...a)).toBeLessThan(MERSENNE_31);
    expect(Math.max(...b)).toBeLessThan(MERSENNE_31);
    expect(hashFamily(128).a).toEqual(a.slice(0, 128));
    expect(hashFamily(128).b).toEqual(b.slice(0, 128));
  });

  it.each([0, -3, 2.5])('rejects numHashes %s', (n) => {
    expect(() => hashFamily(n)).toThrow(RangeError);
  });
});

describe('minhash', () => {
  it('is deterministic across processes and releases (signatures are stored in Redis)', () => {
    const { signature, shingleCount } = signTokens(['القوات', 'الأمريكية', 'تنسحب', 'من', 'قاعدة', 'عين', 'الأسد']);
    expect(shingleCount).toBe(5);
    expect(Array.from(signature.slice(0, 6))).toEqual([
      477823424, 1012600773, 269244734, 725831336, 352948731, 172400018,
    ]);
    expect(bandKeys(signature).slice(0, 2)).toEqual(['0:dad0e5db7ff47d3a', '1:3e07afe0eb5bb3d4']);
  });

  it('has numHashes slots, all below p', () => {
    const sig = minhash(Uint32Array.from([0, 1, 0xffffffff, MERSENNE_31]), 64);
    expect(sig).toHaveLength(64);
    expect(Math.max(...sig)).toBeLessThan(MERSENNE_31);
  });

  it('ignores duplicate shingles', () => {
    expect(minhash([5, 7, 5, 7, 9])).toEqual(minhash([9, 7, 5]));
  });

  it('gives identical sets an estimate of exactly 1', () => {
    const [a] = syntheticPair(mulberry32(2), 500, 500);
    expect(estimateJaccard(minhash(a), minhash(Uint32Array.from(a).reverse()))).toBe(1);
  });

  it('gives disjoint sets an estimate near 0', () => {
    const [a, b] = syntheticPair(mulberry32(3), 1000, 0);
    expect(exactJaccard(a, b)).toBe(0);
    expect(estimateJaccard(minhash(a), minhash(b))).toBeLessThanOrEqual(0.03);
  });

  const accuracyCases: [number, number][] = [];
  for (const union of [40, 300, 2000]) {
    for (const j of [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]) accuracyCases.push([union, j]);
  }
  it.each(accuracyCases)('estimates Jaccard within ±0.1 (|A∪B| = %i, J = %f)', (union, j) => {
    const [a, b] = syntheticPair(mulberry32(union * 1000 + Math.round(j * 100)), union, Math.round(union * j));
    expect(Math.abs(estimateJaccard(minhash(a), minhash(b)) - exactJaccard(a, b))).toBeLessThanOrEqual(0.1);
  });

  // ±0.1 is 2.3 standard errors at J = 0.5 with 128 hashes, so over many pairs a few percent may exceed it; what
  // must hold is no bias and the binomial variance J(1−J)/n. Consecutive ids are the input a linear hash family
  // gets wrong when it is not scrambled first.
  type PairMaker = (rand: () => number, trial: number, union: number, shared: number) => [Uint32Array, Uint32Array];
  const makers: [string, PairMaker][] = [
    ['random values', (rand, _, union, shared) => syntheticPair(rand, union, shared)],
    ['consecutive ids', (_, trial, union, shared) => consecutivePair(trial * union, union, shared)],
  ];
  it.each(makers)('is unbiased with binomial variance on %s', (_, makePair) => {
    const rand = mulberry32(4);
    const trials = 400;
    const union = 300;
    let sq = 0;
    let bias = 0;
    let within = 0;
    let expectedVar = 0;
    for (let t = 0; t < trials; t++) {
      const [a, b] = makePair(rand, t, union, Math.floor(rand() * union));
      const j = exactJaccard(a, b);
      const err = estimateJaccard(minhash(a), minhash(b)) - j;
      sq += err * err;
      bias += err;
      expectedVar += (j * (1 - j)) / DEDUP_DEFAULTS.numHashes;
      if (Math.abs(err) <= 0.1) within++;
    }
    expect(Math.abs(bias / trials)).toBeLessThan(0.01);
    expect(sq / expectedVar).toBeGreaterThan(0.75);
    expect(sq / expectedVar).toBeLessThan(1.3);
    expect(within / trials).toBeGreaterThanOrEqual(0.97);
  });

  it('rejects signatures of different lengths', () => {
    expect(() => estimateJaccard(minhash([1], 64), minhash([1], 128))).toThrow(RangeError);
  });
});

describe('short and empty texts', () => {
  it('gives a text shorter than k a real signature', () => {
    const { signature, shingleCount } = signTokens(['انسحاب']);
    expect(shingleCount).toBe(1);
    expect(isEmptySignature(signature)).toBe(false);
    expect(bandKeys(signature)).toHaveLength(DEDUP_DEFAULTS.bands);
  });

  it.each([
    ['identical short texts match', ['انسحاب', 'القوات'], ['انسحاب', 'القوات'], true],
    ['short texts with no shared word do not match', ['انسحاب', 'القوات'], ['عين', 'الأسد'], false],
    ['one shared word of three does not match', ['انسحاب', 'القوات'], ['انسحاب', 'عاجل'], false],
    ['a word does not match a longer text containing it', ['العراق'], ['الانسحاب', 'من', 'العراق', 'اليوم'], false],
  ])('%s', (_, a, b, duplicate) => {
    expect(nearDuplicateDecision(signTokens(a).signature, signTokens(b).signature).duplicate).toBe(duplicate);
  });

  it('short texts with no shared word share no band', () => {
    const keys = bandKeys(signTokens(['انسحاب', 'القوات']).signature);
    expect(bandKeys(signTokens(['عين', 'الأسد']).signature).some((k) => keys.includes(k))).toBe(false);
  });

  it('gives an empty text the empty signature, never indexed and never a duplicate', () => {
    const { signature, shingleCount } = signTokens([]);
    expect(shingleCount).toBe(0);
    expect(signature.every((v) => v === EMPTY_SLOT)).toBe(true);
    expect(isEmptySignature(signature)).toBe(true);
    expect(bandKeys(signature)).toEqual([]);
    expect(estimateJaccard(signature, signature)).toBe(0);
    expect(nearDuplicateDecision(signature, signature).duplicate).toBe(false);
  });
});

describe('LSH', () => {
  it.each([
    [32, 4, 0.4204],
    [16, 8, 0.7071],
    [64, 2, 0.125],
  ])('lshThreshold(%i, %i) = %f', (b, r, t) => {
    expect(lshThreshold(b, r)).toBeCloseTo(t, 4);
  });

  it.each([
    [0.2, 0.0502],
    [0.3, 0.2295],
    [0.5, 0.8731],
    [0.6, 0.9885],
    [0.8, 1.0],
  ])('candidateProbability(%f, 32, 4) = %f', (j, p) => {
    expect(candidateProbability(j, 32, 4)).toBeCloseTo(p, 3);
  });

  it('has an S-curve that rises monotonically from 0 to 1', () => {
    const ps = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1].map((j) => candidateProbability(j, 32, 4));
    expect(ps[0]).toBe(0);
    expect(ps.at(-1)).toBe(1);
    for (let i = 1; i < ps.length; i++) expect(ps[i]!).toBeGreaterThanOrEqual(ps[i - 1]!);
  });

  it('defaults fit the signature', () => {
    expect(DEDUP_DEFAULTS.bands * DEDUP_DEFAULTS.rows).toBeLessThanOrEqual(DEDUP_DEFAULTS.numHashes);
  });

  it('makes one compact, stable key per band, equal for identical signatures', () => {
    const tokens = words(seedText('002'));
    const a = bandKeys(signTokens(tokens).signature);
    const b = bandKeys(signTokens([...tokens]).signature);
    expect(a).toHaveLength(DEDUP_DEFAULTS.bands);
    expect(a).toEqual(b);
    a.forEach((key, i) => expect(key).toMatch(new RegExp(`^${i}:[0-9a-f]{16}$`)));
  });

  it('keys depend on the band index and the rows', () => {
    const sig = new Uint32Array(128).fill(7);
    const keys = bandKeys(sig, 32, 4);
    expect(new Set(keys.map((k) => k.split(':')[1])).size).toBe(32);
    const other = Uint32Array.from(sig);
    other[5] = 8;
    const changed = bandKeys(other, 32, 4);
    expect(changed.filter((k, i) => k !== keys[i])).toEqual([changed[1]]);
  });

  it.each([
    [33, 4],
    [0, 4],
    [4, 0],
    [2.5, 4],
  ])('rejects bands × rows = %i × %i for a 128-slot signature', (b, r) => {
    expect(() => bandKeys(new Uint32Array(128), b, r)).toThrow(RangeError);
  });
});

describe('near-duplicate decision on real Arabic articles', () => {
  const original = seedText('002');

  /** A reprint: new headline, last paragraph dropped, other site's furniture, a few words edited. */
  function reprint(text: string): string {
    const paragraphs = text.split(/\n\s*\n/u).filter((p) => p.trim() !== '');
    const headlineAt = paragraphs.findIndex((p) => p.includes('هواجس الانقلاب'));
    expect(headlineAt).toBeGreaterThanOrEqual(0);
    paragraphs[headlineAt] = 'الميليشيات العراقية تخشى انقلاباً مع رحيل القوات الأمريكية';
    paragraphs.pop();
    const body = paragraphs
      .join('\n\n')
      .replace('تتصاعد المخاوف', 'تتزايد المخاوف')
      .replace('غير واضحة', 'غير معلنة')
      .replace('الخاسر الأكبر', 'الطرف الخاسر')
      .replace('مركزياً وإقليمياً', 'داخلياً وخارجياً')
      .replace('بشكل واضح', 'بصورة نهائية');
    return [
      'الرئيسية / أخبار العراق',
      body,
      'اقرأ أيضاً: البرلمان العراقي يناقش قانون الحشد',
      'تابعونا على تلغرام وفيسبوك ليصلكم كل جديد',
      'جميع الحقوق محفوظة © 2025 شبكة الأخبار العربية',
    ].join('\n\n');
  }

  it('judges a reprint of seed 002 a near-duplicate found through a shared band', () => {
    const a = signTokens(words(original));
    const b = signTokens(words(reprint(original)));
    const decision = nearDuplicateDecision(a.signature, b.signature);
    expect(decision.duplicate).toBe(true);
    expect(decision.reason).toBe('jaccard');
    expect(decision.jaccard).toBeGreaterThanOrEqual(0.7);
    const keysA = bandKeys(a.signature);
    expect(bandKeys(b.signature).some((k) => keysA.includes(k))).toBe(true);
  });

  it('does not judge two seeds reporting the same event in different words near-duplicates', () => {
    const a = signTokens(words(seedText('000')));
    const b = signTokens(words(seedText('004')));
    const decision = nearDuplicateDecision(a.signature, b.signature, DEDUP_DEFAULTS.threshold, {
      sizeA: a.shingleCount,
      sizeB: b.shingleCount,
    });
    expect(decision.duplicate).toBe(false);
    expect(decision.jaccard).toBeLessThan(0.1);
  });

  it('no two distinct seeds are near-duplicates', () => {
    const sigs = ['000', '001', '002', '003', '004'].map((p) => signTokens(words(seedText(p))));
    for (let i = 0; i < sigs.length; i++) {
      for (let j = i + 1; j < sigs.length; j++) {
        expect(nearDuplicateDecision(sigs[i]!.signature, sigs[j]!.signature).duplicate).toBe(false);
      }
    }
  });

  it('catches a truncated reprint by containment, and only when sizes are given', () => {
    const tokens = words(original);
    const a = signTokens(tokens);
    const b = signTokens(tokens.slice(0, Math.round(tokens.length * 0.4)));
    const sizes = { sizeA: a.shingleCount, sizeB: b.shingleCount };
    expect(nearDuplicateDecision(a.signature, b.signature).duplicate).toBe(false);
    const decision = nearDuplicateDecision(a.signature, b.signature, DEDUP_DEFAULTS.threshold, sizes);
    expect(decision).toMatchObject({ duplicate: true, reason: 'containment' });
    expect(decision.containment).toBeGreaterThanOrEqual(0.9);
    expect(estimateContainment(b.signature, b.shingleCount, a.signature, a.shingleCount)).toBeGreaterThanOrEqual(0.9);
  });

  it('does not trust containment below the Jaccard floor', () => {
    const tokens = words(original);
    const a = signTokens(tokens);
    const b = signTokens(tokens.slice(0, Math.round(tokens.length * 0.1)));
    const decision = nearDuplicateDecision(a.signature, b.signature, DEDUP_DEFAULTS.threshold, {
      sizeA: a.shingleCount,
      sizeB: b.shingleCount,
    });
    expect(decision.jaccard).toBeLessThan(DEDUP_DEFAULTS.containmentMinJaccard);
    expect(decision.duplicate).toBe(false);
  });
});
