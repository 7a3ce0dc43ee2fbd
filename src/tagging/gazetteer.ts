// Gazetteer: tags bases and topics from config/taxonomy.yaml with the evidence that made each tag.
// Written by hand: matching must be Arabic-aware (clitics and the article on every word of a name, folded
// spellings) and keep offsets into the original text; no npm package does that. Aliases are compiled
// once into maps keyed by their first word, so tagging is one pass over tokens with map lookups.
import { lemmaKey, splitSentences, stems, tokenize, type Span, type Token } from '../text/arabic.js';
import type { Phrases, Taxonomy } from './schema.js';

/** Evidence kept per tag (sentences), so that a long article does not bloat the stored tags. */
export const EVIDENCE_CAP = 5;
/** Shortest prefix a `word*` pattern may have; the schema enforces the same bound. */
const MIN_PREFIX = 3;

export interface EvidenceMatch {
  /** Offsets into the input text: text.slice(start, end) === text. */
  start: number;
  end: number;
  text: string;
  /** The alias or lexicon phrase that matched, as written in the config. */
  term: string;
}

export interface Evidence {
  /** The sentence, and its offsets in the input text. */
  text: string;
  start: number;
  end: number;
  matches: EvidenceMatch[];
}

export interface TagHit {
  id: string;
  count: number;
  evidence: Evidence[];
}

export interface TagResult {
  bases: TagHit[];
  topics: TagHit[];
}

// ---------------------------------------------------------------------------------------------
// Phrase index: shared with the milestone matcher.

interface WordPattern {
  key: string;
  prefix: boolean;
}

interface Term<T> {
  data: T;
  surface: string;
  words: WordPattern[];
}

export interface TermIndex<T> {
  exact: Map<string, Term<T>[]>;
  prefix: Map<string, Term<T>[]>;
  maxPrefix: number;
  /** The lengths of the `word*` prefixes, ascending, and their first MIN_PREFIX letters: most tokens start none. */
  prefixLengths: number[];
  prefixHeads: Set<string>;
}

/** Turns `قاعدة الحرير` into [قاعده, حرير] and `withdraw*` into a prefix word; hyphens split words. */
function parsePhrase(phrase: string): WordPattern[] {
  const words: WordPattern[] = [];
  for (const part of phrase.split(/\s+/)) {
    const prefix = part.endsWith('*');
    const parts = tokenize(prefix ? part.slice(0, -1) : part);
    parts.forEach((t, i) => words.push({ key: lemmaKey(t.norm), prefix: prefix && i === parts.length - 1 }));
  }
  return words;
}

export function compileTerms<T>(entries: Iterable<readonly [phrase: string, data: T]>): TermIndex<T> {
  const index: TermIndex<T> = { exact: new Map(), prefix: new Map(), maxPrefix: 0, prefixLengths: [], prefixHeads: new Set() };
  for (const [surface, data] of entries) {
    const words = parsePhrase(surface);
    const first = words[0];
    if (!first) continue;
    const map = first.prefix ? index.prefix : index.exact;
    if (first.prefix) index.maxPrefix = Math.max(index.maxPrefix, first.key.length);
    const list = map.get(first.key);
    if (list) list.push({ data, surface, words });
    else map.set(first.key, [{ data, surface, words }]);
  }
  index.prefixLengths = [...new Set([...index.prefix.keys()].map((k) => k.length))].sort((a, b) => a - b);
  index.prefixHeads = new Set([...index.prefix.keys()].map((k) => k.slice(0, MIN_PREFIX)));
  return index;
}

export function phraseEntries<T>(phrases: Phrases | undefined, data: T): [string, T][] {
  return phrases ? [...phrases.ar, ...phrases.en].map((p) => [p, data]) : [];
}

/** A text split into sentences and tokens once, shared by every index scanned over it. */
export interface PreparedText {
  text: string;
  sentences: Span[];
  /** Per sentence: its tokens, and per token the forms a phrase word may equal. */
  tokens: Token[][];
  keys: string[][][];
}

