import { describe, expect, it } from 'vitest';
import { decodeBody, encodingForLabel, headerCharset, metaCharset, prologEncoding, type CharsetSource } from '../../src/fetch/charset.js';
import { encodeLegacy } from '../fixtures/html/legacy-encoding.js';

const ARABIC = 'انسحاب القوات الأمريكية من قاعدة عين الأسد في أيلول، والمرحلة الثانية في إقليم كوردستان.';
/** ISO-8859-6 has no hamza-on-alef forms beyond its table and no Persian letters; this line fits it. */
const ARABIC_ISO = 'قال نائب ان الانسحاب من القواعد يسير وفق الجدول، وان المرحلة الثانية تبدأ في ايلول.';

const html = (headExtra: string, body: string) => `<html><head>${headExtra}<title>t</title></head><body><p>${body}</p></body></html>`;
const utf8 = (s: string) => Buffer.from(s, 'utf8');
const cp1256 = (s: string) => encodeLegacy(s, 'windows-1256');
const iso6 = (s: string) => encodeLegacy(s, 'iso-8859-6');

interface Case {
  name: string;
  body: Buffer;
  contentType?: string;
  kind?: 'html' | 'xml';
  charset: string;
  source: CharsetSource;
  contains: string;
}

const CASES: Case[] = [
  { name: 'UTF-8 BOM beats a wrong header', body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(html('', ARABIC))]), contentType: 'text/html; charset=windows-1256', charset: 'utf-8', source: 'bom', contains: ARABIC },
  { name: 'UTF-16LE BOM', body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(html('', ARABIC), 'utf16le')]), charset: 'utf-16le', source: 'bom', contains: ARABIC },
  { name: 'header charset, quoted', body: cp1256(html('', ARABIC)), contentType: 'text/html; charset="windows-1256"', charset: 'windows-1256', source: 'header', contains: ARABIC },
  { name: 'header cp1256 alias', body: cp1256(html('', ARABIC)), contentType: 'text/html;charset=cp1256', charset: 'windows-1256', source: 'header', contains: ARABIC },
  { name: 'meta charset windows-1256', body: cp1256(html('<meta charset="windows-1256">', ARABIC)), contentType: 'text/html', charset: 'windows-1256', source: 'meta', contains: ARABIC },
  { name: 'meta http-equiv windows-1256', body: cp1256(html('<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">', ARABIC)), charset: 'windows-1256', source: 'meta', contains: ARABIC },
  { name: 'meta http-equiv iso-8859-6', body: iso6(html('<META HTTP-EQUIV="content-type" CONTENT="text/html; charset=ISO-8859-6">', ARABIC_ISO)), charset: 'iso-8859-6', source: 'meta', contains: ARABIC_ISO },
  { name: 'WHATWG label "arabic" is ISO-8859-6', body: iso6(html('<meta charset="arabic">', ARABIC_ISO)), charset: 'iso-8859-6', source: 'meta', contains: ARABIC_ISO },
  { name: 'misspelled label win-1256', body: cp1256(html('<meta charset="win-1256">', ARABIC)), charset: 'windows-1256', source: 'meta', contains: ARABIC },
  { name: 'meta in a comment is ignored; detection finds windows-1256', body: cp1256(html('<!-- <meta charset="iso-8859-1"> -->', ARABIC)), charset: 'windows-1256', source: 'detected', contains: ARABIC },
  { name: 'unknown header label falls through to meta', body: cp1256(html('<meta charset="windows-1256">', ARABIC)), contentType: 'text/html; charset=x-klingon', charset: 'windows-1256', source: 'meta', contains: ARABIC },
  { name: 'header says utf-8, bytes are windows-1256, meta tells the truth', body: cp1256(html('<meta charset="windows-1256">', ARABIC)), contentType: 'text/html; charset=utf-8', charset: 'windows-1256', source: 'meta', contains: ARABIC },
  { name: 'header says iso-8859-1 over valid UTF-8: the bytes win', body: utf8(html('', ARABIC)), contentType: 'text/html; charset=ISO-8859-1', charset: 'utf-8', source: 'detected', contains: ARABIC },
  { name: 'header utf-8 over valid UTF-8', body: utf8(html('<meta charset="windows-1256">', ARABIC)), contentType: 'text/html; charset=UTF-8', charset: 'utf-8', source: 'header', contains: ARABIC },
  { name: 'meta utf-16 in ASCII bytes means utf-8', body: utf8(html('<meta charset="utf-16">', ARABIC)), charset: 'utf-8', source: 'meta', contains: ARABIC },
  { name: 'XML prolog windows-1256', body: cp1256(`<?xml version="1.0" encoding="windows-1256"?><rss><channel><title>${ARABIC}</title></channel></rss>`), contentType: 'application/rss+xml', kind: 'xml', charset: 'windows-1256', source: 'xml-prolog', contains: ARABIC },
  { name: 'XML ignores a <meta> lookalike', body: iso6(`<?xml version="1.0" encoding="ISO-8859-6"?><feed><meta charset="utf-8"/><title>${ARABIC_ISO}</title></feed>`), kind: 'xml', charset: 'iso-8859-6', source: 'xml-prolog', contains: ARABIC_ISO },
  { name: 'undeclared valid UTF-8 is detected', body: utf8(html('', ARABIC)), charset: 'utf-8', source: 'detected', contains: ARABIC },
  { name: 'undeclared windows-1256 Arabic is detected', body: cp1256(html('', ARABIC)), charset: 'windows-1256', source: 'detected', contains: ARABIC },
  { name: 'undeclared Latin-1 text is windows-1252', body: Buffer.from(html('', 'Le retrait des forces de la coalition a été achevé à Erbil, déclare le porte-parole.'), 'latin1'), charset: 'windows-1252', source: 'detected', contains: 'été achevé' },
  { name: 'pure ASCII without any declaration', body: utf8(html('', 'US forces left the base.')), charset: 'utf-8', source: 'default', contains: 'US forces left' },
  { name: 'empty body', body: Buffer.alloc(0), charset: 'utf-8', source: 'default', contains: '' },
];

