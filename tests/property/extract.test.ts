// HTML and text cleaning on garbage: no exception, bounded time, the article text within its cap, and
// every cut named in a warning.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanDocument } from '../../src/extract/document.js';
import { stripNonContent } from '../../src/extract/html-bounds.js';
import { ARTICLE_TEXT_CAP } from '../../src/extract/text-document.js';
import { deepHtml, garbageHtml, garbageText, hugeText, RUNS, withinBound } from './garbage.js';

const doc = (format: 'html' | 'text', body: string) => ({ format, body, url: 'https://news.example/a/1', title: null, published: null, language: null });

function checkClean(format: 'html' | 'text', body: string): void {
  const clean = withinBound(() => cleanDocument(doc(format, body)));
  expect(clean.text.length).toBeLessThanOrEqual(ARTICLE_TEXT_CAP);
  expect(['ar', 'en', 'und']).toContain(clean.language);
  if (clean.published !== null) expect(clean.published).toMatch(/^\d{4}-\d{2}-\d{2}/);
  if (body.length > 2 * ARTICLE_TEXT_CAP && format === 'text') expect(clean.warnings.some((w) => w.startsWith('article text cut at'))).toBe(true);
}

describe('cleaning on garbage', () => {
  it('HTML: nested, unclosed and stray tags around garbage text', () => {
    fc.assert(fc.property(garbageHtml, (html) => checkClean('html', html)), { numRuns: RUNS * 2 });
  });

  it('HTML: deep nesting and huge bodies', () => {
    fc.assert(
      fc.property(fc.oneof(deepHtml, hugeText.map((t) => `<html><body><article><p>${t}</p></article></body></html>`)), (html) => checkClean('html', html)),
      { numRuns: RUNS / 2 },
    );
  });

  it('text documents: garbage and huge text', () => {
    fc.assert(fc.property(fc.oneof(garbageText, hugeText), (text) => checkClean('text', text)), { numRuns: RUNS });
  });

  it('stripNonContent keeps what is not a script, style, template or comment', () => {
    fc.assert(
      fc.property(garbageHtml, (html) => {
        const out = withinBound(() => stripNonContent(html));
        expect(out.length).toBeLessThanOrEqual(html.length);
        if (!/<(?:script|style|template)|<!--/i.test(html)) expect(out).toBe(html);
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
