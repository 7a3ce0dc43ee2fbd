// Bounded work per document (issue #12): the caps of the cleaner and the tagger, each named in a warning,
// the seed and analyze file cap, and the compute threads' deadline.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanOffThread, closeCompute, tagOffThread } from '../../src/compute/index.js';
import { ComputeLimitError, ComputePool } from '../../src/compute/pool.js';
import { loadConfig } from '../../src/config/load.js';
import { compileCores, tagArticle } from '../../src/cores.js';
import { cleanDocument } from '../../src/extract/document.js';
import { HTML_PARSE_CAP, MAX_HTML_DEPTH, stripNonContent } from '../../src/extract/html-bounds.js';
import { ARTICLE_TEXT_CAP } from '../../src/extract/text-document.js';
import { readSeedFile, readSeedFolder } from '../../src/seed/documents.js';
import { MAX_SENTENCE_CHARS, splitSentences } from '../../src/text/arabic.js';

const AR = 'أعلن التحالف الدولي انسحاب القوات الأمريكية من قاعدة عين الأسد في الأنبار بحلول أيلول 2026. ';
const html = (body: string) => ({ format: 'html' as const, body: `<html><body><article><h1>انسحاب القوات من عين الأسد</h1>${body}</article></body></html>`, url: null, title: null, published: null, language: null });

afterAll(() => closeCompute());

describe('caps of the cleaner', () => {
  it('keeps at most ARTICLE_TEXT_CAP characters of a long article and says so', () => {
    const clean = cleanDocument(html(`<p>${AR}</p>`.repeat(3000)));
    expect(clean.text.length).toBeLessThanOrEqual(ARTICLE_TEXT_CAP);
    expect(clean.text.length).toBeGreaterThan(ARTICLE_TEXT_CAP * 0.9);
    expect(clean.warnings).toContainEqual(expect.stringMatching(/^article text cut at 100000 characters \(the document has \d+\)/));
  });

  it('cuts a raw text document too, and a short one keeps everything without a warning', () => {
    const long = cleanDocument({ ...html(''), format: 'text', body: 'a'.repeat(5_000_000) });
    expect(long.text.length).toBeLessThanOrEqual(ARTICLE_TEXT_CAP);
    expect(long.warnings).toContainEqual(expect.stringContaining('(the document has 5000000)'));
    const short = cleanDocument({ ...html(''), format: 'text', body: `العنوان\n\n${AR.repeat(5)}` });
    expect(short.warnings.some((w) => w.includes('cut'))).toBe(false);
  });

  it('parses at most HTML_PARSE_CAP characters of markup, after dropping scripts and styles', () => {
    const script = `<script>${'var x = 1;'.repeat(400_000)}</script>`;
    const withScript = cleanDocument(html(`${script}<p>${AR.repeat(3)}</p>`));
    expect(withScript.text).toContain('عين الأسد');
    expect(withScript.warnings.some((w) => w.startsWith('page cut'))).toBe(false);
    const huge = cleanDocument(html(`<p>${AR}</p>`.repeat(Math.ceil(HTML_PARSE_CAP / 90))));
    expect(huge.warnings).toContainEqual(expect.stringMatching(/^page cut at 2000000 characters of markup/));
  });

  it('reads markup nested deeper than MAX_HTML_DEPTH as text, without overflowing the stack', () => {
    const depth = 30_000;
    const clean = cleanDocument(html(`${'<div>'.repeat(depth)}<p>${AR.repeat(3)}</p>${'</div>'.repeat(depth)}`));
    expect(clean.text).toContain('عين الأسد');
    expect(clean.warnings).toContainEqual(expect.stringContaining(`nested deeper than ${MAX_HTML_DEPTH}`));
  });

  it('strips script, style and template bodies and comments, but keeps JSON-LD and runs an unclosed one to the end', () => {
    expect(stripNonContent('a<script>x<y</script>b<!-- c -->d<STYLE>e</STYLE>f')).toBe('a<script></script>bd<STYLE></STYLE>f');
    expect(stripNonContent('<script type="application/ld+json">{"a":1}</script>')).toBe('<script type="application/ld+json">{"a":1}</script>');
    expect(stripNonContent('a<script>never closed <p>text</p>')).toBe('a<script>');
    expect(stripNonContent('a<!-- never closed')).toBe('a');
    // One forward scan: 200,000 closed scripts (lower and upper case) cost what one long page does.
    const many = '<script>x</script><SCRIPT>y</SCRIPT>'.repeat(100_000);
    expect(stripNonContent(many)).toBe('<script></script><SCRIPT></SCRIPT>'.repeat(100_000));
  });
});