const APOSTROPHE = /['’ʼ‘]/;

/**
 * Forms of a token a phrase word may equal: Arabic without its proclitics (stems) and without the
 * future prefix س of a verb (ستنسحب → تنسحب, so the lexicon lists present forms only); English also
 * without a plural -s (bases, forces), so "air bases" still finds "air base". Extra forms only ever
 * equal a phrase word that is written that way, so "سيارة" → "يارة" costs nothing.
 */
function tokenKeys(norm: string): string[] {
  if (/^[a-z]/.test(norm)) return norm.length > 3 && norm.endsWith('s') ? [norm, norm.slice(0, -1)] : [norm];
  const keys = stems(norm);
  for (const k of [...keys]) if (/^س[يتن]/.test(k) && k.length > 4) keys.push(k.slice(1));
  return keys;
}

export function prepareText(text: string): PreparedText {
  const sentences = splitSentences(text);
  const tokens = sentences.map((s) =>
    joinAcronyms(
      text,
      tokenize(text.slice(s.start, s.end))
        .map((t) => ({ norm: t.norm, start: t.start + s.start, end: t.end + s.start }))
        // A possessive 's is not a word: "the coalition's mission" reads as "coalition mission".
        .filter((t) => !(t.norm === 's' && APOSTROPHE.test(text[t.start - 1] ?? ''))),
    ),
  );
  return { text, sentences, tokens, keys: tokens.map((ts) => ts.map((t) => tokenKeys(t.norm))) };
}

/**
 * A dotted acronym is one word: "U.S." and "U.S.-led" read as "us", so that "U.S. forces" is "us forces"
 * as the lexicons write it (and "U.N.", "U.K." likewise). Single Latin letters joined by a dot, with no
 * space between them, are merged into one token over the same text.
 */
function joinAcronyms(text: string, tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    let j = i;
    while (
      j + 1 < tokens.length &&
      /^[a-z]$/.test(tokens[j]!.norm) &&
      /^[a-z]$/.test(tokens[j + 1]!.norm) &&
      text[tokens[j]!.end] === '.' &&
      tokens[j + 1]!.start === tokens[j]!.end + 1
    ) {
      j++;
    }
    if (j === i) {
      out.push(t);
      continue;
    }
    out.push({ norm: tokens.slice(i, j + 1).map((x) => x.norm).join(''), start: t.start, end: tokens[j]!.end });
    i = j;
  }
  return out;
}

export interface Found<T> {
  data: T;
  term: string;
  sentence: number;
  /** Token range within the sentence, inclusive. */
  first: number;
  last: number;
  start: number;
  end: number;
}

function wordMatches(w: WordPattern, keys: string[]): boolean {
  return w.prefix ? keys.some((k) => k.startsWith(w.key)) : keys.includes(w.key);
}

function addTerms<T>(to: Term<T>[], list: Term<T>[]): void {
  for (const t of list) if (!to.includes(t)) to.push(t);
}

/** Every occurrence of every phrase of the index, in text order. Matches never cross a sentence. */
export function findTerms<T>(index: TermIndex<T>, prepared: PreparedText): Found<T>[] {
  const found: Found<T>[] = [];
  prepared.keys.forEach((sentenceKeys, s) => {
    const tokens = prepared.tokens[s]!;
    for (let i = 0; i < sentenceKeys.length; i++) {
      // Candidates in first-seen order, without a set: a token has few, and most tokens none.
      const candidates: Term<T>[] = [];
      for (const key of sentenceKeys[i]!) {
        const exact = index.exact.get(key);
        if (exact) addTerms(candidates, exact);
        if (key.length < MIN_PREFIX || !index.prefixHeads.has(key.slice(0, MIN_PREFIX))) continue;
        for (const n of index.prefixLengths) {
          if (n > key.length) break;
          const list = index.prefix.get(key.slice(0, n));
          if (list) addTerms(candidates, list);
        }
      }
      for (const term of candidates) {
        const last = i + term.words.length - 1;
        if (last >= sentenceKeys.length) continue;
        let ok = true;
        for (let j = 1; ok && j < term.words.length; j++) ok = wordMatches(term.words[j]!, sentenceKeys[i + j]!);
        if (ok) {
          found.push({ data: term.data, term: term.surface, sentence: s, first: i, last, start: tokens[i]!.start, end: tokens[last]!.end });
        }
      }
    }
  });
  return found;
}

