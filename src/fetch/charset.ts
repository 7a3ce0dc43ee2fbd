// Bytes of a fetched page or feed to text. Pure: the fetcher hands over the body and its Content-Type.
// Written on the WHATWG TextDecoder (Node's full ICU decodes windows-1256 and ISO-8859-6); the label table
// is the WHATWG one that TextDecoder applies itself, plus a few misspellings Arab sites put in the wild.
//
// Order: BOM, HTTP header, <meta> (HTML only), XML prolog, detection, default utf-8. One deliberate
// departure from browsers: a declared charset must fit the bytes. A label saying utf-8 over bytes that are
// not valid UTF-8 is skipped (Arabic CMSs send a default "utf-8" header over windows-1256 pages whose meta
// tells the truth), and a legacy single-byte label over bytes that are valid non-ASCII UTF-8 is skipped too
// (servers add "charset=iso-8859-1" to UTF-8 pages); random windows-1256 Arabic is practically never valid
// UTF-8, so validity is a far stronger signal than either label.

export type CharsetSource = 'bom' | 'header' | 'meta' | 'xml-prolog' | 'detected' | 'default';

export interface DecodedBody {
  text: string;
  /** The WHATWG name of the encoding used: 'utf-8', 'windows-1256', 'iso-8859-6', … */
  charset: string;
  source: CharsetSource;
}

/** How far into the body the <meta> and the prolog are looked for (the HTML spec prescans 1024 bytes; pages put scripts first). */
const SNIFF_BYTES = 4096;

/** Labels seen on real pages that the WHATWG table does not know. */
const EXTRA_LABELS: ReadonlyMap<string, string> = new Map([
  ['windows1256', 'windows-1256'],
  ['win-1256', 'windows-1256'],
  ['win1256', 'windows-1256'],
  ['cp-1256', 'windows-1256'],
  ['ms-arab', 'windows-1256'],
  ['utf8', 'utf-8'],
  ['iso8859-6', 'iso-8859-6'],
  ['iso-8859-6-i', 'iso-8859-6'],
]);

/** The WHATWG encoding name for a label, or null when no decoder knows it. */
export function encodingForLabel(label: string): string | null {
  const key = label.trim().toLowerCase();
  const name = EXTRA_LABELS.get(key) ?? key;
  try {
    const encoding = new TextDecoder(name).encoding;
    // A page that says utf-16 in ASCII bytes is not UTF-16 (the HTML spec reads such a meta as utf-8).
    return encoding.startsWith('utf-16') ? 'utf-8' : encoding;
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

export function decodeBody(body: Buffer, contentType: string | undefined, kind: 'html' | 'xml'): DecodedBody {
  const bom = bomEncoding(body);
  if (bom !== null) return decoded(body, bom, 'bom');

  const utf8 = utf8Shape(body);
  const declared: Array<[CharsetSource, string | null]> = [['header', contentType === undefined ? null : headerCharset(contentType)]];
  const head = body.subarray(0, SNIFF_BYTES).toString('latin1');
  if (kind === 'html') declared.push(['meta', metaCharset(head)]);
  declared.push(['xml-prolog', prologEncoding(head)]);
  for (const [source, label] of declared) {
    const encoding = label === null ? null : encodingForLabel(label);
    if (encoding !== null && fits(encoding, utf8)) return decoded(body, encoding, source);
  }

  if (utf8 === 'ascii') return decoded(body, 'utf-8', 'default');
  if (utf8 === 'valid') return decoded(body, 'utf-8', 'detected');
  return decoded(body, looksLikeWindows1256(body) ? 'windows-1256' : 'windows-1252', 'detected');
}

function decoded(body: Buffer, encoding: string, source: CharsetSource): DecodedBody {
  // Not fatal: a stray bad byte in a long page becomes U+FFFD rather than losing the page.
  return { text: new TextDecoder(encoding).decode(body), charset: encoding, source };
}

type Utf8Shape = 'ascii' | 'valid' | 'invalid';

function utf8Shape(body: Buffer): Utf8Shape {
  let ascii = true;
  for (let i = 0; i < body.length; i++) {
    if (body[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return 'ascii';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return 'valid';
  } catch (err) {
    if (err instanceof TypeError) return 'invalid';
    throw err;
  }
}

/** See the file comment: utf-8 needs valid bytes; a single-byte legacy label loses to valid non-ASCII UTF-8. */
function fits(encoding: string, utf8: Utf8Shape): boolean {
  if (encoding === 'utf-8') return utf8 !== 'invalid';
  return utf8 !== 'valid' || !SINGLE_BYTE.test(encoding);
}

const SINGLE_BYTE = /^(?:windows-125\d|iso-8859-\d+|koi8-[ru]|macintosh|x-mac-cyrillic|ibm866|windows-874)$/;

function bomEncoding(body: Buffer): string | null {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  return null;
}

const CHARSET_PARAM = /charset\s*=\s*["']?\s*([^"'\s;,>]+)/i;

export function headerCharset(contentType: string): string | null {
  return CHARSET_PARAM.exec(contentType)?.[1] ?? null;
}

/** `<meta charset=…>` or `<meta http-equiv="Content-Type" content="…; charset=…">`, outside comments. */
export function metaCharset(head: string): string | null {
  const text = head.replace(/<!--[\s\S]*?(?:-->|$)/g, '');
  for (const m of text.matchAll(/<meta\b[^>]*>/gi)) {
    const tag = m[0];
    const direct = /\bcharset\s*=\s*["']?\s*([^"'\s;/>]+)/i.exec(tag);
    if (direct !== null && !/\bcontent\s*=/i.test(tag.slice(0, direct.index))) return direct[1]!;
    if (/http-equiv\s*=\s*["']?content-type/i.test(tag)) {
      const content = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
      const charset = content === null ? null : headerCharset(content[1] ?? content[2] ?? content[3] ?? '');
      if (charset !== null) return charset;
    }
    if (direct !== null) return direct[1]!; // content="text/html; charset=…" without http-equiv
  }
  return null;
}

export function prologEncoding(head: string): string | null {
  return /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1] ?? null;
}

/**
 * In windows-1256 the Arabic letters sit at 0xC1–0xFE (with a few French letters between them) and the
 * Persian ones at 0x81–0x9F. Decoded that way, a legacy Arabic page is mostly Arabic letters among its
 * non-ASCII characters; a windows-1252 page decoded the same way is mostly not.
 */
function looksLikeWindows1256(body: Buffer): boolean {
  const text = new TextDecoder('windows-1256').decode(body.subarray(0, 64 * 1024));
  let arabic = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c >= 0x0600 && c <= 0x06ff) arabic++;
    else other++;
  }
  return arabic > 0 && arabic >= 3 * other;
}
