// Finds the article in a news page's DOM: prunes furniture by tag, role and generic class/id words, walks the
// rest into text pieces (paragraphs, headings, inline runs split at <br><br>), scores candidate containers
// from their pieces, and returns the chosen container's pieces, the headline and the header zone's
// byline/date elements. The line rules of text-document.ts then run on what is returned.
//
// The scoring follows the shape Readability made standard (a paragraph's length and commas credit its
// parent fully and its grandparent half; link density and class words scale the result; strong siblings
// join), adapted where Arabic pages differ: the Arabic comma and semicolon count, text laid out with
// <br><br> inside one <div> counts as paragraphs, and a class token is judged on its own so that
// "related-articles" is furniture while "article-body has-share-bar" is not.

import type { CheerioAPI } from 'cheerio';
// cheerio's own node types (installed with cheerio; type-only, erased at run time).
import type { AnyNode, Element } from 'domhandler';
import { normalizeText } from '../text/arabic.js';
import {
  bylineFromLabeledLine,
  endsSentence,
  furnitureRule,
  isAuthorLabel,
  isRelatedMarker,
  looksLikeName,
  splitDateline,
  wordCount,
} from './furniture.js';

/** Per-feed CSS selectors from config; they win over the generic rules. */
export interface HtmlRules {
  /** The element(s) holding the article body. */
  article?: string;
  /** Elements to drop before anything else. */
  remove?: string[];
}

export interface Piece {
  text: string;
  el: Element;
  heading: boolean;
  /** Non-space characters, and those inside links. */
  chars: number;
  linkChars: number;
  pos: number;
}

/** A byline or date element (or a <time>): read for metadata, never part of the text. */
export interface InfoItem {
  el: Element;
  lines: string[];
  bylines: string[];
  datetime: string | null;
  pos: number;
}

export interface ContentSelection {
  headline: string | null;
  /** Standfirst, dateline and byline pieces between the headline and the article body. */
  header: Piece[];
  body: Piece[];
  infos: InfoItem[];
  /** src of the first image in the article body. */
  image: string | null;
  how: 'rule' | 'scored' | 'body';
  warnings: string[];
}

// Never article text, wherever they are. <form> is not here: ASP.NET sites wrap the whole page in one.
const ALWAYS_OUT = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'iframe', 'object', 'embed', 'canvas', 'video', 'audio',
  'button', 'input', 'select', 'textarea', 'link', 'meta', 'nav', 'aside', 'footer', 'dialog', 'figcaption',
  'amp-ad', 'amp-embed', 'amp-analytics', 'amp-sidebar', 'amp-social-share', 'amp-consent', 'amp-sticky-ad',
  'amp-iframe', 'amp-list',
]);
const ROLES_OUT = new Set(['navigation', 'complementary', 'contentinfo', 'search', 'dialog', 'alertdialog', 'banner']);
const HIDDEN_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden/i;

/**
 * Class/id words of furniture. Matched per class token; a match removes the element unless another token
 * of it is purely positive (see POSITIVE) or it holds the headline.
 */
const NEGATIVE = new RegExp(
  [
    'related', 'relevant', 'comment', 'disqus', 'share', 'sharing', 'social', 'newsletter', 'subscri', 'signup',
    'cookie', 'consent', 'gdpr', 'breadcrumb', 'most-?read', 'most-?viewed', 'popular', 'trending', 'recommend',
    'outbrain', 'taboola', 'sponsor', 'promo', 'advert', 'banner', 'sidebar', 'footer', 'masthead', 'menu',
    'navbar', 'ticker', 'table-of-contents', 'also-?read', 'read-?also', 'read-?more', 'wp-caption-text',
    '(?:^|[_-])(?:nav|ads?|adv|adslot|dfp|toc|tags?|pagination|pager|latest|more|bio|author-?bio|caption|credit|modal|popup|login|search|skip|header|breaking)(?:$|[_-])',
  ].join('|'),
);
/** Penalized in scoring, never pruned: page builders name content wrappers "…-widget-…". */
const WEAK_NEGATIVE = /widget|(?:^|[_-])(?:meta|extra|side|rail|aside|teaser|card|thumb|list)(?:$|[_-])/;
const POSITIVE = /article|body|content|entry|main|post|story|detail|text|matn|news-?item/;
/** Layout utilities ("text-right", "col-md-8") say nothing about content. */
const UTILITY = /^(?:text|font|col|row|d|m[tbsexy]?|p[tbsexy]?|bg|float|pull|align|w|h|flex|order|offset|visible|hidden)-/;
const INFO = /byline|author|writer|dateline|timestamp|publish|posted|updated|(?:^|[_-])(?:date|time|meta|info|post-?info|article-?info)(?:$|[_-])/;
const BYLINE_INFO = /byline|author|writer/;

