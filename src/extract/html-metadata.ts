// What a news page's markup declares about itself: JSON-LD, Open Graph and article meta tags, <link
// rel=canonical>, <html lang>. Read before any furniture is removed (JSON-LD lives in <script> elements).
// Printed bylines and dates (the header zone) are read from the text in html-content.ts / text-document.ts.

import type { CheerioAPI } from 'cheerio';
import { parseDate, toIsoDate } from '../text/dates.js';

export interface HtmlMetadata {
  /** Declared headline: JSON-LD headline, og:title, <title> (site name stripped). */
  title: string | null;
  /** ISO 8601 as in CleanResult.published: 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM:00Z' (or without Z when no zone). */
  published: string | null;
  modified: string | null;
  canonicalUrl: string | null;
  /** Declared language, primary subtag lower-cased ('ar' for 'ar-IQ'). */
  language: string | null;
  /** Declared authors (JSON-LD Person names, meta author), joined with ', '. */
  byline: string | null;
  /** og:image, twitter:image or JSON-LD image, resolved against the canonical URL when relative. */
  image: string | null;
}

interface JsonLdArticle {
  headline: string | null;
  datePublished: string | null;
  dateModified: string | null;
  authors: string[];
  image: string | null;
  url: string | null;
  inLanguage: string | null;
}

/** NewsArticle, ReportageNewsArticle, Article, BlogPosting, LiveBlogPosting, Report… */
const ARTICLE_TYPE = /(?:Article|BlogPosting|Report|SocialMediaPosting)$/;

export function readMetadata($: CheerioAPI): HtmlMetadata {
  // One pass over the <meta> tags: a selector query per key would walk the whole page each time.
  const metas = new Map<string, string>();
  for (const el of $('meta[content]').toArray()) {
    const content = el.attribs.content?.trim();
    const name = (el.attribs.property ?? el.attribs.name ?? el.attribs.itemprop ?? el.attribs['http-equiv'])?.trim().toLowerCase();
    if (content && name && !metas.has(name)) metas.set(name, content);
  }
  const meta = (...names: string[]): string | null => {
    for (const name of names) {
      const value = metas.get(name.toLowerCase());
      if (value !== undefined) return value;
    }
    return null;
  };
  const ld = readJsonLd($);
  const canonicalUrl =
    $('link[rel~="canonical"]').first().attr('href')?.trim() || meta('og:url') || ld?.url || null;
  const siteName = meta('og:site_name');
  const title =
    ld?.headline ??
    stripSiteName(meta('og:title', 'twitter:title'), siteName) ??
    stripSiteName($('title').first().text().replace(/\s+/g, ' ').trim() || null, siteName);
  const published = firstDate(
    ld?.datePublished,
    meta(
      'article:published_time',
      'datePublished',
      'pubdate',
      'publishdate',
      'publish-date',
      'og:published_time',
      'DC.date.issued',
      'date',
    ),
    $('time[itemprop="datePublished"], time[pubdate]').first().attr('datetime'),
  );
  const modified = firstDate(
    ld?.dateModified,
    meta('article:modified_time', 'dateModified', 'og:updated_time', 'lastmod'),
    $('time[itemprop="dateModified"]').first().attr('datetime'),
  );
  const authorMeta = meta('author', 'article:author');
  const byline = ld !== null && ld.authors.length > 0 ? ld.authors.join(', ') : authorMeta !== null && !/^https?:/i.test(authorMeta) ? authorMeta : null;
  const image = meta('og:image', 'og:image:url', 'twitter:image') ?? ld?.image ?? null;
  return {
    title,
    published,
    modified,
    canonicalUrl,
    language: primaryLanguage(
      $('html').attr('lang') ??
        $('html').attr('xml:lang') ??
        meta('content-language', 'language', 'og:locale') ??
        ld?.inLanguage ??
        null,
    ),
    byline,
    image: image === null ? null : resolveUrl(image, canonicalUrl),
  };
}

/** 'ar-IQ', 'ar_AR', 'AR' → 'ar'; null for an empty or malformed tag. */
export function primaryLanguage(tag: string | null): string | null {
  const m = tag === null ? null : /^\s*([a-z]{2,3})(?:[-_][a-z0-9]+)*\s*$/i.exec(tag);
  return m ? m[1]!.toLowerCase() : null;
}

