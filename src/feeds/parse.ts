// Feed documents (RSS 0.9x/2.0, Atom, RDF/RSS 1.0) to normalized items. Pure: the poll worker fetches and
// decodes the body itself and hands the text here. rss-parser does the format work; this module guards the
// input before it reaches the XML parser and turns rss-parser's loose output into items the pipeline can key on.
import { createHash } from 'node:crypto';
import { load } from 'cheerio';
import Parser from 'rss-parser';
import { canonicalUrl, urlKey } from '../dedup/canonical-url.js';
import { parseDate, toIsoDate } from '../text/dates.js';

export type FeedFormat = 'rss' | 'atom' | 'rdf';

export interface FeedItem {
  /** Unique within the feed document; see `parseFeed` for the fallbacks. Not unique across feeds. */
  guid: string;
  /** Absolute http(s) URL, resolved against the feed URL. */
  url: string;
  canonicalUrl: string;
  /** The seen-index key of `url` (`urlKey`). */
  urlKey: string;
  title: string | null;
  /** ISO 8601: `2025-09-01T10:00:00Z`, `2025-09-01` (date only) or `2025-09-01T10:00:00` (no zone given); null when absent or unreadable. */
  published: string | null;
  /** Plain text: tags and entities resolved, whitespace collapsed, capped. */
  summary: string | null;
}

export type SkipReason = 'no-link' | 'bad-link' | 'not-http' | 'duplicate';

export interface ParsedFeed {
  format: FeedFormat;
  title: string | null;
  /** The site link the feed gives for itself, resolved; null when absent or not http(s). */
  link: string | null;
  /** RSS `<ttl>`: minutes the channel may be cached. */
  ttlMinutes: number | null;
  /** Entries in the document, before skipping and before the cap. */
  itemCount: number;
  /** True when more usable items than `maxItems` were found. */
  truncated: boolean;
  items: FeedItem[];
  /** Entries left out, by reason. */
  skipped: Record<SkipReason, number>;
}

export interface ParseOptions {
  /** Items kept (newest first); the rest are counted, not returned. */
  maxItems: number;
  /** Cap on summary length, in characters. */
  summaryMaxChars?: number;
}

export type FeedParseFailure = 'empty' | 'entity-declaration' | 'html' | 'not-a-feed' | 'malformed-xml';

/** The document is not a feed marsad can read. Permanent for this body: retrying the same bytes cannot help. */
export class FeedParseError extends Error {
  override readonly name = 'FeedParseError';
  constructor(
    readonly reason: FeedParseFailure,
    readonly feedUrl: string,
    detail: string,
  ) {
    super(`${feedUrl}: ${detail}`);
  }
}

const TITLE_MAX_CHARS = 500;
const DEFAULT_SUMMARY_MAX_CHARS = 600;
const FEED_ROOTS: ReadonlyMap<string, FeedFormat> = new Map([
  ['rss', 'rss'],
  ['feed', 'atom'],
  ['rdf:RDF', 'rdf'],
]);

interface Prolog {
  hasDoctype: boolean;
  doctypeIsHtml: boolean;
  /** Name of the first element, or null when the text is not markup at all. */
  root: string | null;
  /** Where the scan stopped: the first characters that are not markup, for the error message. */
  rest: string;
}

/** Skips the BOM, XML declaration, processing instructions, comments and DOCTYPE, and names the root element. */
function scanProlog(text: string): Prolog {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let hasDoctype = false;
  let doctypeIsHtml = false;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i);
      i = end === -1 ? text.length : end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i);
      i = end === -1 ? text.length : end + 3;
    } else if (text.slice(i, i + 9).toUpperCase() === '<!DOCTYPE') {
      hasDoctype = true;
      doctypeIsHtml = /^<!DOCTYPE\s+html\b/i.test(text.slice(i, i + 30));
      i = doctypeEnd(text, i);
    } else {
      break;
    }
  }
  const root = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(i, i + 100))?.[1] ?? null;
  return { hasDoctype, doctypeIsHtml, root, rest: text.slice(i, i + 40) };
}

/** End of a DOCTYPE, past an internal subset `[...]` and quoted strings in it. */
function doctypeEnd(text: string, start: number): number {
  let inSubset = false;
  let quote: string | null = null;
  for (let i = start + 9; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') inSubset = true;
    else if (c === ']') inSubset = false;
    else if (c === '>' && !inSubset) return i + 1;
  }
  return text.length;
}