const BLOCK_TAGS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'blockquote', 'pre', 'td', 'th', 'dd', 'dt', 'address', 'caption']);
const INLINE_TAGS = new Set([
  'a', 'abbr', 'b', 'bdi', 'bdo', 'big', 'br', 'cite', 'code', 'data', 'del', 'dfn', 'em', 'font', 'i', 'img', 'ins',
  'kbd', 'label', 'mark', 'nobr', 'q', 's', 'samp', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'time', 'tt',
  'u', 'var', 'wbr',
]);
const HEADING = /^h[1-6]$/;
/** Byline and date elements run several items on one line: "كتبت: سارة الجبوري - 18 آب 2025", "date | time". */
const SEPARATORS = /\s+[|•·\-–—]\s+|\n/;

/** Readability's thresholds: a paragraph shorter than this credits no container. */
const MIN_PIECE_CHARS = 25;
const MAX_INFO_WORDS = 30;
const MAX_LINK_DENSITY = 0.5;
/** More pieces than this between the headline and the article body are another block, not a header zone. */
const MAX_HEADER_PIECES = 6;

const isElement = (n: AnyNode): n is Element => 'attribs' in n;
const isText = (n: AnyNode): n is AnyNode & { data: string } => n.nodeType === 3;

interface Stats {
  content: number;
  chars: number;
  linkChars: number;
  /** Paragraphs long enough to credit, and headings that are links: a list of stories has one of those per teaser. */
  paragraphs: number;
  linkedHeadings: number;
}

export function selectContent($: CheerioAPI, rules: HtmlRules | undefined, declaredTitle: string | null): ContentSelection {
  const warnings: string[] = [];
  for (const selector of rules?.remove ?? []) select($, selector, warnings)?.remove();
  // A fragment without <body> (htmlparser2 adds none) is walked as if it had one.
  if ($('body').length === 0) $.root().append($('<body></body>').append($.root().contents()));
  const ruleArticle = rules?.article === undefined ? [] : (select($, rules.article, warnings)?.toArray().filter(isElement) ?? []);
  if (rules?.article !== undefined && ruleArticle.length === 0) {
    warnings.push(`the feed's article selector "${rules.article}" matched nothing; the page was scored instead`);
  }
  const keep = (el: Element) => ruleArticle.some((a) => a === el || contains(el, a));

  const body = $('body').get(0)!;
  prune($, body, keep);
  const walk = new Walk();
  walk.container(body);

  let roots: Element[];
  let how: ContentSelection['how'];
  if (ruleArticle.length > 0) {
    roots = ruleArticle;
    how = 'rule';
  } else {
    const { top, scores } = scoreCandidates(walk.pieces);
    roots = top === null ? [body] : withSiblings(top, scores, walk.pieces);
    how = top === null ? 'body' : 'scored';
  }
  // Sets and ancestor walks, not a scan of every root per piece: a page may have thousands of each.
  const rootSet = new Set(roots);
  const inRoots = (el: Element) => within(el, rootSet);
  const inArticle = walk.pieces.filter((p) => inRoots(p.el));
  const headline = chooseHeadline(walk.pieces, inArticle, declaredTitle);
  const boxes = new Set(readAlsoBoxes(inArticle, roots));
  const bodyPieces = inArticle.filter((p) => p !== headline && isKeptText(p) && !within(p.el, boxes));
  const firstPos = bodyPieces[0]?.pos ?? Infinity;
  const startPos = headline === null ? firstPos : Math.min(headline.pos, firstPos);
  const zone = headline !== null && headline.pos < firstPos ? walk.pieces.filter((p) => p.pos > headline.pos && p.pos < firstPos && !inRoots(p.el)) : [];
  // With a feed rule the standfirst is whatever the rule selects; the zone still gives byline and date.
  const header = zone.length > MAX_HEADER_PIECES ? [] : headerPieces(zone, how !== 'rule');
  // Info elements of the header zone, including those printed just above the headline (no text between), and of the body.
  const before = walk.pieces.filter((p) => p.pos < startPos).pop()?.pos ?? -1;
  const infos = walk.infos.filter((i) => (i.pos > before && i.pos < firstPos) || inRoots(i.el));
  return { headline: headline?.text ?? null, header, body: bodyPieces, infos, image: firstImage(roots), how, warnings };
}

