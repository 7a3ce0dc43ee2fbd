import { createHash } from 'node:crypto';
import type { Article } from '../model.js';
import type { Milestones } from '../tagging/schema.js';
import type { Alert } from './model.js';

export type NoAlertReason = 'reprint' | 'no-milestone' | 'too-old';

/**
 * The alerts an article raises: one per tracked milestone it mentions, keyed by (milestone, story),
 * so that however often a story is seen it alerts once per milestone. A reprint raises none: it is
 * listed under its original's "also reported by". Only new reporting published (or, undated, first
 * seen) within `windowDays` alerts: an old article found late is not news.
 */
export function alertsFor(
  article: Article,
  milestones: Milestones['milestones'],
  opts: { now: Date; windowDays: number },
): { alerts: Alert[]; reason: NoAlertReason | null } {
  if (article.duplicateOf !== null) return { alerts: [], reason: 'reprint' };
  if (article.milestones.length === 0) return { alerts: [], reason: 'no-milestone' };
  const when = Date.parse(article.published ?? article.firstSeen);
  const windowStart = opts.now.getTime() - opts.windowDays * 24 * 3600 * 1000;
  // Baseline (seeds, backfill) is old by nature: recorded whatever its age, and never delivered unasked.
  if (!article.baseline && !Number.isNaN(when) && when < windowStart) return { alerts: [], reason: 'too-old' };
  const alerts = article.milestones.flatMap((mention) => {
    const milestone = milestones.find((m) => m.id === mention.id);
    if (!milestone) return [];
    const alert: Alert = {
      id: alertId(mention.id, article.id),
      milestone: { id: milestone.id, title: milestone.title, due: milestone.due, bases: [...milestone.bases] },
      article: {
        id: article.id,
        title: article.title,
        source: article.source,
        url: article.url,
        published: article.published,
        language: article.language,
      },
      evidence: mention.evidence,
      tags: { bases: article.bases, topics: article.topics },
      firstSeen: article.firstSeen,
      createdAt: opts.now.toISOString(),
      baseline: article.baseline,
    };
    return [alert];
  });
  return { alerts, reason: null };
}

export function alertId(milestoneId: string, storyId: string): string {
  return `al-${createHash('sha256').update(`${milestoneId}\n${storyId}`).digest('hex').slice(0, 16)}`;
}

export function deliveryId(messageId: string, subscriberId: string): string {
  return `dl-${createHash('sha256').update(`${messageId}\n${subscriberId}`).digest('hex').slice(0, 16)}`;
}
