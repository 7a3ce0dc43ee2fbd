// Seed folders and .json documents: the manifest and the JSON document are checked with their schemas here,
// so that reading a .txt or .html file alone (file.ts) loads neither zod nor the YAML parser.

import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseYamlConfig, ConfigError } from '../config/yaml-file.js';
import { InvalidUrlError, canonicalUrl } from '../dedup/canonical-url.js';
import type { SourceDocument } from '../model.js';
import { DEFAULT_MAX_DOCUMENT_BYTES, SEED_EXTENSIONS, isJsonSeedFile, readPlainSeedFile, readSeedText, seedDocument } from './file.js';

export { binaryKind } from './file.js';

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
  if (!isJsonSeedFile(full)) return readPlainSeedFile(full, entry, receivedAt, maxBytes);
  const content = readSeedText(full, maxBytes);
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
  const given = result.data;
  return seedDocument(full, given.html !== undefined ? 'html' : 'text', given.html ?? given.text ?? '', given, entry, receivedAt);
}