/** A configured selector, or null (with a warning) when it is not valid CSS. */
function select($: CheerioAPI, selector: string, warnings: string[]) {
  try {
    return $(selector);
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    warnings.push(`ignored the feed's invalid selector "${selector}": ${err.message}`);
    return null;
  }
}

/** `el` is one of `set` or inside one of them. */
function within(el: Element, set: ReadonlySet<AnyNode>): boolean {
  if (set.size === 0) return false;
  for (let n: AnyNode | null = el; n !== null; n = n.parent) if (set.has(n)) return true;
  return false;
}

function contains(ancestor: Element, node: AnyNode): boolean {
  for (let p = node.parent; p !== null; p = p.parent) if (p === ancestor) return true;
  return false;
}

function hintTokens(el: Element): string[] {
  const attr = `${el.attribs.class ?? ''} ${el.attribs.id ?? ''}`.toLowerCase();
  return attr.split(/\s+/).filter((t) => t !== '' && !UTILITY.test(t));
}

const isPositiveToken = (t: string) => POSITIVE.test(t) && !NEGATIVE.test(t) && !WEAK_NEGATIVE.test(t);

/** Detaches furniture: by tag, role and hiding, a page <header> without a headline, and by class/id words. */
function prune($: CheerioAPI, parent: Element, keep: (el: Element) => boolean): void {
  for (const el of [...parent.children]) {
    if (!isElement(el)) continue;
    if (!keep(el) && isFurniture(el)) $(el).remove();
    else prune($, el, keep);
  }
}

function isFurniture(el: Element): boolean {
  const a = el.attribs;
  if (ALWAYS_OUT.has(el.name) || ROLES_OUT.has(a.role ?? '') || a.hidden !== undefined || a['aria-hidden'] === 'true' || HIDDEN_STYLE.test(a.style ?? '')) return true;
  // A page header holds logo and menu; an article header holds the headline.
  if (el.name === 'header') return !descendants(el).some((h) => (h.name === 'h1' || h.name === 'h2') && wordCount(textContent(h)) >= 4);
  if (el.name === 'main') return false;
  const tokens = hintTokens(el);
  if (!tokens.some((t) => NEGATIVE.test(t)) || tokens.some(isPositiveToken)) return false;
  const holdsArticle = (d: Element) => d.name === 'h1' || d.name === 'main' || d.attribs.itemprop === 'articleBody';
  return !holdsArticle(el) && !descendants(el).some(holdsArticle);
}

function classWeight(el: Element): number {
  const tokens = hintTokens(el);
  let weight = 0;
  if (tokens.some((t) => NEGATIVE.test(t) || WEAK_NEGATIVE.test(t))) weight -= 25;
  if (tokens.some(isPositiveToken)) weight += 25;
  if (el.attribs.itemprop === 'articleBody') weight += 25;
  return weight;
}

