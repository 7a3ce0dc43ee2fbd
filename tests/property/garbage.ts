// Generators of the garbage the pure cores must survive: random Unicode with Arabic, RTL and invisible
// marks, Arabic and English news words, huge tokens, long runs without punctuation, nested and broken tags.
import fc from 'fast-check';

/** Each call of a core must end well within this, whatever the input (generous: a loaded 2-core machine). */
export const CALL_BOUND_MS = 5_000;

/** Runs per property: the whole property suite stays well under 30 s. */
export const RUNS = 40;

const arabicLetter = fc.integer({ min: 0x0621, max: 0x064a }).map((c) => String.fromCharCode(c));
const marks = fc.constantFrom('\u200f', '\u200e', '\u202b', '\u202e', '\u2067', '\u061c', '\u0640', '\u064b', '\u0651', '\ufeff', '\u200b', '\u00a0');
const punctuation = fc.constantFrom('.', '،', '؛', '؟', '!', ',', ':', '-', '"', '«', '»', '(', ')', '\n', '\n\n', ' ', '\t', '…');
const newsWords = fc.constantFrom(
  'انسحاب', 'القوات', 'الأمريكية', 'من', 'قاعدة', 'عين', 'الأسد', 'حرير', 'التحالف', 'الدولي', 'أيلول', '2026', 'أعلن', 'بحلول',
  'سبتمبر', 'withdrawal', 'US', 'forces', 'Ain', 'al-Asad', 'base', 'coalition', 'by', 'September', 'said', 'U.S.', '١٥', '2025/09/15',
  'كانون الثاني', 'nov.', 'يوم الثلاثاء', 'لم', 'ينسحب', 'بعد', 'مصدر', 'مسؤول', 'قال', 'Pentagon',
);
const word = fc.oneof(
  { weight: 4, arbitrary: newsWords },
  { weight: 2, arbitrary: fc.string({ unit: arabicLetter, minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 1, arbitrary: marks },
);

/** Text: news-like words, noise, marks and punctuation in any order. */
export const garbageText = fc
  .array(fc.oneof({ weight: 5, arbitrary: word }, { weight: 2, arbitrary: punctuation }), { maxLength: 300 })
  .map((parts) => parts.join(' '));

/** One of the shapes that used to blow up, large: a huge token, a run without punctuation, many short lines. */
export const hugeText = fc.oneof(
  fc.tuple(fc.constantFrom('a', 'ب', '1', '.', ' ', '\n', '\u200f'), fc.integer({ min: 50_000, max: 400_000 })).map(([c, n]) => c.repeat(n)),
  fc.tuple(newsWords, fc.integer({ min: 5_000, max: 40_000 })).map(([w, n]) => `${w} `.repeat(n)),
  fc.tuple(garbageText, fc.integer({ min: 50, max: 400 })).map(([t, n]) => `${t}\n`.repeat(n)),
);

const tagName = fc.constantFrom('div', 'p', 'span', 'a', 'h1', 'h2', 'article', 'header', 'section', 'script', 'style', 'table', 'td', 'li', 'ul', 'time', 'br', 'img', 'svg', 'template', '!--', 'main');
const attrs = fc.constantFrom('', ' class="related"', ' class="article-body"', ' id="content"', ' hidden', ' style="display:none"', ' itemprop="articleBody"', ' class="byline"', ' datetime="2026-09-15"', ' src="x.jpg"', ' type="application/ld+json"', ' class="x');

type Html = string;
/** HTML: nested, unclosed and stray tags around garbage text. */
export const garbageHtml: fc.Arbitrary<Html> = fc.letrec<{ node: Html; list: Html }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    garbageText,
    fc.tuple(tagName, attrs, tie('list'), fc.boolean()).map(([t, a, inner, close]) => `<${t}${a}>${inner}${close ? `</${t}>` : ''}`),
    fc.constantFrom('<', '>', '</', '<!--', '-->', '&amp;', '&#x202e;', '&nbsp;', '<![CDATA[', ']]>', '<?xml?>', '<!DOCTYPE html>'),
  ),
  list: fc.array(tie('node'), { maxLength: 6 }).map((xs) => xs.join('')),
})).list;

/** Deeply nested markup, up to thousands of levels. */
export const deepHtml = fc
  .tuple(fc.constantFrom('div', 'span', 'td', 'header', 'blockquote', 'li'), fc.integer({ min: 100, max: 6_000 }), garbageText)
  .map(([t, depth, text]) => `<body>${`<${t}>`.repeat(depth)}${text}${`</${t}>`.repeat(depth)}</body>`);

/** Runs `f`, fails if it took longer than CALL_BOUND_MS, and returns its result. */
export function withinBound<T>(f: () => T): T {
  const t0 = performance.now();
  const out = f();
  const took = performance.now() - t0;
  if (took > CALL_BOUND_MS) throw new Error(`took ${Math.round(took)} ms, over the ${CALL_BOUND_MS} ms bound`);
  return out;
}
