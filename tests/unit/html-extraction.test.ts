import { describe, expect, it } from 'vitest';
import { cleanDocument } from '../../src/extract/document.js';
import { extractHtmlDocument } from '../../src/extract/html-document.js';
import { decodeBody } from '../../src/fetch/charset.js';
import { loadHtmlFixtures, tokenOverlap } from '../fixtures/html/load.js';

/**
 * Every fixture must reach this token F1 unless its meta.json names a lower floor and why. The pages were
 * written for this suite, so a high floor is a regression guard, not a claim about the open web.
 */
const DEFAULT_F1_FLOOR = 0.95;

const fixtures = loadHtmlFixtures().map((f) => {
  const decoded = decodeBody(f.bytes, undefined, 'html');
  return { ...f, decoded, doc: extractHtmlDocument(decoded.text) };
});

describe('HTML fixtures', () => {
  it('has at least 30 pages, Arabic and English, legacy charsets included', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
    expect(fixtures.filter((f) => f.meta.lang === 'ar').length).toBeGreaterThanOrEqual(15);
    expect(new Set(fixtures.map((f) => f.decoded.charset))).toEqual(new Set(['utf-8', 'windows-1256', 'iso-8859-6']));
  });

  it.each(fixtures)('$name: article text', ({ doc, expected, meta }) => {
    const { f1 } = tokenOverlap(doc.text, expected);
    expect(f1).toBeGreaterThanOrEqual(meta.floor?.f1 ?? DEFAULT_F1_FLOOR);
  });

  it.each(fixtures)('$name: metadata', ({ doc, meta }) => {
    const got = {
      title: doc.title,
      published: doc.published,
      modified: doc.modified,
      canonical: doc.canonicalUrl,
      lang: doc.language,
      byline: doc.byline,
      image: doc.image,
      tooLittleText: doc.tooLittleText,
    };
    const { floor: _floor, ...wanted } = meta;
    expect(got).toMatchObject(wanted);
  });

  it('marks the pages with too little text, with a warning, and only those', () => {
    const marked = fixtures.filter((f) => f.doc.tooLittleText);
    expect(marked.map((f) => f.name).sort()).toEqual(fixtures.filter((f) => f.meta.tooLittleText).map((f) => f.name).sort());
    expect(marked.length).toBeGreaterThanOrEqual(1);
    for (const f of marked) expect(f.doc.warnings.some((w) => w.startsWith('too little article text'))).toBe(true);
  });

  it('legacy-encoded pages come out as the UTF-8 expected text', () => {
    for (const f of fixtures.filter((x) => x.decoded.charset !== 'utf-8')) {
      expect(f.decoded.source).toBe('meta');
      expect(f.doc.paragraphs[0]).toBe(f.expected.split('\n\n')[0]);
    }
  });
});

const page = (body: string, head = '') => `<html lang="ar" dir="rtl"><head><title>عنوان الصفحة</title>${head}</head><body>${body}</body></html>`;
const para = (n: number, word: string) => `<p>${Array.from({ length: 30 }, (_, i) => `${word}${i % 7}`).join(' ')}، جملة رقم ${n}.</p>`;

describe('extractHtmlDocument', () => {
  // .a is too weak to join .b as a sibling (Readability's max(10, 20% of the top score)).
  const twoColumns = page(`<h1>الخبر الأول عن انسحاب القوات</h1><div class="b">${para(3, 'باء')}${para(4, 'باء')}${para(5, 'باء')}</div>
<div class="a">${para(1, 'الف')}</div>`);

  it('scores containers when no rule is given', () => {
    const doc = extractHtmlDocument(twoColumns);
    expect(doc.container).toBe('scored');
    expect(doc.text).toContain('باء1');
    expect(doc.text).not.toContain('الف1');
  });

  it("lets the feed's article selector win over scoring", () => {
    const doc = extractHtmlDocument(twoColumns, { article: '.a' });
    expect(doc.container).toBe('rule');
    expect(doc.text).toContain('الف1');
    expect(doc.text).not.toContain('باء1');
  });

  it("applies the feed's remove selectors first, and warns about unusable selectors", () => {
    const doc = extractHtmlDocument(twoColumns, { article: '.nothing-here', remove: ['.b', 'p[[['] });
    expect(doc.container).toBe('scored');
    expect(doc.text).toContain('الف1');
    expect(doc.warnings.some((w) => w.includes('.nothing-here') && w.includes('matched nothing'))).toBe(true);
    expect(doc.warnings.some((w) => w.includes('p[[['))).toBe(true);
  });

  it('keeps a positive class token over a negative one, and drops a purely negative block', () => {
    const doc = extractHtmlDocument(page(`<div class="article-body has-share-bar">${para(1, 'نص')}${para(2, 'نص')}</div>
<div class="related-articles">${para(3, 'ذات')}${para(4, 'ذات')}${para(5, 'ذات')}${para(6, 'ذات')}</div>`));
    expect(doc.text).toContain('نص1');
    expect(doc.text).not.toContain('ذات1');
  });

  it('keeps an inline date inside a sentence as text', () => {
    const doc = extractHtmlDocument(page(`<h1>عنوان الخبر عن القاعدة الجوية</h1><div class="content"><p>غادرت القوات القاعدة في <time datetime="2025-09-03">3 أيلول</time> بحسب مصادر أمنية تحدثت اليوم، وأكدت أن التسليم جرى وفق الجدول المتفق عليه بين الجانبين، وأن اللجان الفنية أنهت عملها.</p>${para(2, 'نص')}</div>`));
    expect(doc.text).toContain('في 3 أيلول بحسب');
  });

  it('returns an empty, marked document for a page without text', () => {
    const doc = extractHtmlDocument('<html><body><nav><a href="/">الرئيسية</a></nav></body></html>');
    expect(doc.text).toBe('');
    expect(doc.tooLittleText).toBe(true);
    expect(doc.title).toBeNull();
  });

  it('reads dates from JSON-LD @graph, keeps zone-less times without a zone', () => {
    const graph = '<script type="application/ld+json">{"@graph":[{"@type":"WebSite"},{"@type":"NewsArticle","datePublished":"2025-09-03T10:15:00","dateModified":"2025-09-04"}]}</script>';
    const doc = extractHtmlDocument(page(`<h1>عنوان الخبر عن القاعدة الجوية</h1>${para(1, 'نص')}`, graph));
    expect(doc.published).toBe('2025-09-03T10:15:00');
    expect(doc.modified).toBe('2025-09-04');
  });
});

describe('cleanDocument with HTML', () => {
  it('passes rules, modified, image and the too-little-text mark through', () => {
    const html = page(`<div class="x">${para(1, 'نص')}${para(2, 'نص')}</div><div class="y"><p>قصير.</p></div>`, '<meta property="og:image" content="/i.jpg"><link rel="canonical" href="https://example.iq/a">');
    const doc = cleanDocument({ format: 'html', body: html, url: 'https://example.iq/a?utm_source=x', title: null, published: null, language: null }, { article: '.y' });
    expect(doc.tooLittleText).toBe(true);
    expect(doc.image).toBe('https://example.iq/i.jpg');
    expect(doc.canonicalUrl).toBe('https://example.iq/a');
    expect(doc.modified).toBeNull();
  });
});