/**
 * Refuses what must not reach the XML parser, and what is not a feed, with a reason an operator can act on.
 * Entity declarations are refused outright: feeds never need them, and nested ones ("billion laughs") are the
 * classic way to make a parser expand a few kilobytes into gigabytes.
 */
function checkDocument(text: string, feedUrl: string): { format: FeedFormat; root: string } {
  if (text.trim() === '') throw new FeedParseError('empty', feedUrl, 'the response body is empty');
  const prolog = scanProlog(text);
  if (prolog.hasDoctype && /<!ENTITY/i.test(text)) {
    throw new FeedParseError('entity-declaration', feedUrl, 'the document declares XML entities in its DOCTYPE; refused unparsed (entity expansion attack or not, feeds never need them)');
  }
  if (prolog.doctypeIsHtml || prolog.root?.toLowerCase() === 'html') {
    throw new FeedParseError('html', feedUrl, 'the URL serves an HTML page, not a feed (the feed moved, or the site answers with an error or consent page)');
  }
  if (prolog.root === null) {
    throw new FeedParseError('not-a-feed', feedUrl, `the body is not XML: it starts with ${JSON.stringify(prolog.rest)}`);
  }
  const format = FEED_ROOTS.get(prolog.root);
  if (!format) {
    throw new FeedParseError('not-a-feed', feedUrl, `the XML root element is <${prolog.root}>; a feed has <rss>, <feed> (Atom) or <rdf:RDF>`);
  }
  return { format, root: prolog.root };
}

type Raw = Record<string, unknown>;

/** The text of an xml2js value: a string, `{_: text, $: attrs}`, or a one-element array of those. */
function textOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return textOf(v[0]);
  if (v && typeof v === 'object' && typeof (v as Raw)._ === 'string') return (v as Raw)._ as string;
  return null;
}

function newParser(): Parser<Raw, Raw> {
  const parser = new Parser<Raw, Raw>({
    // Many feeds write <rss> without version="2.0"; read them as RSS 2.
    defaultRSS: 2,
    // Kept as xml2js nodes so that isPermaLink survives (rss-parser's own `guid` drops the attributes).
    customFields: { item: [['guid', 'guidNodes', { keepArray: true }]] },
  });
  // rss-parser 3.13 converts Atom <published>/<updated> with `new Date(x).toISOString()`, which throws on any
  // date JavaScript cannot read (an Arabic date, a typo) and so loses the whole feed. Hand it the entry without
  // them and keep the raw text for `isoDate` below.
  const internals = parser as unknown as { parseItemAtom(entry: Raw): Raw };
  const parseItemAtom = internals.parseItemAtom.bind(parser);
  internals.parseItemAtom = (entry) => {
    const { published, updated, ...rest } = entry;
    return { ...parseItemAtom(rest), rawPublished: textOf(published), rawUpdated: textOf(updated) };
  };
  return parser;
}

/** sax reports "Unexpected close tag\nLine: 0\nColumn: 65\nChar: >", with 0-based lines. */
function describeXmlError(err: Error): string | null {
  const m = /^(.*)\nLine: (\d+)\nColumn: (\d+)/.exec(err.message);
  return m ? `${m[1]} at line ${Number(m[2]) + 1}, column ${m[3]}` : null;
}

const RFC822 =
  /^(?:[A-Za-z]{3,9},?\s*)?\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?(\s*(?:[A-Za-z]{1,5}|[+-]\d{2}:?\d{2}))?$/;
const ISO8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