/**
 * One match per mention: overlapping matches of the same owner merge into one span ("قاعدة يونيون" and
 * "يونيون 3" become "قاعدة يونيون 3"), keeping the term of the one that starts first and is longest.
 */
export function nonOverlapping<T>(found: Found<T>[], owner: (data: T) => string): Found<T>[] {
  const sorted = [...found].sort((a, b) => a.start - b.start || b.end - a.end);
  const open = new Map<string, Found<T>>();
  const kept: Found<T>[] = [];
  for (const f of sorted) {
    const key = owner(f.data);
    const prev = open.get(key);
    if (prev && prev.sentence === f.sentence && prev.end > f.start) {
      if (f.end > prev.end) Object.assign(prev, { end: f.end, last: f.last });
      continue;
    }
    const copy = { ...f };
    open.set(key, copy);
    kept.push(copy);
  }
  return kept;
}

function toMatch(prepared: PreparedText, f: Found<unknown>): EvidenceMatch {
  return { start: f.start, end: f.end, text: prepared.text.slice(f.start, f.end), term: f.term };
}

/** Evidence for a set of matches: one entry per sentence, in text order, at most `cap` sentences. */
export function buildEvidence(prepared: PreparedText, found: Found<unknown>[], cap = EVIDENCE_CAP): Evidence[] {
  const bySentence = new Map<number, EvidenceMatch[]>();
  for (const f of [...found].sort((a, b) => a.start - b.start || b.end - a.end)) {
    const list = bySentence.get(f.sentence);
    const m = toMatch(prepared, f);
    if (list) {
      // A span inside one already shown ("مهمة" in "مهمة التحالف") adds nothing for the reader.
      if (!list.some((x) => x.start <= m.start && m.end <= x.end)) list.push(m);
    } else if (bySentence.size < cap) bySentence.set(f.sentence, [m]);
  }
  return [...bySentence].map(([s, matches]) => {
    const span = prepared.sentences[s]!;
    return { text: prepared.text.slice(span.start, span.end), start: span.start, end: span.end, matches };
  });
}

// ---------------------------------------------------------------------------------------------
// Gazetteer.

type Kind = 'base' | 'topic';

interface Entry {
  kind: Kind;
  id: string;
  role: 'alias' | 'ambiguous' | 'context' | 'exclude';
}

export interface Gazetteer {
  index: TermIndex<Entry>;
  /** Context window per tag id, for its ambiguous aliases. */
  window: Map<string, number>;
  minHits: Map<string, number>;
  /** Tag ids in config order, so results are stable. */
  order: Map<string, number>;
}

export function compileGazetteer(taxonomy: Taxonomy): Gazetteer {
  const entries: [string, Entry][] = [];
  const window = new Map<string, number>();
  const minHits = new Map<string, number>();
  const order = new Map<string, number>();
  const add = (kind: Kind, e: Taxonomy['bases'][number] | Taxonomy['topics'][number]) => {
    order.set(e.id, order.size);
    entries.push(...phraseEntries(e.aliases, { kind, id: e.id, role: 'alias' as const }));
    entries.push(...phraseEntries(e.ambiguous, { kind, id: e.id, role: 'ambiguous' as const }));
    if (e.context) {
      entries.push(...phraseEntries({ ar: e.context.ar, en: e.context.en }, { kind, id: e.id, role: 'context' as const }));
      entries.push(...phraseEntries(e.context.exclude, { kind, id: e.id, role: 'exclude' as const }));
      window.set(e.id, e.context.window);
    }
  };
  for (const t of taxonomy.topics) {
    add('topic', t);
    minHits.set(t.id, t.min_hits);
  }
  for (const b of taxonomy.bases) add('base', b);
  return { index: compileTerms(entries), window, minHits, order };
}

