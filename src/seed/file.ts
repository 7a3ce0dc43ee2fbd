// One seed file as a SourceDocument, without the schema libraries: a .txt or .html file needs no more, so
// `marsad analyze` on one starts fast. A .json document and the folder's manifest are checked by documents.ts.

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { documentId } from '../ids.js';
import type { Language, SourceDocument } from '../model.js';

export const SEED_EXTENSIONS = ['.txt', '.html', '.htm', '.json'] as const;

/** fetch.maxBodyBytes's default; the CLI passes the configured value. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** What a manifest entry or a JSON document says about a document, beside its body. */
export interface SeedMetadata {
  url?: string | null;
  source?: string | null;
  author?: string | null;
  title?: string | null;
  published?: string | null;
  language?: Language | null;
}

/** A .json seed file is a document with its metadata, read by documents.ts's readSeedFile; any other is its body. */
export function isJsonSeedFile(full: string): boolean {
  return path.extname(full).toLowerCase() === '.json';
}

/** A seed file that is not .json (text for .txt, a page otherwise) as a SourceDocument, with what the manifest says of it. */
export function readPlainSeedFile(full: string, entry: SeedMetadata | null, receivedAt: string, maxBytes = DEFAULT_MAX_DOCUMENT_BYTES): SourceDocument {
  const format = path.extname(full).toLowerCase() === '.txt' ? 'text' : 'html';
  return seedDocument(full, format, readSeedText(full, maxBytes), {}, entry, receivedAt);
}

/**
 * The text of a seed file. A file larger than `maxBytes` (fetch.maxBodyBytes) is refused before it is
 * read; the caller names the file.
 */
export function readSeedText(full: string, maxBytes: number): string {
  const size = statSync(full).size;
  if (size > maxBytes) {
    throw new Error(`${size} bytes, over the ${maxBytes}-byte cap for a document (fetch.maxBodyBytes in config/settings.yaml): split the file or raise the cap`);
  }
  return decodeUtf8(readFileSync(full));
}

/** The document of a seed file: what the manifest says wins over what the file itself gives. */
export function seedDocument(
  full: string,
  format: SourceDocument['format'],
  body: string,
  given: SeedMetadata,
  entry: SeedMetadata | null,
  receivedAt: string,
): SourceDocument {
  const url = entry?.url ?? given.url ?? null;
  return {
    id: documentId({ url, body }),
    origin: { kind: 'seed', file: path.basename(full) },
    format,
    body,
    url,
    source: entry?.source ?? given.source ?? null,
    author: entry?.author ?? given.author ?? null,
    title: entry?.title ?? given.title ?? null,
    published: entry?.published ?? given.published ?? null,
    language: entry?.language ?? given.language ?? null,
    baseline: true,
    receivedAt,
  };
}

/** File signatures of what people drop into a folder by mistake (the first bytes). */
const MAGIC: [string, number[]][] = [
  ['an executable (ELF)', [0x7f, 0x45, 0x4c, 0x46]],
  ['a PDF document', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['a ZIP archive (or a .docx/.xlsx/.odt document)', [0x50, 0x4b, 0x03, 0x04]],
  ['a gzip archive', [0x1f, 0x8b]],
  ['a Windows executable', [0x4d, 0x5a]],
  ['a Mach-O executable', [0xcf, 0xfa, 0xed, 0xfe]],
  ['UTF-16 text', [0xff, 0xfe]],
  ['UTF-16 text', [0xfe, 0xff]],
];

/** What kind of binary file `raw` is, or null when it may be text: a known signature, or a NUL byte in its first 8 KiB. */
export function binaryKind(raw: Buffer): string | null {
  for (const [kind, magic] of MAGIC) if (raw.length >= magic.length && magic.every((b, i) => raw[i] === b)) return kind;
  return raw.subarray(0, 8192).includes(0) ? 'binary data (it has NUL bytes)' : null;
}

/** The caller names the file: readSeedFolder and analyze prefix every problem with it. */
function decodeUtf8(raw: Buffer): string {
  const binary = binaryKind(raw);
  if (binary === 'UTF-16 text') throw new Error('UTF-16 text, not UTF-8. Convert it first, e.g. iconv -f utf-16 -t utf-8 FILE > FILE.utf8, then replace the file.');
  if (binary) throw new Error(`not a text file: ${binary}. marsad reads UTF-8 text, HTML and .eml files; remove it from the folder.`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(raw);
  } catch {
    throw new Error('not valid UTF-8 (Arabic text saved as windows-1256?). Convert it first, e.g. iconv -f windows-1256 -t utf-8 FILE > FILE.utf8, then replace the file.');
  }
}