describe('decodeBody', () => {
  it.each(CASES)('$name', ({ body, contentType, kind, charset, source, contains }) => {
    const decoded = decodeBody(body, contentType, kind ?? 'html');
    expect({ charset: decoded.charset, source: decoded.source }).toEqual({ charset, source });
    expect(decoded.text).toContain(contains);
    expect(decoded.text).not.toContain('\ufffd');
  });

  it('finds a meta charset after 1 KB of scripts but not after 4 KB', () => {
    const pad = (n: number) => `<script>${'x'.repeat(n)}</script>`;
    const near = cp1256(`<html><head>${pad(2000)}<meta charset="windows-1256"></head><body>${ARABIC}</body></html>`);
    expect(decodeBody(near, undefined, 'html').source).toBe('meta');
    const far = cp1256(`<html><head>${pad(5000)}<meta charset="iso-8859-6"></head><body>${ARABIC}</body></html>`);
    expect(decodeBody(far, undefined, 'html')).toMatchObject({ charset: 'windows-1256', source: 'detected' });
  });
});

describe('charset labels', () => {
  it.each([
    ['windows-1256', 'windows-1256'],
    ['CP1256', 'windows-1256'],
    ['x-cp1256', 'windows-1256'],
    ['ms-arab', 'windows-1256'],
    ['iso-8859-6', 'iso-8859-6'],
    ['ISO_8859-6:1987', 'iso-8859-6'],
    ['arabic', 'iso-8859-6'],
    ['asmo-708', 'iso-8859-6'],
    ['latin1', 'windows-1252'],
    ['utf8', 'utf-8'],
    ['klingon', null],
  ])('%s → %s', (label, expected) => {
    expect(encodingForLabel(label)).toBe(expected);
  });

  it('reads header, meta and prolog forms', () => {
    expect(headerCharset('text/html; charset=Windows-1256; foo=bar')).toBe('Windows-1256');
    expect(headerCharset('text/html')).toBeNull();
    expect(metaCharset('<meta name="viewport" content="width=device-width"><meta charset=\'iso-8859-6\'>')).toBe('iso-8859-6');
    expect(metaCharset('<meta content="text/html; charset=windows-1256" http-equiv="Content-Type">')).toBe('windows-1256');
    expect(prologEncoding('<?xml version="1.0" encoding=\'windows-1256\'?><rss/>')).toBe('windows-1256');
    expect(prologEncoding('<rss/>')).toBeNull();
  });
});
