import { createHash } from 'node:crypto';
import { assess, timelineEntries, type ActorNames, type Assessment, type TimelineEntry } from '../milestones/assess.js';
import type { Article, MilestoneRef } from '../model.js';
import type { Milestones, Stance } from '../tagging/schema.js';
import { articleStance } from '../tagging/stance.js';
import type { Alert, AssessmentBrief } from './model.js';

export type NoAlertReason = 'reprint' | 'no-milestone' | 'too-old' | 'history' | 'background';

export interface AlertContext {
  now: Date;
  windowDays: number;
  /** Each milestone's timeline entries as stored (this article's own entry may or may not be among them). */
  timelines: ReadonlyMap<string, readonly TimelineEntry[]>;
  names: ActorNames;
  /** The article's story (null before the story stage: the article is its own story). */
  storyId: string | null;
}

/**
 * The alerts an article raises: one per tracked milestone on which it is news, keyed by (milestone,
 * story, stance), so that however often a story is seen it alerts once per milestone and stance. A
 * reprint raises none: it is listed under its original's "also reported by". A milestone only mentioned
 * as history (an earlier event) or in a background restatement of the agreement raises none. Only new
 * reporting published (or, undated, first seen) within `windowDays` alerts: an old article found late
 * is not news. Each alert carries the milestone's assessment before and after the report.
 */
export function alertsFor(article: Article, milestones: Milestones['milestones'], ctx: AlertContext): { alerts: Alert[]; reason: NoAlertReason | null } {
  const { news, reason } = newsOf(article, ctx);
  if (news.length === 0) return { alerts: [], reason };
  const own = timelineEntries(article);
  const alerts = news.flatMap((mention) => {
    const milestone = milestones.find((m) => m.id === mention.id);
    if (!milestone) return [];
    const others = (ctx.timelines.get(mention.id) ?? []).filter((e) => e.articleId !== article.id);
    const before = assess(others, ctx.names);
    const after = assess([...others, own.get(mention.id)!], ctx.names);
    const decisive = articleStance(mention.mentions).decisive;
    const alert: Alert = {
      id: alertId(mention.id, ctx.storyId ?? article.id, mention.stance),
      storyId: ctx.storyId,
      milestone: { id: milestone.id, title: milestone.title, due: milestone.due, bases: [...milestone.bases] },
      article: {
        id: article.id,
        title: article.title,
        source: article.source,
        url: article.url,
        published: article.published,
        language: article.language,
      },
      evidence: decisive ? [decisive.evidence] : mention.evidence,
      stance: mention.stance,
      attribution: decisive?.attribution ? { ...decisive.attribution, ...(ctx.names.has(decisive.attribution.who) ? { name: ctx.names.get(decisive.attribution.who)! } : {}) } : null,
      hedged: decisive?.hedged ?? false,
      eventDate: decisive?.eventDate ?? null,
      assessment: { before: brief(before), after: brief(after) },
      statusChange: before.status !== after.status || after.contradictions.length > before.contradictions.length,
      tags: { bases: article.bases, topics: article.topics },
      firstSeen: article.firstSeen,
      createdAt: ctx.now.toISOString(),
      baseline: article.baseline,
    };
    return [alert];
  });
  return { alerts, reason: null };
}

/**
 * The milestones on which an article is news, or why it is news on none: the checks that need no
 * timeline, so that an article raising no alert (most restate the agreement) reads none.
 */
export function newsOf(article: Article, opts: { now: Date; windowDays: number }): { news: MilestoneRef[]; reason: NoAlertReason | null } {
  if (article.duplicateOf !== null) return { news: [], reason: 'reprint' };
  if (article.milestones.length === 0) return { news: [], reason: 'no-milestone' };
  const when = Date.parse(article.published ?? article.firstSeen);
  const windowStart = opts.now.getTime() - opts.windowDays * 24 * 3600 * 1000;
  // Baseline (seeds, backfill) is old by nature: recorded whatever its age, and never delivered unasked.
  if (!article.baseline && !Number.isNaN(when) && when < windowStart) return { news: [], reason: 'too-old' };
  const own = timelineEntries(article);
  const news = article.milestones.filter((m) => !m.history && !own.get(m.id)?.background);
  if (news.length === 0) return { news, reason: article.milestones.every((m) => m.history) ? 'history' : 'background' };
  return { news, reason: null };
}

function brief(a: Assessment): AssessmentBrief {
  return { status: a.status, since: a.since, contradictions: a.contradictions.length, summary: a.summary };
}

/** From (milestone, story, stance): a story alerts again for a milestone only when what it says changes. */
export function alertId(milestoneId: string, storyId: string, stance: Stance): string {
  return `al-${createHash('sha256').update(`${milestoneId}\n${storyId}\n${stance}`).digest('hex').slice(0, 16)}`;
}

export function deliveryId(messageId: string, subscriberId: string): string {
  return `dl-${createHash('sha256').update(`${messageId}\n${subscriberId}`).digest('hex').slice(0, 16)}`;
}