export type TagMatch = Found<Entry>;

/**
 * Alias matches that count: ambiguous ones only with a context word of the same tag within its window
 * in the same sentence, and one match per mention.
 */
export function findTags(gazetteer: Gazetteer, prepared: PreparedText): TagMatch[] {
  // Tagging and the milestone matcher both read an article's tags: they are found once per text.
  let byGazetteer = tagsCache.get(prepared);
  if (!byGazetteer) tagsCache.set(prepared, (byGazetteer = new WeakMap()));
  let tags = byGazetteer.get(gazetteer);
  if (!tags) byGazetteer.set(gazetteer, (tags = scanTags(gazetteer, prepared)));
  return tags;
}

const tagsCache = new WeakMap<PreparedText, WeakMap<Gazetteer, TagMatch[]>>();

function scanTags(gazetteer: Gazetteer, prepared: PreparedText): TagMatch[] {
  const all = findTerms(gazetteer.index, prepared);
  // Per sentence: context is only looked for in the alias's own sentence.
  const context: TagMatch[][] = prepared.sentences.map(() => []);
  for (const f of all) if (f.data.role === 'context' || f.data.role === 'exclude') context[f.sentence]!.push(f);
  const names = all.filter((f) => {
    if (f.data.role === 'alias') return true;
    if (f.data.role !== 'ambiguous') return false;
    // An English name is capitalized: "left Victory", "leaving al-Asad", never "declared victory".
    const surface = prepared.text.slice(f.start, f.end);
    if (/^[a-z]/i.test(surface) && !/[A-Z]/.test(surface)) return false;
    const w = gazetteer.window.get(f.data.id) ?? 0;
    const near = context[f.sentence]!.filter(
      (c) => c.data.id === f.data.id && c.first >= f.first - w && c.last <= f.last + w && (c.last < f.first || c.first > f.last),
    );
    return near.some((c) => c.data.role === 'context') && !near.some((c) => c.data.role === 'exclude');
  });
  return nonOverlapping(names, (d) => `${d.kind}:${d.id}`);
}

export interface TagOptions {
  /** The article's title when it is not part of `text`; a topic named there needs only one hit in the text. */
  title?: string;
}

/**
 * Bases tag on one mention. Topics tag on `min_hits` mentions in the text (2 by default, so a single
 * passing "إيران" does not make an article about Iran), or on one when the title names the topic too.
 */
export function tagText(gazetteer: Gazetteer, text: string | PreparedText, options: TagOptions = {}): TagResult {
  // Callers that also match milestones prepare the text once and pass it to both.
  const prepared = typeof text === 'string' ? prepareText(text) : text;
  const byTag = new Map<string, TagMatch[]>();
  for (const m of findTags(gazetteer, prepared)) {
    const key = `${m.data.kind}:${m.data.id}`;
    const list = byTag.get(key);
    if (list) list.push(m);
    else byTag.set(key, [m]);
  }
  const inTitle = new Set(
    options.title ? findTags(gazetteer, prepareText(options.title)).filter((m) => m.data.kind === 'topic').map((m) => m.data.id) : [],
  );
  const result: TagResult = { bases: [], topics: [] };
  for (const matches of byTag.values()) {
    const { kind, id } = matches[0]!.data;
    if (kind === 'topic' && matches.length < (inTitle.has(id) ? 1 : (gazetteer.minHits.get(id) ?? 1))) continue;
    const hit = { id, count: matches.length, evidence: buildEvidence(prepared, matches) };
    (kind === 'base' ? result.bases : result.topics).push(hit);
  }
  const rank = (a: TagHit, b: TagHit) => b.count - a.count || gazetteer.order.get(a.id)! - gazetteer.order.get(b.id)!;
  result.bases.sort(rank);
  result.topics.sort(rank);
  return result;
}
