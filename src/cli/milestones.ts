import { openApp, type App } from '../app.js';
import { loadConfig, type Config } from '../config/load.js';
import type { MilestoneStatus, TimelineEntry } from '../milestones/assess.js';
import { readMilestoneStatuses } from '../milestones/read.js';
import type { Evidence } from '../tagging/gazetteer.js';
import type { CommandContext } from './main.js';
import { UsageError } from './main.js';

/**
 * One timeline entry as `marsad milestones --json` and `/api/milestones` print it. The first fields
 * (articleId … evidence) are the contract; the others are added, never renamed.
 */
export interface TimelineJson {
  articleId: string;
  outlet: string | null;
  published: string;
  eventDate: string | null;
  stance: TimelineEntry['stance'];
  attribution: TimelineEntry['attribution'];
  hedged: boolean;
  evidence: Evidence | null;
  targetDate: string | null;
  background: boolean;
  undated: boolean;
  title: string | null;
  url: string | null;
  language: string;
  duplicateOf: string | null;
}

/** A milestone as `marsad milestones --json` and `/api/milestones` print it (contract first, then additions). */
export interface MilestoneJson {
  id: string;
  title: MilestoneStatus['title'];
  due: string;
  from: string;
  status: MilestoneStatus['status'];
  since: string | null;
  sources: MilestoneStatus['sources'];
  contradictions: MilestoneStatus['contradictions'];
  timeline: TimelineJson[];
  firstBy: string | null;
  counts: MilestoneStatus['counts'];
  summary: MilestoneStatus['summary'];
  /** The due date (end of its month when it is a month) is before today. */
  pastDue: boolean;
}

/** The last day a due date (`YYYY-MM-DD` or `YYYY-MM`) still covers, as `YYYY-MM-DD`. */
export function dueEnd(due: string): string {
  if (due.length !== 7) return due.slice(0, 10);
  const [y, m] = due.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

export function isPastDue(due: string, now = new Date()): boolean {
  return now.toISOString().slice(0, 10) > dueEnd(due);
}

export function timelineJson(e: TimelineEntry): TimelineJson {
  return {
    articleId: e.articleId,
    outlet: e.outlet,
    published: e.published,
    eventDate: e.eventDate,
    stance: e.stance,
    attribution: e.attribution,
    hedged: e.hedged,
    evidence: e.evidence,
    targetDate: e.targetDate,
    background: e.background,
    undated: e.undated ?? false,
    title: e.title,
    url: e.url,
    language: e.language,
    duplicateOf: e.duplicateOf,
  };
}

export function milestoneJson(m: MilestoneStatus, now = new Date()): MilestoneJson {
  return {
    id: m.id,
    title: m.title,
    due: m.due,
    from: m.from,
    status: m.status,
    since: m.since,
    sources: m.sources,
    contradictions: m.contradictions,
    timeline: m.timeline.map(timelineJson),
    firstBy: m.firstBy,
    counts: m.counts,
    summary: m.summary,
    pastDue: isPastDue(m.due, now),
  };
}

/** Unknown ids as a message naming the known ones, or null when every id is known. */
export function unknownMilestones(config: Pick<Config, 'milestones'>, ids: readonly string[]): string | null {
  const known = config.milestones.milestones.map((m) => m.id);
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length === 0) return null;
  return `unknown milestone${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; known: ${known.join(', ')}`;
}

/** The milestones' statuses (all, or those named, in config order) in their JSON form. */
export async function collectMilestoneStatuses(app: App, ids: readonly string[] = [], now = new Date()): Promise<MilestoneJson[]> {
  return (await readMilestoneStatuses(app.store, app.config, ids)).map((m) => milestoneJson(m, now));
}

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