/** Readability's starting scores by tag: divs usually hold text, lists and headings usually do not. */
function tagWeight(name: string): number {
  if (name === 'div' || name === 'article' || name === 'section' || name === 'main') return 5;
  if (name === 'pre' || name === 'td' || name === 'blockquote') return 3;
  if (['address', 'ol', 'ul', 'dl', 'dd', 'dt', 'li', 'form'].includes(name)) return -3;
  if (HEADING.test(name) || name === 'th') return -5;
  return 0;
}

const COMMAS = /[,،;؛]/g;

/** Every container credited by a piece, with its final score, and the best of them. */
function scoreCandidates(pieces: readonly Piece[]): { top: Element | null; scores: Map<Element, number> } {
  const stats = new Map<Element, Stats>();
  const statsOf = (el: Element) => {
    let s = stats.get(el);
    if (s === undefined) stats.set(el, (s = { content: 0, chars: 0, linkChars: 0, paragraphs: 0, linkedHeadings: 0 }));
    return s;
  };
  for (const piece of pieces) {
    if (piece.heading) {
      if (piece.linkChars > piece.chars / 2) {
        for (let node: AnyNode | null = piece.el.parent; node !== null && isElement(node); node = node.parent) statsOf(node).linkedHeadings++;
      }
      continue;
    }
    const credit = piece.chars < MIN_PIECE_CHARS ? 0 : 1 + (piece.text.match(COMMAS)?.length ?? 0) + Math.min(Math.floor(piece.chars / 100), 3);
    // An inline run's owner is its container (level 0); a <p>'s container is its parent.
    let level = 0;
    for (let node: AnyNode | null = BLOCK_TAGS.has(piece.el.name) ? piece.el.parent : piece.el; node !== null && isElement(node); node = node.parent) {
      const s = statsOf(node);
      s.chars += piece.chars;
      s.linkChars += piece.linkChars;
      if (credit > 0) s.paragraphs++;
      if (level < 5) s.content += credit / (level === 0 ? 1 : level === 1 ? 2 : level * 3);
      level++;
      if (node.name === 'body') break;
    }
  }
  let top: Element | null = null;
  let topScore = 0;
  const scores = new Map<Element, number>();
  for (const [el, s] of stats) {
    const score = finalScore(el, s);
    scores.set(el, score);
    if (s.content > 0 && score > topScore) {
      top = el;
      topScore = score;
    }
  }
  return { top, scores };
}

/**
 * Teaser grids whose summaries read like prose still give themselves away: a linked headline over every
 * summary. Such a container scores as if its class said "related".
 */
const isStoryList = (s: Stats) => s.linkedHeadings >= 3 && s.linkedHeadings * 2 >= s.paragraphs;

function finalScore(el: Element, s: Stats): number {
  const linkDensity = s.chars === 0 ? 0 : s.linkChars / s.chars;
  return (s.content + tagWeight(el.name) + classWeight(el) - (isStoryList(s) ? 25 : 0)) * (1 - linkDensity);
}

/** The top candidate with the siblings that look like more of the same article (split by an ad, say). */
function withSiblings(top: Element, scores: ReadonlyMap<Element, number>, pieces: readonly Piece[]): Element[] {
  const parent = top.parent;
  if (parent === null || !isElement(parent)) return [top];
  const topScore = scores.get(top) ?? 0;
  const threshold = Math.max(10, topScore * 0.2);
  const out: Element[] = [];
  const pieceOf = new Map(pieces.map((p) => [p.el, p]));
  for (const sibling of parent.children) {
    if (!isElement(sibling)) continue;
    if (sibling === top) {
      out.push(sibling);
      continue;
    }
    const sameClass = (top.attribs.class ?? '') !== '' && sibling.attribs.class === top.attribs.class ? topScore * 0.2 : 0;
    if ((scores.get(sibling) ?? -Infinity) + sameClass >= threshold) {
      out.push(sibling);
      continue;
    }
    if (sibling.name !== 'p') continue;
    const piece = pieceOf.get(sibling);
    if (piece === undefined) continue;
    const density = piece.chars === 0 ? 0 : piece.linkChars / piece.chars;
    if ((piece.chars > 80 && density < 0.25) || (density === 0 && endsSentence(piece.text))) out.push(sibling);
  }
  return out;
}

