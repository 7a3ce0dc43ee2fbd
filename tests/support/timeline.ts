import type { TimelineEntry } from '../../src/milestones/assess.js';
import type { Stance } from '../../src/tagging/schema.js';

let made = 0;

/** A timeline entry for tests: a report of `stance` on `published`, from an outlet of its own unless `extra` says. */
export function timelineEntry(stance: Stance, published: string, extra: Partial<TimelineEntry> = {}): TimelineEntry {
  made++;
  return {
    articleId: `a${String(made).padStart(15, '0')}`,
    outlet: `Outlet ${made}`,
    published,
    eventDate: null,
    targetDate: null,
    stance,
    attribution: null,
    hedged: false,
    background: false,
    history: false,
    evidence: null,
    title: null,
    url: null,
    language: 'en',
    duplicateOf: null,
    ...extra,
  };
}
