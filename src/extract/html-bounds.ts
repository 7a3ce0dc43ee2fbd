// Bounds on what the HTML cleaner works on, so that any page under the download cap is cleaned in about
// a second: the bodies of elements that are never article text go before parsing, what remains is cut
// at a size no article page reaches, and markup nested deeper than any real page is flattened to text
// (the DOM walks recurse). Each bound that bites leaves a warning on the article.

import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';

/** Characters of markup parsed, once scripts, styles and comments are gone (an article page has 50–500 K). */
export const HTML_PARSE_CAP = 2_000_000;
/** Element depth kept as markup; deeper elements become their text. Real pages stay under 60. */
export const MAX_HTML_DEPTH = 200;

/**
 * Script (but JSON-LD, which the metadata reads), style and template bodies and comments: megabytes of
 * framework state on some pages, and never article text. One forward scan, so linear on any input.
 */
const SKIPPED_OPEN = /<!--|<(script|style|template)\b([^<>]{0,2000})>/gi;
/** Where each skipped body ends, found case-insensitively from a position (a regex scan stops at the first). */
const CLOSE: Record<string, RegExp> = { '': /-->/g, script: /<\/script/gi, style: /<\/style/gi, template: /<\/template/gi };

export function stripNonContent(html: string): string {
  const parts: string[] = [];
  let from = 0;
  SKIPPED_OPEN.lastIndex = 0;
  for (let m = SKIPPED_OPEN.exec(html); m !== null; m = SKIPPED_OPEN.exec(html)) {
    const tag = m[1]?.toLowerCase();
    if ((tag === 'script' && /application\/ld\+json/i.test(m[2] ?? '')) || (tag === 'template' && m[2]?.endsWith('/'))) continue;
    const close = CLOSE[tag ?? '']!;
    close.lastIndex = SKIPPED_OPEN.lastIndex;
    const end = close.exec(html);
    parts.push(html.slice(from, tag === undefined ? m.index : SKIPPED_OPEN.lastIndex));
    // An unclosed comment or script runs to the end of the page, as a browser reads it.
    from = end === null ? html.length : tag === undefined ? close.lastIndex : end.index;
    SKIPPED_OPEN.lastIndex = from;
  }
  parts.push(html.slice(from));
  return parts.join('');
}

/** The markup the cleaner parses: without non-content bodies, at most HTML_PARSE_CAP characters. */
export function boundHtml(html: string): { html: string; warnings: string[] } {
  const stripped = stripNonContent(html);
  if (stripped.length <= HTML_PARSE_CAP) return { html: stripped, warnings: [] };
  return {
    html: stripped.slice(0, HTML_PARSE_CAP),
    warnings: [`page cut at ${HTML_PARSE_CAP} characters of markup (it has ${stripped.length} without scripts and styles): only its first part is read`],
  };
}

const isElement = (n: AnyNode): n is Element => 'attribs' in n;

/** Replaces the children of every element at MAX_HTML_DEPTH with their text. Iterative: no recursion on deep input. */
export function flattenDeepMarkup($: CheerioAPI): string[] {
  let flattened = 0;
  const stack: [AnyNode, number][] = $.root().toArray().map((n) => [n, 0]);
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (!isElement(node) && node.type !== 'root') continue;
    const children = (node as Element).children;
    if (depth >= MAX_HTML_DEPTH && isElement(node) && children.some(isElement)) {
      $(node).text(textOf(node));
      flattened++;
      continue;
    }
    for (const child of children) stack.push([child, depth + 1]);
  }
  return flattened === 0 ? [] : [`markup nested deeper than ${MAX_HTML_DEPTH} elements was read as plain text (${flattened} elements)`];
}

/** The text of a subtree, in document order, without recursion. */
function textOf(root: Element): string {
  const out: string[] = [];
  const stack: AnyNode[] = [...root.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.nodeType === 3) out.push((node as AnyNode & { data: string }).data);
    else if (isElement(node)) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return out.join(' ');
}