const key = (s: string) => normalizeText(s).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/**
 * The page's headline: a heading that matches the declared title, else the last <h1> before the article
 * body, else the first <h1> in it, else the last <h2>/<h3> before the body. Sites put their logo in an <h1>
 * too, hence the declared title first. Null when none fits: the cleaner then looks for one in the text.
 */
function chooseHeadline(all: readonly Piece[], inArticle: readonly Piece[], declared: string | null): Piece | null {
  const firstBody = inArticle.find((p) => !p.heading)?.pos ?? Infinity;
  const lastPos = inArticle[inArticle.length - 1]?.pos ?? Infinity;
  const headings = all.filter((p) => p.heading && /^h[1-3]$/.test(p.el.name) && p.pos <= lastPos && wordCount(p.text) >= 3 && p.linkChars < p.chars / 2);
  if (declared !== null) {
    const d = key(declared);
    const match = headings.find((h) => {
      const k = key(h.text);
      return k === d || d.includes(k) || k.includes(d);
    });
    if (match !== undefined) return match;
  }
  const before = headings.filter((h) => h.pos < firstBody);
  const h1s = headings.filter((h) => h.el.name === 'h1');
  const article = new Set(inArticle);
  return before.filter((h) => h.el.name === 'h1').pop() ?? h1s.find((h) => article.has(h)) ?? before.pop() ?? null;
}

/**
 * What the cleaner should see of the header zone: one standfirst (unless told otherwise), and the lines it
 * reads as dateline or byline (a name right after a "الكاتب"/"By" line included).
 */
function headerPieces(zone: readonly Piece[], withStandfirst: boolean): Piece[] {
  let standfirst = !withStandfirst;
  return zone.filter((p, i) => {
    if (p.linkChars > p.chars / 2) return false;
    if (!standfirst && endsSentence(p.text) && wordCount(p.text) >= 8) return (standfirst = true);
    if (i > 0 && isAuthorLabel(zone[i - 1]!.text) && looksLikeName(p.text)) return true;
    return p.text.split('\n').some((line) => splitDateline(line) !== null || bylineFromLabeledLine(line) !== null || isAuthorLabel(line));
  });
}

/** An inline "read also" box holds a marker, a linked headline and maybe a one-sentence teaser. */
const MAX_BOX_PIECES = 3;
const MAX_BOX_WORDS = 45;

/**
 * Inline "اقرأ أيضاً" / "Read more" boxes inside the body: the marker line is furniture to the cleaner, but
 * the teaser sentence under it reads as prose, so the whole small box goes.
 */
function readAlsoBoxes(pieces: readonly Piece[], roots: readonly Element[]): Element[] {
  const candidates: Element[] = [];
  const rootSet = new Set<AnyNode>(roots);
  for (const p of pieces) {
    // The marker may be its own element glued to the headline link: <span>اقرأ أيضاً</span><a>…</a>.
    const firstChild = p.el.children.find(isElement);
    const first = p.text.split('\n')[0]!;
    if (!isRelatedMarker(first) && furnitureRule(first) !== 'read-also' && !(firstChild !== undefined && isRelatedMarker(textContent(firstChild)))) continue;
    const box = BLOCK_TAGS.has(p.el.name) ? p.el.parent : p.el;
    if (box === null || !isElement(box) || rootSet.has(box)) continue;
    candidates.push(box);
  }
  if (candidates.length === 0) return [];
  // Pieces and words per candidate box, in one pass up each piece's ancestors (not one scan of all pieces per box).
  const size = new Map(candidates.map((b) => [b as AnyNode, { pieces: 0, words: 0 }]));
  for (const q of pieces) {
    const words = wordCount(q.text);
    for (let n: AnyNode | null = q.el; n !== null; n = n.parent) {
      const s = size.get(n);
      if (s) {
        s.pieces++;
        s.words += words;
      }
    }
  }
  return [...new Set(candidates)].filter((b) => {
    const s = size.get(b)!;
    return s.pieces <= MAX_BOX_PIECES && s.words <= MAX_BOX_WORDS;
  });
}