const pad = (n: number) => String(n).padStart(2, '0');
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function validYmd(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * A feed date as ISO 8601. RFC 822 (RSS) and ISO 8601 (Atom, dc:date) are matched strictly before
 * `Date.parse` sees them, because Date.parse also "reads" strings like "1" or "Issue 12"; anything else goes
 * through the Arabic/English date grammar of src/text/dates.ts ("الاثنين 1 أيلول 2025").
 */
export function isoDate(raw: string | null): string | null {
  const s = raw?.trim() ?? '';
  if (s === '') return null;
  const rfc = RFC822.exec(s);
  if (rfc) {
    // RFC 822 requires a zone; without one, GMT is the common intent and keeps the result machine-independent.
    const ms = Date.parse(rfc[1] ? s : `${s} GMT`);
    return Number.isNaN(ms) ? null : isoSeconds(ms);
  }
  const iso = ISO8601.exec(s);
  if (iso) {
    const [, y, mo, d, h, mi, sec, zone] = iso;
    if (!validYmd(Number(y), Number(mo), Number(d))) return null;
    if (h === undefined) return `${y}-${mo}-${d}`;
    if (Number(h) > 23 || Number(mi) > 59 || Number(sec ?? 0) > 59) return null;
    if (!zone) return `${y}-${mo}-${d}T${h}:${mi}:${sec ?? '00'}`;
    const z = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
    const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec ?? '00'}${z}`);
    return Number.isNaN(ms) ? null : isoSeconds(ms);
  }
  const m = parseDate(s);
  return m ? toIsoDate(m) : null;
}

/** Milliseconds of an `isoDate` result; a date or a time without zone is read as UTC, so results never depend on the machine. */
export function publishedTime(iso: string): number {
  const zoned = /(?:Z|[+-]\d{2}:\d{2})$/.test(iso);
  return Date.parse(zoned ? iso : iso.length === 10 ? `${iso}T00:00:00Z` : `${iso}Z`);
}

const TEXT_OPTS = { xml: { xmlMode: false, decodeEntities: true } } as const;
const BLOCKS = 'br,p,div,li,h1,h2,h3,h4,h5,h6,tr,td,th,blockquote,figure,figcaption,section,article,header,footer';

/** Plain text of an HTML fragment, whitespace collapsed, at most `max` characters (cut at a word, with "…"). */
function plainText(html: string | null, max: number): string | null {
  if (!html) return null;
  let text = html;
  if (/[<&]/.test(html)) {
    const $ = load(html, TEXT_OPTS, false);
    $('script,style,noscript,iframe').remove();
    // Without this, "<p>one</p><p>two</p>" becomes "onetwo".
    $(BLOCKS).before(' ').after(' ');
    text = $.root().text();
  }
  text = text.replace(/\s+/g, ' ').trim();
  if (text === '') return null;
  if (text.length <= max) return text;
  let cut = text.lastIndexOf(' ', max - 1);
  if (cut < max * 0.6) cut = max - 1;
  // Never split a surrogate pair.
  if (/[\uDC00-\uDFFF]/.test(text[cut] ?? '')) cut--;
  return `${text.slice(0, cut).trimEnd()}…`;
}

interface Usable {
  raw: Raw;
  guid: string | null;
  url: string;
  canonicalUrl: string;
  urlKey: string;
  published: string | null;
  time: number | null;
}

type Resolved = { url: string; canonicalUrl: string; urlKey: string } | { skip: 'no-link' | 'bad-link' | 'not-http' };

function resolveLink(raw: string | null, feedUrl: string): Resolved {
  const link = raw?.trim();
  if (!link) return { skip: 'no-link' };
  let url: URL;
  try {
    url = new URL(link, feedUrl);
  } catch {
    return { skip: 'bad-link' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { skip: 'not-http' };
  try {
    return { url: url.href, canonicalUrl: canonicalUrl(url.href), urlKey: urlKey(url.href) };
  } catch {
    return { skip: 'bad-link' };
  }
}

/** RSS: <link>, else a permalink <guid> (isPermaLink defaults to true). Atom: the alternate link. RDF: <link>, else rdf:about. */
function rawLink(item: Raw, format: FeedFormat): string | null {
  const link = textOf(item.link);
  if (link?.trim()) return link;
  if (format === 'rdf') return textOf(item['rdf:about']);
  if (format === 'rss') {
    const node = (item.guidNodes as unknown[] | undefined)?.[0];
    const permalink = !(node && typeof node === 'object' && (node as { $?: Raw }).$?.isPermaLink === 'false');
    const guid = textOf(node);
    if (permalink && guid && /^https?:\/\//i.test(guid.trim())) return guid;
  }
  return null;
}

function rawGuid(item: Raw, format: FeedFormat): string | null {
  const g = format === 'atom' ? textOf(item.id) : format === 'rdf' ? textOf(item['rdf:about']) : textOf(item.guidNodes);
  return g?.trim() || null;
}

function rawPublished(item: Raw, format: FeedFormat): string | null {
  if (format === 'atom') return textOf(item.rawPublished) ?? textOf(item.rawUpdated);
  return textOf(item.pubDate) ?? textOf(item.date) ?? textOf(item['dc:date']);
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 32);
}

/**
 * Parses a feed document.
 *
 * - Items without a usable http(s) link are skipped and counted by reason; so are repeats of a GUID.
 * - GUID: the item's guid/id (rdf:about in RDF); else its canonical link; else, when several items share that
 *   link (live pages, tickers that all link to one page), `sha256:` of link, title and date.
 * - Kept: the first `maxItems` usable items, newest first when every one has a date, else in document order
 *   (feeds list newest first; sorting undated items among dated ones would be guesswork).
 *
 * @throws FeedParseError for an empty body, entity declarations, HTML, other non-feed documents and malformed XML.
 */
export async function parseFeed(xmlText: string, feedUrl: string, opts: ParseOptions): Promise<ParsedFeed> {
  const { format, root } = checkDocument(xmlText, feedUrl);
  let feed: Raw & { items: Raw[] };
  try {
    feed = (await newParser().parseString(xmlText)) as Raw & { items: Raw[] };
  } catch (err) {
    const xml = describeXmlError(err as Error);
    if (xml) throw new FeedParseError('malformed-xml', feedUrl, `malformed XML: ${xml}`);
    throw new FeedParseError('not-a-feed', feedUrl, `the <${root}> document lacks the feed structure (${(err as Error).message})`);
  }

  const skipped: Record<SkipReason, number> = { 'no-link': 0, 'bad-link': 0, 'not-http': 0, duplicate: 0 };
  const usable: Usable[] = [];
  for (const raw of feed.items) {
    const link = resolveLink(rawLink(raw, format), feedUrl);
    if ('skip' in link) {
      skipped[link.skip]++;
      continue;
    }
    const published = isoDate(rawPublished(raw, format));
    usable.push({ raw, guid: rawGuid(raw, format), ...link, published, time: published === null ? null : publishedTime(published) });
  }

  const linkUses = new Map<string, number>();
  for (const u of usable) if (u.guid === null) linkUses.set(u.canonicalUrl, (linkUses.get(u.canonicalUrl) ?? 0) + 1);
  const seen = new Set<string>();
  const unique: (Usable & { guid: string })[] = [];
  for (const u of usable) {
    const guid =
      u.guid ??
      (linkUses.get(u.canonicalUrl) === 1 ? u.canonicalUrl : `sha256:${sha256(`${u.canonicalUrl}\n${textOf(u.raw.title) ?? ''}\n${u.published ?? ''}`)}`);
    if (seen.has(guid)) {
      skipped.duplicate++;
      continue;
    }
    seen.add(guid);
    unique.push({ ...u, guid });
  }

  if (unique.every((u) => u.time !== null)) unique.sort((a, b) => b.time! - a.time!);
  const kept = unique.slice(0, opts.maxItems);
  const summaryMax = opts.summaryMaxChars ?? DEFAULT_SUMMARY_MAX_CHARS;
  const items = kept.map(
    (u): FeedItem => ({
      guid: u.guid,
      url: u.url,
      canonicalUrl: u.canonicalUrl,
      urlKey: u.urlKey,
      title: plainText(textOf(u.raw.title), TITLE_MAX_CHARS),
      published: u.published,
      // Atom <summary>, else RSS <description> (rss-parser's `content`) or Atom <content>, else content:encoded.
      summary: plainText(textOf(u.raw.summary) ?? textOf(u.raw.content) ?? textOf(u.raw['content:encoded']), summaryMax),
    }),
  );

  const siteLink = resolveLink(textOf(feed.link), feedUrl);
  const ttl = textOf(feed.ttl)?.trim() ?? '';
  return {
    format,
    title: plainText(textOf(feed.title), TITLE_MAX_CHARS),
    link: 'skip' in siteLink ? null : siteLink.url,
    ttlMinutes: /^\d+$/.test(ttl) && Number(ttl) > 0 ? Number(ttl) : null,
    itemCount: feed.items.length,
    truncated: unique.length > kept.length,
    items,
    skipped,
  };
}
