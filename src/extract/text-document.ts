// Cleans a news page down to its article: headline, byline, dateline and body paragraphs.
// The core, `cleanBlocks`, takes blocks so that the HTML extractor can feed it elements; `extractTextDocument`
// feeds it raw page text. Decisions rest on where a line sits: the header zone is everything before the first
// real body paragraph, and only there do tickers, section labels, bylines and the published date live.

import { detectLanguage } from '../text/arabic.js';
import { toIsoDate } from '../text/dates.js';
import {
  bylineFromLabeledLine,
  endsSentence,
  furnitureRule,
  isAuthorLabel,
  isBodyParagraph,
  isListItem,
  isRelatedMarker,
  isSameAuthor,
  isTailMarker,
  isTimeOnly,
  isTruncatedTeaser,
  looksLikeName,
  splitDateline,
  wordCount,
  type FurnitureRule,
} from './furniture.js';

export interface Block {
  /** One element's text; may hold several lines. */
  text: string;
  kind?: 'heading' | 'paragraph' | 'line';
}

export interface Removal {
  rule: FurnitureRule;
  text: string;
}

export interface CleanResult {
  title: string | null;
  byline: string | null;
  /** ISO date ('YYYY-MM-DD') or UTC time ('YYYY-MM-DDTHH:MM:00Z') from a dateline in the header zone. */
  published: string | null;
  language: 'ar' | 'en' | 'und';
  /** Paragraphs joined by a blank line. */
  text: string;
  paragraphs: string[];
  /** What was dropped and why. */
  removed: Removal[];
  warnings: string[];
}

export type ExtractedDocument = CleanResult;

interface Line {
  text: string;
  /** Index of the block the line came from: lines of one block form one paragraph. */
  block: number;
  heading: boolean;
  removed: boolean;
}

type Drop = (line: Line, rule: FurnitureRule) => void;

/** A short line without sentence punctuation before the headline is a section label ("العالم العربي"). */
const MAX_LABEL_WORDS = 3;
/** Related-story widgets hold a handful of headlines (each maybe with an image alt line). */
const MAX_RELATED_LINES = 10;

const INVISIBLE = /[\u200b-\u200f\u061c\ufeff\u202a-\u202e\u2066-\u2069]/g;
const MARKDOWN_HEADING = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/;

/**
 * Characters of article text kept, stored and tagged (about 15,000 words: far beyond any news article, whose
 * longest in the corpus is 18 KB). The line rules, the tagger and the story features run on at most this
 * much, so a 10 MB page costs what a long article does; what is cut is named in a warning, never silently.
 */
export const ARTICLE_TEXT_CAP = 100_000;

/**
 * `sourceChars`: the size of the text the blocks came from, when the caller already cut it (raw text),
 * so that the warning names the whole.
 */
export function cleanBlocks(blocks: readonly Block[], sourceChars?: number): CleanResult {
  const capped = capBlocks(blocks);
  const lines = splitLines(capped.blocks);
  const removed: Removal[] = [];
  const drop: Drop = (line, rule) => {
    line.removed = true;
    removed.push({ rule, text: line.text });
  };

  const firstBody = lines.findIndex((l) => isBodyParagraph(l.text));
  const headerEnd = firstBody < 0 ? lines.length : firstBody;
  const header = readHeader(lines, headerEnd, removed, drop);
  cleanBody(lines, headerEnd, drop);

  const paragraphs = joinParagraphs(lines);
  const warnings: string[] = [];
  if (header.title === null) warnings.push('no headline found before the first body paragraph; title left null');
  if (paragraphs.length === 0) warnings.push('no body text left after removing furniture');
  const total = Math.max(capped.total, sourceChars ?? 0);
  if (total > ARTICLE_TEXT_CAP) {
    warnings.push(`article text cut at ${ARTICLE_TEXT_CAP} characters (the document has ${total}): only the first part is stored and tagged`);
  }
  return {
    ...header,
    language: detectLanguage([header.title ?? '', ...paragraphs].join('\n')),
    text: paragraphs.join('\n\n'),
    paragraphs,
    removed,
    warnings,
  };
}