/** Text worth keeping: it has letters or digits, and is not mostly links (a "read also" line, a tag list). */
function isKeptText(p: Piece): boolean {
  return /[\p{L}\p{N}]/u.test(p.text) && p.linkChars <= p.chars * MAX_LINK_DENSITY;
}

const NOT_A_PHOTO = /logo|icon|avatar|sprite|pixel|spacer|blank|placeholder|\.svg(?:$|\?)|^data:/i;

/** A plain walk in document order: a css-select query over thousands of sibling roots is quadratic. */
function firstImage(roots: readonly Element[]): string | null {
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const el = stack.pop()!;
    if (el.name === 'img' || el.name === 'amp-img') {
      const src = el.attribs['data-src'] ?? el.attribs['data-lazy-src'] ?? el.attribs.src;
      if (src && !NOT_A_PHOTO.test(src)) return src.trim();
    }
    for (let i = el.children.length - 1; i >= 0; i--) {
      const child = el.children[i]!;
      if (isElement(child)) stack.push(child);
    }
  }
  return null;
}

/** Inline text gathered until the next block boundary; link text is wrapped in LINK_OPEN/LINK_CLOSE. */
interface Run {
  parts: string[];
  chars: number;
}

const LINK_OPEN = '\u0001';
const LINK_CLOSE = '\u0002';
const newRun = (): Run => ({ parts: [], chars: 0 });

/** One pass over the pruned DOM, in document order: text pieces and info elements, numbered by position. */
class Walk {
  readonly pieces: Piece[] = [];
  readonly infos: InfoItem[] = [];
  private pos = 0;

  container(el: Element): void {
    let run = newRun();
    for (const child of el.children) {
      if (isText(child)) {
        this.text(run, child.data, false);
      } else if (isElement(child)) {
        if (this.info(child)) continue;
        if (child.name === 'br') {
          run.parts.push('\n');
        } else if (INLINE_TAGS.has(child.name)) {
          this.inline(run, child, child.name === 'a');
        } else {
          this.emit(run, el, false);
          run = newRun();
          if (BLOCK_TAGS.has(child.name) && !hasBlockDescendant(child)) this.leaf(child);
          else this.container(child);
        }
      }
    }
    this.emit(run, el, false);
  }

  private leaf(el: Element): void {
    const run = newRun();
    this.inline(run, el, false);
    this.emit(run, el, HEADING.test(el.name));
  }

  private inline(run: Run, el: Element, inLink: boolean): void {
    for (const child of el.children) {
      if (isText(child)) this.text(run, child.data, inLink);
      else if (isElement(child)) {
        if (child.name === 'br') run.parts.push('\n');
        else if (!this.info(child)) this.inline(run, child, inLink || child.name === 'a');
      }
    }
  }

  /** HTML whitespace collapses; only <br> and block boundaries break lines. */
  private text(run: Run, data: string, inLink: boolean): void {
    const text = data.replace(/[\u0000-\u0008\u000e-\u001f]/g, '').replace(/\s+/g, ' ');
    run.parts.push(inLink ? LINK_OPEN + text + LINK_CLOSE : text);
    run.chars += text.replace(/ /g, '').length;
  }

