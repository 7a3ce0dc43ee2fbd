// Arabic-aware text normalization and tokenization for matching, hashing and shingling.
// Written by hand: the folds needed here (hamza forms, alef maqsura, ta marbuta, tatweel, diacritics,
// Arabic-Indic digits) and the clitic rules are small and must keep a map back to the original
// offsets so that evidence spans point at what the reader sees. No npm package does both.

const ALEF = 0x0627;
const YEH = 0x064a;
const HEH = 0x0647;
const WAW = 0x0648;
const KAF = 0x0643;

/** Returns the folded code point for `code`, or -1 when the character carries no meaning for matching. */
function foldCode(code: number): number {
  if (code < 0x80) {
    return code >= 0x41 && code <= 0x5a ? code + 32 : code;
  }
  switch (code) {
    case 0x0622: // آ
    case 0x0623: // أ
    case 0x0625: // إ
    case 0x0671: // ٱ
    case 0x0672:
    case 0x0673:
      return ALEF;
    case 0x0649: // ى
    case 0x06cc: // Farsi yeh
    case 0x0626: // ئ
      return YEH;
    case 0x0629: // ة
      return HEH;
    case 0x0624: // ؤ
      return WAW;
    case 0x06a9: // Farsi keheh
      return KAF;
    case 0x0640: // tatweel
    case 0x0670: // superscript alef
    case 0x200b:
    case 0x200c:
    case 0x200d:
    case 0x200e:
    case 0x200f:
    case 0x061c:
    case 0xfeff:
    case 0x00ad:
      return -1;
  }
  if (code >= 0x064b && code <= 0x065f) return -1; // harakat, shadda, sukun
  if (code >= 0x06d6 && code <= 0x06ed) return -1; // Quranic annotation marks
  if (code >= 0x0660 && code <= 0x0669) return code - 0x0660 + 0x30; // Arabic-Indic digits
  if (code >= 0x06f0 && code <= 0x06f9) return code - 0x06f0 + 0x30; // Persian digits
  return code;
}

const latinFoldCache = new Map<number, string>();

/** Folds one character to zero or more characters of normalized text. */
function foldChar(ch: string, code: number): string {
  if (code >= 0xfb50 && code <= 0xfeff && code !== 0xfeff) {
    // Presentation forms (ligatures such as ﻻ) carry the same letters as their NFKC expansion.
    let out = '';
    for (const c of ch.normalize('NFKC')) {
      const f = foldCode(c.codePointAt(0)!);
      if (f >= 0) out += String.fromCodePoint(f);
    }
    return out;
  }
  if (code >= 0xc0 && code <= 0x24f) {
    let folded = latinFoldCache.get(code);
    if (folded === undefined) {
      folded = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
      latinFoldCache.set(code, folded);
    }
    return folded;
  }
  const f = foldCode(code);
  if (f < 0) return '';
  return f === code ? ch : String.fromCharCode(f);
}

/** Normalized text for matching and hashing. */
export function normalizeText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out += foldChar(text[i]!, code);
  }
  return out;
}

export interface Token {
  /** Normalized form (folded letters, ASCII digits, Latin lower case). */
  norm: string;
  /** Offsets into the original text: text.slice(start, end) is what the reader sees. */
  start: number;
  end: number;
}

function isWordCode(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0xdf && code <= 0x24f && code !== 0xf7 && code !== 0xd7) ||
    (code >= 0x0621 && code <= 0x064a) ||
    (code >= 0x0671 && code <= 0x06d3) ||
    (code >= 0xfb50 && code <= 0xfefc)
  );
}

/**
 * Splits text into word tokens with offsets into the original. Characters that fold away
 * (diacritics, tatweel, zero-width marks) never split a word; everything else that is not a
 * letter or digit does.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let norm = '';
  let start = -1;
  let end = -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const folded = foldChar(text[i]!, code);
    if (folded === '') {
      continue;
    }
    const foldedCode = folded.charCodeAt(0);
    if (isWordCode(foldedCode)) {
      if (start < 0) start = i;
      norm += folded;
      end = i + 1;
    } else if (start >= 0) {
      tokens.push({ norm, start, end });
      norm = '';
      start = -1;
    }
  }
  if (start >= 0) tokens.push({ norm, start, end });
  return tokens;
}

/** Normalized word forms, for shingling and hashing. */
export function words(text: string): string[] {
  return tokenize(text).map((t) => t.norm);
}

const ARABIC_LETTER = /^[\u0621-\u064a]/;

// Proclitic sequences, longest first. "لل" is ل + ال with the alef dropped (للقاعدة = ل + القاعدة).
const CONJUNCTIONS = ['و', 'ف'];
const PREPOSITIONS = ['ب', 'ل', 'ك'];
/** Shortest stem left after stripping, so that stripping never reduces a word to a stub. */
const MIN_STEM = 2;

