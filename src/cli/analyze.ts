import path from 'node:path';
import { compileCores, tagArticle } from '../cores.js';
import { loadCoreConfig, loadMaxBodyBytes } from '../config/core-cache.js';
import { cleanTextDocument, type CleanDocument } from '../extract/clean-document.js';
import type { Evidence } from '../tagging/gazetteer.js';
import type { Mention } from '../tagging/milestones.js';
import { isJsonSeedFile, readPlainSeedFile } from '../seed/file.js';
import type { PlainContext } from './context.js';
import { UsageError } from './context.js';

/**
 * The pure path on files: clean, tag, milestones. No Redis, nothing stored. What only some files need
 * (the HTML parser for a page, the schemas for a .json document) is loaded when such a file comes.
 */
export async function analyzeCommand(files: string[], opts: { json?: boolean }, ctx: PlainContext): Promise<number> {
  if (files.length === 0) throw new UsageError('give at least one file');
  const cores = compileCores(await loadCoreConfig());
  const maxBytes = await loadMaxBodyBytes();
  let failures = 0;
  for (const file of files) {
    let doc;
    try {
      const full = path.resolve(file);
      const receivedAt = new Date().toISOString();
      doc = isJsonSeedFile(full)
        ? (await import('../seed/documents.js')).readSeedFile(full, null, receivedAt, maxBytes)
        : readPlainSeedFile(full, null, receivedAt, maxBytes);
    } catch (err) {
      failures++;
      const message = (err as Error).message;
      if (opts.json) ctx.out.write(JSON.stringify({ file, error: message }) + '\n');
      else ctx.err.write(`${file}: ${message}\n`);
      continue;
    }
    const clean = doc.format === 'html' ? (await import('../extract/document.js')).cleanDocument(doc) : cleanTextDocument(doc);
    const tags = tagArticle(cores, clean);
    const result = { file, ...clean, ...tags };
    if (opts.json) ctx.out.write(JSON.stringify(result) + '\n');
    else ctx.out.write(formatAnalysis(result));
  }
  return failures > 0 ? 1 : 0;
}

function formatAnalysis(r: CleanDocument & ReturnType<typeof tagArticle> & { file: string }): string {
  const quote = (e: Evidence) => {
    let s = e.text;
    for (const m of [...e.matches].sort((a, b) => b.start - a.start)) {
      const from = m.start - e.start;
      const to = m.end - e.start;
      if (from >= 0 && to <= s.length) s = `${s.slice(0, from)}[${s.slice(from, to)}]${s.slice(to)}`;
    }
    return `      «${s.replace(/\s+/g, ' ')}»`;
  };
  const lines = [
    `${r.file}`,
    `  title:     ${r.title ?? '(no headline in the text)'}`,
    `  byline:    ${r.byline ?? '-'}`,
    `  published: ${r.published ?? 'unknown'}`,
    `  language:  ${r.language}; ${r.text.length} characters of clean text`,
    `  topics:    ${r.tags.topics.map((t) => `${t.id} (${t.count})`).join(', ') || '-'}`,
    `  bases:     ${r.tags.bases.map((t) => `${t.id} (${t.count})`).join(', ') || '-'}`,
  ];
  for (const b of r.tags.bases) lines.push(`    ${b.id}:`, ...b.evidence.slice(0, 2).map(quote));
  lines.push(`  milestones: ${r.milestones.map((m) => `${m.id} (${m.stance}${m.history ? ', history' : ''})`).join(', ') || '-'}`);
  for (const m of r.milestones) {
    lines.push(`    ${m.id}: ${m.stance}${m.history ? ' (history: every mention is about an earlier event)' : ''}`);
    for (const x of m.mentions) lines.push(mentionLine(x), quote(x.evidence));
  }
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n\n';
}

/** One mention: its stance, who says it, its flags and dates, and the cues that decided it. */
function mentionLine(m: Mention): string {
  const quote = m.attribution?.quote && (m.attribution.quote.length > 80 ? `${m.attribution.quote.slice(0, 79)}…` : m.attribution.quote);
  const who = m.attribution ? `by ${m.attribution.who}${quote ? ` ("${quote}")` : ''}` : 'unattributed';
  const flags = [m.hedged && 'hedged', m.history && 'history', m.background && 'background'].filter(Boolean);
  const dates = [m.eventDate && `event ${m.eventDate}`, m.targetDate && `target ${m.targetDate}`].filter(Boolean);
  const cues = m.cues.map((c) => `${c.role}=${c.text}`);
  return `      - ${m.stance.padEnd(9)} ${who}${flags.length > 0 ? `  [${flags.join(', ')}]` : ''}${dates.length > 0 ? `  ${dates.join(', ')}` : ''}${cues.length > 0 ? `  cues: ${cues.join('; ')}` : ''}`;
}
