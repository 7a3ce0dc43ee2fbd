import { openApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import type { Article } from '../model.js';
import type { CommandContext } from './context.js';
import { UsageError } from './context.js';

export async function articlesCommand(
  opts: { json?: boolean; base?: string; topic?: string; milestone?: string; limit?: string },
  ctx: CommandContext,
): Promise<number> {
  const limit = opts.limit === undefined ? 0 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--limit takes a whole number, got "${opts.limit}"`);
  // Arguments are checked against the configuration before Redis is needed.
  const config = loadConfig();
  checkId('base', opts.base, config.taxonomy.bases.map((b) => b.id));
  checkId('topic', opts.topic, config.taxonomy.topics.map((t) => t.id));
  checkId('milestone', opts.milestone, config.milestones.milestones.map((m) => m.id));
  const app = await openApp({ log: ctx.log, config });
  try {
    const ids = await app.store.listArticleIds({ base: opts.base, topic: opts.topic, milestone: opts.milestone }, limit);
    const articles: Article[] = [];
    for (const id of ids) {
      const a = await app.store.readArticle(id);
      if (a) articles.push(a);
    }
    if (opts.json) ctx.out.write(JSON.stringify(articles, null, 2) + '\n');
    else ctx.out.write(articles.map(formatArticle).join('') || 'no articles\n');
    return 0;
  } finally {
    await app.close();
  }
}

function checkId(kind: string, value: string | undefined, known: string[]): void {
  if (value !== undefined && !known.includes(value)) throw new UsageError(`unknown ${kind} "${value}"; known: ${known.join(', ')}`);
}

function formatArticle(a: Article): string {
  const where = a.origin.kind === 'seed' ? `seed ${a.origin.file}` : `feed ${a.origin.feedId}`;
  const lines = [
    `${a.id}  ${a.published ?? 'date unknown'}  ${a.source ?? 'outlet unknown'}  (${where}, ${a.language})`,
    `  ${a.title ?? '(no headline in the text)'}`,
    `  bases: ${a.bases.join(', ') || '-'}   topics: ${a.topics.join(', ') || '-'}`,
    `  milestones: ${a.milestones.map((m) => `${m.id} (${m.stance ?? 'stance unknown'}${m.history ? ', history' : ''})`).join(', ') || '-'}`,
  ];
  if (a.duplicateOf) lines.push(`  duplicate of ${a.duplicateOf} (${a.duplicateMatch}, similarity ${a.similarity})`);
  if (a.alsoReportedBy.length > 0) lines.push(`  also reported by: ${a.alsoReportedBy.map((d) => `${d.source ?? d.id}`).join(', ')}`);
  return lines.join('\n') + '\n\n';
}
