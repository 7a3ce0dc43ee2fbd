import type { App } from '../app.js';
import type { Config } from '../config/load.js';
import type { MilestoneStatus, TimelineEntry } from '../milestones/assess.js';
import { readMilestoneStatuses } from '../milestones/read.js';
import type { Evidence } from '../tagging/gazetteer.js';

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