/** Raw page text (blank-line separated, markdown "## " headings allowed) to a cleaned document. */
export function extractTextDocument(raw: string): ExtractedDocument {
  // Cut before splitting: furniture lines are short, so twice the cap still holds the whole kept text.
  const input = raw.length > 2 * ARTICLE_TEXT_CAP ? raw.slice(0, 2 * ARTICLE_TEXT_CAP) : raw;
  return cleanBlocks(textBlocks(input), raw.length);
}

/** Paragraphs are joined by a blank line: each block costs its text and that separator. */
const SEPARATOR = 2;

/** The blocks up to ARTICLE_TEXT_CAP characters in all (the last one cut at a space), and the size of all of them. */
function capBlocks(blocks: readonly Block[]): { blocks: readonly Block[]; total: number } {
  const total = blocks.reduce((n, b) => n + b.text.length + SEPARATOR, -SEPARATOR);
  if (total <= ARTICLE_TEXT_CAP) return { blocks, total };
  const kept: Block[] = [];
  let room = ARTICLE_TEXT_CAP;
  for (const block of blocks) {
    if (block.text.length + SEPARATOR <= room) {
      kept.push(block);
      room -= block.text.length + SEPARATOR;
      continue;
    }
    const space = block.text.lastIndexOf(' ', room);
    const text = block.text.slice(0, space > room / 2 ? space : room);
    if (text.trim() !== '') kept.push({ ...block, text });
    break;
  }
  return { blocks: kept, total };
}

/** Blank lines separate paragraphs; a markdown heading line is a block of its own. */
export function textBlocks(raw: string): Block[] {
  const blocks: Block[] = [];
  for (const chunk of raw.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
    let para: string[] = [];
    const flush = () => {
      if (para.length > 0) blocks.push({ text: para.join('\n'), kind: 'paragraph' });
      para = [];
    };
    for (const line of chunk.split('\n')) {
      const heading = MARKDOWN_HEADING.exec(line);
      if (heading !== null) {
        flush();
        blocks.push({ text: heading[1]!, kind: 'heading' });
      } else if (line.trim() !== '') {
        para.push(line);
      }
    }
    flush();
  }
  return blocks;
}

function splitLines(blocks: readonly Block[]): Line[] {
  const lines: Line[] = [];
  blocks.forEach((block, index) => {
    for (const raw of block.text.split('\n')) {
      const text = raw.replace(INVISIBLE, '').replace(/[ \t\u00a0]+/g, ' ').trim();
      if (text !== '') lines.push({ text, block: index, heading: block.kind === 'heading', removed: false });
    }
  });
  return lines;
}

interface Header {
  title: string | null;
  byline: string | null;
  published: string | null;
}

interface HeaderItem {
  line: Line;
  /** chrome: a dropped marker (logo, breaking label, nav marker) that ends whatever came before the headline. */
  role: 'candidate' | 'label' | 'chrome';
}

/**
 * Reads lines [0, end) — the header zone — and the dateline prefix of the first body line. The headline is
 * the first candidate after the last chrome line or section label (a heading block wins outright); the
 * candidates before it are tickers. Candidates after it (a standfirst) stay in the body.
 */
