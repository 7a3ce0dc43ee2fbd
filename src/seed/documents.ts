import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { configDir } from '../config/dir.js';
import { SettingsSchema } from '../config/settings.js';
import { parseYamlConfig, readYamlConfig, ConfigError } from '../config/yaml-file.js';
import { InvalidUrlError, canonicalUrl } from '../dedup/canonical-url.js';
import { documentId } from '../ids.js';
import type { SourceDocument } from '../model.js';

export const SEED_EXTENSIONS = ['.txt', '.html', '.htm', '.json'] as const;

const language = z.enum(['ar', 'en', 'und']);
const httpUrl = z.string().refine((u) => {
  try {
    canonicalUrl(u);
    return true;
  } catch (err) {
    if (err instanceof InvalidUrlError) return false;
    throw err;
  }
}, 'expected an http(s) URL');

const ManifestSchema = z
  .object({
    documents: z.array(
      z
        .object({
          file: z.string().min(1),
          source: z.string().min(1).nullable().default(null),
          author: z.string().min(1).nullable().default(null),
          url: httpUrl.nullable().default(null),
          language: language.nullable().default(null),
          published: z.string().nullable().default(null),
          title: z.string().nullable().default(null),
        })
        .strict(),
    ),
  })
  .strict();

const JsonDocumentSchema = z
  .object({
    title: z.string().optional(),
    text: z.string().optional(),
    html: z.string().optional(),
    url: httpUrl.optional(),
    source: z.string().optional(),
    author: z.string().optional(),
    published: z.string().optional(),
    language: language.optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.text === undefined && d.html === undefined) {
      ctx.addIssue({ code: 'custom', message: 'has neither "text" nor "html": add the article as "text" (plain text) or the page as "html"' });
    } else if (d.text !== undefined && d.html !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'has both "text" and "html": keep one of them' });
    }
  });

export const MANIFEST_FILE = 'manifest.yaml';
/** fetch.maxBodyBytes's default; the CLI passes the configured value. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** fetch.maxBodyBytes from settings.yaml alone, for commands that read no other setting (`marsad analyze`). */
export function documentSizeCap(env: NodeJS.ProcessEnv = process.env): number {
  const file = path.join(configDir(env), 'settings.yaml');
  return existsSync(file) ? readYamlConfig(file, SettingsSchema).fetch.maxBodyBytes : DEFAULT_MAX_DOCUMENT_BYTES;
}

/** Why `dir` cannot be seeded from (one line), or null: checked by the CLI before it opens Redis. */
export function seedFolderProblem(dir: string): string | null {
  return existsSync(dir) && statSync(dir).isDirectory() ? null : `${dir}: not a folder. Give a folder of .txt, .html or .json documents with --dir.`;
}

/**
 * Reads every seed document of a folder (sorted by name) with what its manifest says about it.
 * Files that cannot be read or parsed are returned as problems, never dropped silently. `maxBytes` is
 * fetch.maxBodyBytes: a file is held to the cap a downloaded page is.
 */
export function readSeedFolder(dir: string, receivedAt: string, maxBytes = DEFAULT_MAX_DOCUMENT_BYTES): { documents: SourceDocument[]; problems: string[] } {
  const problem = seedFolderProblem(dir);
  if (problem !== null) throw new Error(problem);
  const manifestPath = path.join(dir, MANIFEST_FILE);
  const manifest = existsSync(manifestPath)
    ? parseYamlConfig(manifestPath, readFileSync(manifestPath, 'utf8'), ManifestSchema).documents
    : [];
  const byFile = new Map(manifest.map((m) => [m.file, m]));
  const files = readdirSync(dir)
    .filter((f) => (SEED_EXTENSIONS as readonly string[]).includes(path.extname(f).toLowerCase()))
    .sort();
  const problems = manifest.filter((m) => !files.includes(m.file)).map((m) => `${manifestPath}: lists ${m.file}, which is not in the folder`);
  const documents: SourceDocument[] = [];
  for (const file of files) {
    const full = path.join(dir, file);
    try {
      documents.push(readSeedFile(full, byFile.get(file) ?? null, receivedAt, maxBytes));
    } catch (err) {
      problems.push(err instanceof ConfigError ? err.message : `${full}: ${(err as Error).message}`);
    }
  }
  return { documents, problems };
}

type ManifestEntry = z.output<typeof ManifestSchema>['documents'][number];

/**
 * One document file (what the manifest says about it, if anything) as a SourceDocument. A file larger
 * than `maxBytes` (fetch.maxBodyBytes) is refused before it is read; the caller names the file.
 */
export function readSeedFile(full: string, entry: ManifestEntry | null, receivedAt: string, maxBytes = DEFAULT_MAX_DOCUMENT_BYTES): SourceDocument {
  const file = path.basename(full);
  const size = statSync(full).size;
  if (size > maxBytes) {
    throw new Error(`${size} bytes, over the ${maxBytes}-byte cap for a document (fetch.maxBodyBytes in config/settings.yaml): split the file or raise the cap`);
  }
  const raw = readFileSync(full);
  const content = decodeUtf8(raw);
  const ext = path.extname(file).toLowerCase();
  let body = content;
  let format: SourceDocument['format'] = ext === '.txt' ? 'text' : 'html';
  let given: z.output<typeof JsonDocumentSchema> = {};
  if (ext === '.json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch (err) {
      throw new Error(`not valid JSON (${(err as Error).message}); expected {title?, text|html, url?, source?, published?}`);
    }
    const result = JsonDocumentSchema.safeParse(parsed);
    if (!result.success) {
      const issues = result.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
      throw new Error(`${issues.join('; ')} (a .json document is {"title"?, "text" | "html", "url"?, "source"?, "author"?, "published"?, "language"?})`);
    }
    given = result.data;
    format = given.html !== undefined ? 'html' : 'text';
    body = given.html ?? given.text ?? '';
  }
  const url = entry?.url ?? given.url ?? null;
  return {
    id: documentId({ url, body }),
    origin: { kind: 'seed', file },
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