/**
 * The forms a token may take once Arabic proclitics are removed: و ف (conjunctions), ب ل ك
 * (prepositions), ال (article), and their combinations (وبال، فلل، وكال…). The token itself comes
 * first. Matching compares a name's stem against this set, so "وبالأسد" reaches "اسد" while
 * "بغداد" still matches itself.
 */
export function stems(norm: string): string[] {
  const out = [norm];
  if (!ARABIC_LETTER.test(norm)) return out;
  const add = (s: string) => {
    if (s.length >= MIN_STEM && !out.includes(s)) out.push(s);
  };
  const afterConj = [norm];
  for (const c of CONJUNCTIONS) if (norm.startsWith(c)) afterConj.push(norm.slice(1));
  for (const w of afterConj) {
    add(w);
    const afterPrep = [w];
    for (const p of PREPOSITIONS) if (w.startsWith(p)) afterPrep.push(w.slice(1));
    if (w.startsWith('لل')) afterPrep.push(w.slice(2)); // لل = ل + ال
    for (const x of afterPrep) {
      add(x);
      if (x.startsWith('ال')) add(x.slice(2));
    }
  }
  return out;
}

/** The stem of a dictionary word (a taxonomy alias word): its article removed. */
export function lemmaKey(norm: string): string {
  return ARABIC_LETTER.test(norm) && norm.startsWith('ال') && norm.length - 2 >= MIN_STEM ? norm.slice(2) : norm;
}

export interface Span {
  start: number;
  end: number;
}

const SENTENCE_END = /[.!?؟…؛]/;
/**
 * Longest sentence span: a longer run without punctuation (the corpus's longest sentence has 1,450
 * characters) is cut at spaces, so that the per-sentence work of the tagger stays bounded.
 */
export const MAX_SENTENCE_CHARS = 2_000;

/**
 * Sentence spans over the original text. Breaks at line ends and at sentence punctuation followed by
 * space or a closing quote, but not after a one-letter abbreviation (د. for doctor) or inside numbers.
 */
export function splitSentences(text: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  const push = (end: number) => {
    let s = start;
    let e = end;
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    while (e - s > MAX_SENTENCE_CHARS) {
      const space = text.lastIndexOf(' ', s + MAX_SENTENCE_CHARS);
      const cut = space > s + MAX_SENTENCE_CHARS / 2 ? space : s + MAX_SENTENCE_CHARS;
      let end = cut;
      while (end > s && /\s/.test(text[end - 1]!)) end--;
      spans.push({ start: s, end });
      s = cut;
      while (s < e && /\s/.test(text[s]!)) s++;
    }
    if (e > s) spans.push({ start: s, end: e });
    start = end;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') {
      push(i + 1);
      continue;
    }
    if (!SENTENCE_END.test(ch)) continue;
    let j = i + 1;
    while (j < text.length && /["»”'’)\]]/.test(text[j]!)) j++;
    if (j < text.length && !/\s/.test(text[j]!)) continue; // 2.5, a.m., URLs
    if (ch === '.' && isAbbreviation(text, i)) continue;
    push(j);
    i = j - 1;
  }
  push(text.length);
  return spans;
}

/**
 * English abbreviations that a news sentence carries mid-sentence: months ("by Sept. 15"), titles and ranks
 * ("Lt. Col."), US states in datelines ("TAMPA, Fla."), "No.", "vs.".
 */
const ABBREVIATIONS = new Set([
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
  'mr', 'mrs', 'ms', 'dr', 'gen', 'lt', 'col', 'maj', 'sgt', 'capt', 'cmdr', 'adm', 'brig', 'gov', 'sen', 'rep', 'st', 'jr', 'sr',
  'no', 'vs', 'fla', 'calif', 'va', 'md', 'wash', 'ariz', 'mass', 'conn', 'penn',
]);

function isAbbreviation(text: string, dot: number): boolean {
  let k = dot - 1;
  while (k >= 0 && isWordCode(foldCode(text.charCodeAt(k)))) k--;
  const wordLength = dot - 1 - k;
  if (wordLength === 1) return true;
  if (wordLength > 5 || !/[A-Z]/.test(text[k + 1] ?? '')) return false;
  return ABBREVIATIONS.has(text.slice(k + 1, dot).toLowerCase());
}

/** Share of Arabic letters among letters: the language signal for a text. */
export function detectLanguage(text: string): 'ar' | 'en' | 'und' {
  let arabic = 0;
  let latin = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x0621 && c <= 0x064a) || (c >= 0x0671 && c <= 0x06d3)) arabic++;
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) latin++;
  }
  const letters = arabic + latin;
  if (letters < 20) return 'und';
  if (arabic / letters >= 0.6) return 'ar';
  if (latin / letters >= 0.6) return 'en';
  return 'und';
}
