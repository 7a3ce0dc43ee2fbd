import { load, type CheerioAPI } from 'cheerio';
import { parseDate, toIsoDate } from '../text/dates.js';
import { cleanBlocks, type Block, type ExtractedDocument } from './text-document.js';

/** What the page's markup says about itself, beside the text. */
export interface HtmlMetadata {
  title: string | null;
  published: string | null;
  canonicalUrl: string | null;
  language: string | null;
}

export interface ExtractedHtmlDocument extends ExtractedDocument {
  metadata: HtmlMetadata;
}

// Elements that never hold article text.
const NEVER_TEXT = 'script, style, noscript, template, svg, iframe, form, nav, footer, aside, figure figcaption, [role=navigation], [role=banner], [role=contentinfo], [aria-hidden=true]';
const BLOCKS = 'h1, h2, h3, h4, h5, h6, p, li, blockquote, pre, td';

/**
 * HTML page to a cleaned document: the article element's (or the body's) blocks go through the same
 * furniture rules as raw text; title, date, canonical URL and language also come from the markup.
 */
export function extractHtmlDocument(html: string): ExtractedHtmlDocument {
  // htmlparser2 in HTML mode: several times faster than parse5 on news pages, and lenient enough.
  const $ = load(html, { xml: { xmlMode: false, decodeEntities: true } });
  const metadata = readMetadata($);
  $(NEVER_TEXT).remove();
  // A page's header is furniture; an article's own header holds its headline.
  $('header').filter((_, el) => $(el).closest('article').length === 0).remove();
  const scope = $('article').first().length ? $('article').first() : $('main').first().length ? $('main').first() : $('body');
  const blocks: Block[] = [];
  scope.find(BLOCKS).each((_, el) => {
    const node = $(el);
    if (node.find(BLOCKS).length > 0) return; // the inner blocks speak for themselves
    const text = node.text().replace(/\s+/g, ' ').trim();
    if (text) blocks.push({ text, kind: /^h[1-6]$/.test(el.tagName) ? 'heading' : 'paragraph' });
  });
  const cleaned = cleanBlocks(blocks);
  return {
    ...cleaned,
    title: cleaned.title ?? metadata.title,
    published: cleaned.published ?? metadata.published,
    metadata,
  };
}

function readMetadata($: CheerioAPI): HtmlMetadata {
  const meta = (selector: string) => $(selector).first().attr('content')?.trim() || null;
  const jsonLd = readJsonLd($);
  const publishedRaw =
    meta('meta[property="article:published_time"]') ??
    meta('meta[name="pubdate"]') ??
    meta('meta[itemprop="datePublished"]') ??
    jsonLd.datePublished ??
    ($('time[datetime]').first().attr('datetime')?.trim() || null);
  return {
    title: meta('meta[property="og:title"]') ?? jsonLd.headline ?? ($('title').first().text().trim() || null),
    published: publishedRaw ? isoFrom(publishedRaw) : null,
    canonicalUrl: $('link[rel="canonical"]').first().attr('href')?.trim() || meta('meta[property="og:url"]'),
    language: $('html').attr('lang')?.trim() || meta('meta[http-equiv="content-language"]'),
  };
}

function isoFrom(raw: string): string | null {
  const iso = Date.parse(raw);
  if (!Number.isNaN(iso) && /^\d{4}-\d{2}-\d{2}/.test(raw)) return /T\d{2}:\d{2}/.test(raw) ? new Date(iso).toISOString().replace('.000Z', 'Z') : raw.slice(0, 10);
  const parsed = parseDate(raw);
  return parsed ? toIsoDate(parsed) : null;
}

function readJsonLd($: CheerioAPI): { headline: string | null; datePublished: string | null } {
  for (const el of $('script[type="application/ld+json"]').toArray()) {
    let data: unknown;
    try {
      data = JSON.parse($(el).text());
    } catch {
      continue; // broken JSON-LD is common; the other sources still apply
    }
    const items = Array.isArray(data) ? data : [data, ...(((data as { '@graph'?: unknown[] })?.['@graph']) ?? [])];
    for (const item of items) {
      const type = (item as { '@type'?: unknown })?.['@type'];
      const types = Array.isArray(type) ? type : [type];
      if (types.some((t) => typeof t === 'string' && /Article|Posting/.test(t))) {
        const { headline, datePublished } = item as { headline?: unknown; datePublished?: unknown };
        return { headline: typeof headline === 'string' ? headline : null, datePublished: typeof datePublished === 'string' ? datePublished : null };
      }
    }
  }
  return { headline: null, datePublished: null };
}