/** An absolute URL for `href`, against `base` when that is absolute; `href` as given otherwise. */
export function resolveUrl(href: string, base: string | null): string {
  try {
    return new URL(href, base ?? undefined).href;
  } catch (err) {
    if (err instanceof TypeError) return href;
    throw err;
  }
}

/**
 * "Headline | Site", "Site - Headline": the site's name is not part of the headline. Without og:site_name
 * the longest part of a "|"-separated <title> is the headline.
 */
function stripSiteName(title: string | null, siteName: string | null): string | null {
  if (title === null) return null;
  const parts = title.split(/\s+[|｜]\s+|\s+[-–—]\s+/);
  if (parts.length < 2) return title;
  if (siteName !== null) {
    const site = siteName.trim().toLowerCase();
    const kept = parts.filter((p) => p.trim().toLowerCase() !== site);
    if (kept.length < parts.length) return kept.join(' - ').trim() || null;
  }
  if (!title.includes('|')) return title;
  return title.split(/\s+[|｜]\s+/).reduce((a, b) => (b.length > a.length ? b : a)).trim();
}

/** The first of the raw values that reads as a date, in the project's ISO form. */
function firstDate(...raws: Array<string | null | undefined>): string | null {
  for (const raw of raws) {
    const iso = raw ? isoDate(raw) : null;
    if (iso !== null) return iso;
  }
  return null;
}

/** ISO and textual dates through the project's date grammar; RFC 2822 ("Tue, 02 Sep 2025 10:00:00 +0300") via Date. */
export function isoDate(raw: string): string | null {
  const parsed = parseDate(raw.trim());
  const iso = parsed === null ? null : toIsoDate(parsed);
  if (iso !== null) return iso;
  // Date.parse reads a zone-less time as local time; only a stated zone makes its answer meaningful.
  if (!/(?:gmt|utc|z|[+-]\d{2}:?\d{2})\s*$/i.test(raw.trim())) return null;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? null : `${new Date(t).toISOString().slice(0, 16)}:00Z`;
}

function readJsonLd($: CheerioAPI): JsonLdArticle | null {
  let fallback: JsonLdArticle | null = null;
  for (const el of $('script[type="application/ld+json"]').toArray()) {
    const data = parseJson($(el).text());
    for (const item of flatten(data)) {
      const types = ([] as unknown[]).concat(item['@type'] ?? []).filter((t): t is string => typeof t === 'string');
      if (types.some((t) => ARTICLE_TYPE.test(t))) return articleOf(item);
      // A WebPage item still carries a headline and dates on some CMSs; used only when no article item exists.
      if (fallback === null && types.some((t) => /WebPage$/.test(t))) fallback = articleOf(item);
    }
  }
  return fallback;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Raw newlines and tabs inside strings are the usual breakage of hand-built JSON-LD; try once without them.
    try {
      return JSON.parse(text.replace(/[\u0000-\u001f]+/g, ' '));
    } catch {
      return null; // still broken: the meta tags and the text remain
    }
  }
}

type Json = Record<string, unknown>;

/** Top-level items, array members and @graph members: where publishers put their NewsArticle. */
function flatten(data: unknown): Json[] {
  const out: Json[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') {
      out.push(v as Json);
      const graph = (v as Json)['@graph'];
      if (graph !== undefined) visit(graph);
    }
  };
  visit(data);
  return out;
}

function articleOf(item: Json): JsonLdArticle {
  const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const authors = ([] as unknown[])
    .concat(item.author ?? [])
    .filter((a) => typeof a === 'string' || (a !== null && typeof a === 'object' && !isOrganization(a as Json)))
    .map((a) => str(typeof a === 'string' ? a : (a as Json).name))
    .filter((a): a is string => a !== null);
  const image = ([] as unknown[]).concat(item.image ?? [])[0];
  const page = item.mainEntityOfPage;
  return {
    headline: str(item.headline) ?? str(item.name),
    datePublished: str(item.datePublished),
    dateModified: str(item.dateModified),
    authors: [...new Set(authors)],
    image: str(image) ?? (image !== null && typeof image === 'object' ? str((image as Json).url) : null),
    url: str(item.url) ?? str(page) ?? (page !== null && typeof page === 'object' ? str((page as Json)['@id']) : null),
    inLanguage: str(item.inLanguage),
  };
}

/** An outlet credited as author ("author": {"@type": "Organization", "name": "…"}) is not a byline. */
function isOrganization(a: Json): boolean {
  return ([] as unknown[]).concat(a['@type'] ?? []).some((t) => t === 'Organization' || t === 'NewsMediaOrganization');
}
