/**
 * `npx tsx bench/extraction.ts`: article extraction quality and speed on tests/fixtures/html/, marsad
 * (src/extract/html-document.ts) against @mozilla/readability on a jsdom DOM. Per page and macro-averaged
 * token precision/recall/F1 against NAME.expected.txt, and ms/page for each (parse included, decoding not).
 */
import { Readability } from '@mozilla/readability';
import { JSDOM, VirtualConsole } from 'jsdom';
import { fileURLToPath } from 'node:url';
import { extractHtmlDocument } from '../src/extract/html-document.js';
import { decodeBody } from '../src/fetch/charset.js';
import { loadHtmlFixtures, tokenOverlap, type Overlap } from '../tests/fixtures/html/load.js';

export interface PageRow {
  name: string;
  words: number;
  marsad: Overlap;
  readability: Overlap;
  tooLittleText: boolean;
}

export interface ExtractionBench {
  pages: PageRow[];
  macro: { marsad: Overlap; readability: Overlap };
  msPerPage: { marsad: number; readability: number };
}

/** Timing repeats per page, so that ms/page is not one cold run. */
const ROUNDS = 5;

export function runExtractionBench(): ExtractionBench {
  const fixtures = loadHtmlFixtures().map((f) => ({ ...f, html: decodeBody(f.bytes, undefined, 'html').text }));
  // jsdom reports unparsable CSS and the like on its console; it is noise here.
  const virtualConsole = new VirtualConsole();
  const readability = (html: string) => new Readability(new JSDOM(html, { virtualConsole }).window.document).parse()?.textContent ?? '';

  const pages = fixtures.map((f) => {
    const ours = extractHtmlDocument(f.html);
    return {
      name: f.name,
      words: f.expected.split(/\s+/).filter(Boolean).length,
      marsad: tokenOverlap(ours.text, f.expected),
      readability: tokenOverlap(readability(f.html), f.expected),
      tooLittleText: ours.tooLittleText,
    };
  });
  const time = (fn: (html: string) => unknown) => {
    const start = performance.now();
    for (let r = 0; r < ROUNDS; r++) for (const f of fixtures) fn(f.html);
    return (performance.now() - start) / (ROUNDS * fixtures.length);
  };
  time(extractHtmlDocument); // warm-up: JIT and cheerio's lazy setup
  return {
    pages,
    macro: { marsad: macro(pages.map((p) => p.marsad)), readability: macro(pages.map((p) => p.readability)) },
    msPerPage: { marsad: time(extractHtmlDocument), readability: time(readability) },
  };
}

function macro(xs: readonly Overlap[]): Overlap {
  const mean = (k: keyof Overlap) => xs.reduce((s, x) => s + x[k], 0) / Math.max(xs.length, 1);
  return { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') };
}

function printBench(b: ExtractionBench): void {
  const f = (x: number) => x.toFixed(3);
  const cells = (o: Overlap) => `${f(o.precision)} ${f(o.recall)} ${f(o.f1)}`;
  console.log(`${'page'.padEnd(40)} ${'words'.padStart(5)}  marsad P     R     F1     readability P R  F1`);
  for (const p of b.pages) {
    console.log(`${p.name.padEnd(40)} ${String(p.words).padStart(5)}  ${cells(p.marsad)}    ${cells(p.readability)}${p.tooLittleText ? '  (marked: too little text)' : ''}`);
  }
  console.log(`${'macro average'.padEnd(40)} ${''.padStart(5)}  ${cells(b.macro.marsad)}    ${cells(b.macro.readability)}`);
  console.log(`ms/page: marsad ${b.msPerPage.marsad.toFixed(2)}, readability (jsdom) ${b.msPerPage.readability.toFixed(2)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printBench(runExtractionBench());