  /** The run's text, split into paragraphs at blank lines (<br><br>), each with its own link characters. */
  private emit(run: Run, el: Element, heading: boolean): void {
    if (run.chars === 0) return;
    for (const raw of run.parts.join('').split(/\n[ \u00a0\u0001\u0002]*\n/)) {
      let linkChars = 0;
      let inLink = false;
      for (const ch of raw) {
        if (ch === LINK_OPEN || ch === LINK_CLOSE) inLink = ch === LINK_OPEN;
        else if (inLink && ch !== ' ' && ch !== '\n' && ch !== '\u00a0') linkChars++;
      }
      const text = raw
        .replace(/[\u0001\u0002]/g, '')
        .split('\n')
        .map((line) => line.replace(/[\s\u00a0]+/g, ' ').trim())
        .filter((line) => line !== '')
        .join('\n');
      if (text === '') continue;
      const chars = text.replace(/\s+/g, '').length;
      this.pieces.push({ text, el, heading, chars, linkChars, pos: this.pos++ });
    }
  }

  /** Records `el` as an info element and returns true, or returns false when it is not one. */
  private info(el: Element): boolean {
    const attrs = el.attribs;
    const tokens = hintTokens(el);
    const byline = attrs.rel === 'author' || attrs.itemprop === 'author' || tokens.some((t) => BYLINE_INFO.test(t));
    const isInfo = el.name === 'time' || byline || /^date(?:Published|Modified)$/.test(attrs.itemprop ?? '') || tokens.some((t) => INFO.test(t));
    if (!isInfo) return false;
    const text = collapse(textContent(el));
    const inside = descendants(el);
    if (wordCount(text) > MAX_INFO_WORDS || inside.some((d) => /^(?:h[1-3]|p)$/.test(d.name) && wordCount(textContent(d)) > 12)) return false;
    if (INLINE_TAGS.has(el.name) && !this.standalone(el, text)) return false;
    const run = newRun();
    this.inlineText(run, el);
    const bylines = (byline ? [el] : [])
      .concat(inside.filter((d) => d.attribs.rel === 'author' || d.attribs.itemprop === 'author' || BYLINE_INFO.test(d.attribs.class ?? '')))
      .map((b) => collapse(textContent(b)))
      .filter((b) => b !== '');
    const datetime = attrs.datetime ?? inside.find((d) => d.name === 'time' && d.attribs.datetime !== undefined)?.attribs.datetime ?? null;
    this.infos.push({
      el,
      lines: run.parts.join('').split(SEPARATORS).map((l) => l.replace(/\s+/g, ' ').trim()).filter((l) => l !== ''),
      bylines,
      datetime,
      pos: this.pos++,
    });
    return true;
  }

  /** Text with a line break at every element boundary: an info element's spans are separate items (name, date, section). */
  private inlineText(run: Run, el: Element): void {
    for (const child of el.children) {
      if (isText(child)) run.parts.push(child.data);
      else if (isElement(child)) {
        run.parts.push('\n');
        this.inlineText(run, child);
        run.parts.push('\n');
      }
    }
  }

  /** An inline date or name inside a sentence ("on <time>3 September</time>, …") is text, not an info element. */
  private standalone(el: Element, text: string): boolean {
    let block: AnyNode | null = el.parent;
    while (block !== null && isElement(block) && INLINE_TAGS.has(block.name)) block = block.parent;
    if (block === null || !isElement(block) || !BLOCK_TAGS.has(block.name)) return true;
    let around = this.blockWords.get(block);
    if (around === undefined) this.blockWords.set(block, (around = wordCount(collapse(textContent(block)))));
    return around - wordCount(text) <= 3;
  }

  /** Words per block, counted once: a paragraph may hold thousands of inline dates. */
  private readonly blockWords = new Map<Element, number>();
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Element descendants in document order; plain walks beat css-select on the many small queries made here. */
function descendants(el: Element): Element[] {
  const out: Element[] = [];
  const visit = (n: Element) => {
    for (const c of n.children) {
      if (isElement(c)) {
        out.push(c);
        visit(c);
      }
    }
  };
  visit(el);
  return out;
}

function textContent(node: AnyNode): string {
  if (isText(node)) return node.data;
  return isElement(node) ? node.children.map(textContent).join('') : '';
}

function hasBlockDescendant(el: Element): boolean {
  for (const child of el.children) {
    if (isElement(child) && ((!INLINE_TAGS.has(child.name)) || hasBlockDescendant(child))) return true;
  }
  return false;
}