describe('caps of the tagger', () => {
  it('cuts a sentence without punctuation at MAX_SENTENCE_CHARS, at a space, losing no word', () => {
    const text = 'انسحاب القوات '.repeat(1000);
    const spans = splitSentences(text);
    expect(spans.length).toBeGreaterThan(1);
    for (const s of spans) expect(s.end - s.start).toBeLessThanOrEqual(MAX_SENTENCE_CHARS);
    expect(spans.map((s) => text.slice(s.start, s.end)).join(' ')).toBe(text.trim());
  });

  it('tags the capped text of a page without punctuation', () => {
    const cores = compileCores(loadConfig());
    const clean = cleanDocument(html(`<p>${'انسحاب القوات الأمريكية من قاعدة عين الأسد '.repeat(50_000)}</p>`));
    expect(tagArticle(cores, clean).bases).toContain('ain-al-asad');
  });
});

describe('seed and analyze files', () => {
  it('refuses a file over the cap before reading it, naming the cap; the folder lists it as a problem', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'marsad-cap-'));
    writeFileSync(path.join(dir, 'big.txt'), 'a'.repeat(2048));
    writeFileSync(path.join(dir, 'small.txt'), `العنوان\n\n${AR}`);
    expect(() => readSeedFile(path.join(dir, 'big.txt'), null, '2026-01-01T00:00:00Z', 1024)).toThrow(
      '2048 bytes, over the 1024-byte cap for a document (fetch.maxBodyBytes in config/settings.yaml)',
    );
    const { documents, problems } = readSeedFolder(dir, '2026-01-01T00:00:00Z', 1024);
    expect(documents.map((d) => d.origin)).toEqual([{ kind: 'seed', file: 'small.txt' }]);
    expect(problems).toEqual([expect.stringMatching(/big\.txt: 2048 bytes, over the 1024-byte cap/)]);
  });
});

describe('compute threads', () => {
  it('clean and tag give what the cores give on the event loop', async () => {
    const cores = compileCores(loadConfig());
    const doc = html(`<p>${AR.repeat(4)}</p>`);
    const clean = await cleanOffThread(doc, undefined, 'test page');
    expect(clean).toEqual(cleanDocument(doc));
    expect(await tagOffThread(cores, { id: 'a', ...clean })).toEqual(tagArticle(cores, clean));
    // A second call reuses the cores the thread already holds.
    expect(await tagOffThread(cores, { id: 'b', ...clean })).toEqual(tagArticle(cores, clean));
  });

  it('stops a task past its deadline with ComputeLimitError, and the next task gets a fresh thread', async () => {
    const pool = new ComputePool({ size: 1, deadlineMs: 1, maxHeapMb: 256 });
    try {
      const big = html(`<p>${AR}</p>`.repeat(20_000));
      await expect(pool.run({ kind: 'clean', doc: big })).rejects.toThrow(ComputeLimitError);
      const roomy = new ComputePool({ size: 1, deadlineMs: 60_000, maxHeapMb: 256 });
      await expect(roomy.run({ kind: 'clean', doc: html(`<p>${AR}</p>`) })).resolves.toMatchObject({ language: 'ar' });
      await roomy.close();
    } finally {
      await pool.close();
    }
  });
});
