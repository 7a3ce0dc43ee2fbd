// Which alerts a subscriber wants (pure).
import type { Alert, SubscriberFilters } from '../alerts/model.js';

/** What filters look at, from one alert. */
export interface AlertFacts {
  milestone: string;
  bases: readonly string[];
  topics: readonly string[];
  language: string;
  /** The outlet the article credits (its `source`), null when unknown. */
  outlet: string | null;
}

export function alertFacts(alert: Alert): AlertFacts {
  return {
    milestone: alert.milestone.id,
    bases: alert.tags.bases,
    topics: alert.tags.topics,
    language: alert.article.language,
    outlet: alert.article.source,
  };
}

/**
 * Every non-empty filter list must accept the alert (an empty list accepts anything): milestones and
 * languages contain the alert's value, bases and topics share at least one id with it, outlets name its outlet.
 */
export function matchesFilters(filters: SubscriberFilters, facts: AlertFacts): boolean {
  const any = (list: readonly string[], ok: (v: string) => boolean) => list.length === 0 || list.some(ok);
  const outlet = facts.outlet === null ? null : outletSlug(facts.outlet);
  return (
    any(filters.milestones, (m) => m === facts.milestone) &&
    any(filters.bases, (b) => facts.bases.includes(b)) &&
    any(filters.topics, (t) => facts.topics.includes(t)) &&
    any(filters.languages, (l) => l === facts.language) &&
    any(filters.outlets, (o) => outlet !== null && outletSlug(o) === outlet)
  );
}

/**
 * Outlets are compared by slug on both sides, so a filter may give the name as articles credit it ("Erem
 * News"), in another case ("erem news") or as a slug ("erem-news"): NFKC, lower case, every run of
 * characters other than letters and digits (any script, so Arabic names work) one hyphen.
 */
export function outletSlug(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}
