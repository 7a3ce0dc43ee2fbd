import { openApp } from '../app.js';
import { loadConfig, type Config } from '../config/load.js';
import type { Evidence } from '../tagging/gazetteer.js';
import { collectMilestoneStatuses, unknownMilestones, type MilestoneJson } from '../ops/milestones.js';
import type { CommandContext } from './context.js';
import { UsageError } from './context.js';

export async function milestonesCommand(ids: string[], opts: { json?: boolean }, ctx: CommandContext): Promise<number> {
  // Arguments are checked against the configuration before Redis is needed.
  const config = loadConfig();
  const unknown = unknownMilestones(config, ids);
  if (unknown) throw new UsageError(unknown);
  const app = await openApp({ log: ctx.log, config });
  try {
    const milestones = await collectMilestoneStatuses(app, [...new Set(ids)]);
    if (opts.json) ctx.out.write(JSON.stringify(milestones, null, 2) + '\n');
    else ctx.out.write(milestones.map((m) => formatMilestone(m, config)).join('\n'));
    return 0;
  } finally {
    await app.close();
  }
}

/** An actor id of config/stance.yaml by its English display name, else the id. */
export function actorName(config: Pick<Config, 'stance'>, id: string, lang: 'en' | 'ar' = 'en'): string {
  return config.stance.actors.find((a) => a.id === id)?.name[lang] ?? id;
}

/** A short quote of the evidence: around its first match, on one line, at most `max` characters. */
export function shortQuote(evidence: Evidence | null, max = 110): string {
  if (!evidence) return '';
  const text = evidence.text.replace(/\s+/g, ' ').trim();
  if (text.length <= max) return text;
  const first = evidence.matches[0] ? Math.max(0, evidence.matches[0].start - evidence.start - 30) : 0;
  const from = Math.min(first, text.length - max);
  return `${from > 0 ? '…' : ''}${text.slice(from, from + max).trim()}…`;
}

function formatMilestone(m: MilestoneJson, config: Pick<Config, 'stance'>): string {
  const lines = [
    `${m.id}  ${m.title.en}  ·  ${m.title.ar}`,
    `  due ${m.due}${m.pastDue ? ' (past due)' : ''}, window from ${m.from}`,
    `  status: ${m.status}${m.since ? ` since ${m.since}` : ''}${m.firstBy ? `, first by ${actorName(config, m.firstBy)}` : ''}`,
    `  summary: ${m.summary.en}`,
    `           ${m.summary.ar}`,
  ];
  if (m.sources.length > 0) {
    const sources = m.sources.map((s) => `${s.outlet} (${s.reports}${s.attributions.length > 0 ? `; ${s.attributions.map((a) => actorName(config, a)).join(', ')}` : ''})`);
    lines.push(`  sources: ${sources.join(', ')}`);
  } else lines.push('  sources: -');
  if (m.contradictions.length === 0) lines.push('  contradictions: none');
  for (const c of m.contradictions) {
    const by = c.attributions.length > 0 ? c.attributions.map((a) => actorName(config, a)).join(', ') : c.outlets.join(', ');
    lines.push(`  ! contradiction: ${c.reports} ${c.stance} against ${c.against}, by ${by} (${c.first === c.last ? c.first : `${c.first} to ${c.last}`})`);
  }
  const { history, background } = m.counts;
  lines.push(`  timeline: ${m.timeline.length} report${m.timeline.length === 1 ? '' : 's'}${background > 0 ? `, ${background} background` : ''}${history > 0 ? ` (${history} about earlier events, not shown)` : ''}`);
  for (const e of m.timeline) {
    const flags = [e.undated ? 'undated' : '', e.hedged ? 'hedged' : '', e.background ? 'background' : '', e.duplicateOf ? 'reprint' : '', e.targetDate ? `target ${e.targetDate}` : ''].filter(Boolean);
    lines.push(
      `    ${e.published}  event ${(e.eventDate ?? '-').padEnd(10)}  ${(e.outlet ?? 'outlet unknown').padEnd(16)}  ${e.stance.padEnd(9)}  ${e.attribution ? actorName(config, e.attribution.who) : 'unattributed'}${flags.length > 0 ? `  [${flags.join(', ')}]` : ''}  ${e.articleId}`,
      `      «${shortQuote(e.evidence)}»`,
    );
  }
  return lines.join('\n') + '\n';
}