function readHeader(lines: Line[], end: number, removed: Removal[], drop: Drop): Header {
  let byline: string | null = null;
  let published: string | null = null;
  let expectByline = false;
  const items: HeaderItem[] = [];

  /** Takes a dateline off `line` (and a time on the next line); true when nothing of the line is left. */
  const takeDateline = (i: number): boolean => {
    const line = lines[i]!;
    let found = splitDateline(line.text);
    if (found === null) return false;
    const next = lines[i + 1];
    let timeLine: Line | undefined;
    if (found.rest === '' && found.date.hour === null && next !== undefined && i + 1 < end && isTimeOnly(next.text)) {
      const withTime = splitDateline(`${line.text}\n${next.text}`);
      if (withTime !== null && withTime.date.hour !== null) {
        found = withTime;
        timeLine = next;
      }
    }
    published ??= toIsoDate(found.date);
    if (found.rest === '') {
      drop(line, 'dateline');
      if (timeLine !== undefined) drop(timeLine, 'dateline');
      return true;
    }
    removed.push({ rule: 'dateline', text: line.text.slice(0, line.text.length - found.rest.length).trim() });
    line.text = found.rest;
    return false;
  };

  for (let i = 0; i < end; i++) {
    const line = lines[i]!;
    if (line.removed) continue;
    const rule = furnitureRule(line.text);
    if (rule !== null) {
      drop(line, rule);
      if (rule === 'logo' || rule === 'breaking') items.push({ line, role: 'chrome' });
      continue;
    }
    if (takeDateline(i)) continue;
    if (isTimeOnly(line.text)) {
      drop(line, 'dateline');
      continue;
    }
    if (isRelatedMarker(line.text) || isTailMarker(line.text)) {
      drop(line, isTailMarker(line.text) ? 'latest-news' : 'related');
      items.push({ line, role: 'chrome' });
      continue;
    }
    if (isAuthorLabel(line.text)) {
      drop(line, 'author-label');
      expectByline = true;
      continue;
    }
    if (byline === null) {
      const name = bylineFromLabeledLine(line.text) ?? (expectByline && looksLikeName(line.text) ? line.text : null);
      if (name !== null) {
        byline = name;
        drop(line, 'byline');
        continue;
      }
    } else if (isSameAuthor(line.text, byline)) {
      drop(line, 'byline');
      continue;
    }
    expectByline = false;
    const short = !line.heading && wordCount(line.text) <= MAX_LABEL_WORDS && !endsSentence(line.text);
    items.push({ line, role: short ? 'label' : 'candidate' });
  }

  const titleAt = headlineIndex(items);
  items.slice(0, Math.max(titleAt, 0)).forEach((it) => {
    if (it.role !== 'chrome') drop(it.line, it.role === 'candidate' ? 'ticker' : 'section-label');
  });
  const titleLine = titleAt < 0 ? undefined : items[titleAt]!.line;
  if (titleLine !== undefined) titleLine.removed = true;

  if (end < lines.length) takeDateline(end);
  return { title: titleLine?.text ?? null, byline, published };
}

function headlineIndex(items: readonly HeaderItem[]): number {
  const heading = items.findIndex((it) => it.role === 'candidate' && it.line.heading);
  if (heading >= 0) return heading;
  let lastCandidate = -1;
  let boundary = -1;
  items.forEach((it, k) => {
    if (it.role === 'candidate') lastCandidate = k;
  });
  items.forEach((it, k) => {
    if (it.role !== 'candidate' && k < lastCandidate) boundary = k;
  });
  return items.findIndex((it, k) => k > boundary && it.role === 'candidate');
}

/** Drops furniture from the body: line rules, related-story blocks, and everything from a tail marker on. */
function cleanBody(lines: Line[], start: number, drop: Drop): void {
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.removed) continue;
    if (isTailMarker(line.text)) {
      for (const rest of lines.slice(i)) if (!rest.removed) drop(rest, 'latest-news');
      return;
    }
    const rule = furnitureRule(line.text);
    if (rule !== null) {
      drop(line, rule);
    } else if (isRelatedMarker(line.text)) {
      drop(line, 'related');
      i = dropRelatedList(lines, i + 1, drop) - 1;
    }
  }
}

/**
 * After a related-stories marker: headline-like lines (short, no sentence punctuation) and teasers cut off
 * with an ellipsis belong to the widget; the first sentence or long paragraph is the article again.
 * Returns the index of the first line not taken.
 */
function dropRelatedList(lines: Line[], from: number, drop: Drop): number {
  let taken = 0;
  let k = from;
  for (; k < lines.length && taken < MAX_RELATED_LINES; k++) {
    const line = lines[k]!;
    if (isTailMarker(line.text) || !(isTruncatedTeaser(line.text) || isListItem(line.text))) break;
    drop(line, furnitureRule(line.text) ?? 'related');
    taken++;
  }
  return k;
}

function joinParagraphs(lines: readonly Line[]): string[] {
  const paragraphs: string[] = [];
  let current: string[] = [];
  let block = -1;
  for (const line of lines) {
    if (line.removed) continue;
    if (line.block !== block && current.length > 0) {
      paragraphs.push(current.join('\n'));
      current = [];
    }
    block = line.block;
    current.push(line.text);
  }
  if (current.length > 0) paragraphs.push(current.join('\n'));
  return paragraphs;
}
