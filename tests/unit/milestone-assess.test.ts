import { describe, expect, it } from 'vitest';
import { alertsFor } from '../../src/alerts/decide.js';
import { assess, timelineEntries, type TimelineEntry } from '../../src/milestones/assess.js';
import type { Article } from '../../src/model.js';
import type { Milestone, Stance } from '../../src/tagging/schema.js';
import type { Mention } from '../../src/tagging/milestones.js';
import { timelineEntry } from '../support/timeline.js';

const NAMES = new Map([
  ['joint-operations-command', { ar: 'قيادة العمليات المشتركة', en: 'the Joint Operations Command' }],
  ['us-government', { ar: 'مسؤولون أمريكيون', en: 'US officials' }],
]);

const entry = timelineEntry;

describe('assessment of a milestone from its timeline', () => {
  it('is unreported without reports, and history never counts', () => {
    expect(assess([], NAMES).status).toBe('unreported');
    const a = assess([entry('completed', '2011-12-18', { history: true })], NAMES);
    expect(a.status).toBe('unreported');
    expect(a.counts.history).toBe(1);
  });

  it('says scheduled while the reporting only restates the plan', () => {
    const a = assess([entry('scheduled', '2024-09-28'), entry('scheduled', '2025-03-01', { background: true })], NAMES);
    expect(a.status).toBe('scheduled');
    expect(a.since).toBe('2024-09-28');
    expect(a.counts).toMatchObject({ scheduled: 1, background: 1 });
  });

  it('reads completed from one unhedged report, dated by its event, first by whom said it', () => {
    const a = assess(
      [
        entry('scheduled', '2024-09-28'),
        entry('started', '2025-08-21'),
        entry('completed', '2025-09-16', { eventDate: '2025-09-15', attribution: { who: 'joint-operations-command' } }),
        entry('completed', '2025-09-17'),
      ],
      NAMES,
    );
    expect(a.status).toBe('completed');
    expect(a.since).toBe('2025-09-15');
    expect(a.firstBy).toBe('joint-operations-command');
    expect(a.sources).toHaveLength(2);
    expect(a.summary.en).toBe('completed: reported by 2 outlets since 15 Sept 2025, first by the Joint Operations Command');
    expect(a.contradictions).toEqual([]);
  });

  it('needs two hedged outlets, or one unhedged, before a progress stance counts', () => {
    expect(assess([entry('scheduled', '2025-01-01'), entry('completed', '2025-09-16', { hedged: true })], NAMES).status).toBe('scheduled');
    expect(assess([entry('completed', '2025-09-16', { hedged: true }), entry('completed', '2025-09-17', { hedged: true })], NAMES).status).toBe('completed');
  });

  it('flags a credible denial within the window as a contradiction, and keeps the status while fewer outlets deny', () => {
    const a = assess(
      [
        entry('completed', '2025-09-16', { attribution: { who: 'joint-operations-command' } }),
        entry('completed', '2025-09-16'),
        entry('denied', '2025-09-18', { attribution: { who: 'us-government' } }),
        entry('denied', '2025-09-19', { hedged: true }),
      ],
      NAMES,
    );
    expect(a.status).toBe('completed');
    expect(a.contradictions).toHaveLength(1);
    expect(a.contradictions[0]).toMatchObject({ stance: 'denied', against: 'completed', reports: 1, attributions: ['us-government'] });
    expect(a.summary.en).toMatch(/; 1 denial by US officials$/);
  });

  it('moves to the dissent when more outlets, more recently, say otherwise', () => {
    const a = assess(
      [entry('started', '2025-08-21'), entry('delayed', '2025-08-25'), entry('delayed', '2025-08-26'), entry('delayed', '2025-08-27')],
      NAMES,
    );
    expect(a.status).toBe('delayed');
    expect(a.contradictions[0]).toMatchObject({ stance: 'delayed', against: 'started', reports: 3 });
  });

  it('reads a postponement of a plan as delayed', () => {
    expect(assess([entry('scheduled', '2025-01-01'), entry('delayed', '2026-08-01')], NAMES).status).toBe('delayed');
  });

  it('shows an undated report but does not count it: its date is only when marsad saw it', () => {
    const a = assess([entry('scheduled', '2024-10-01'), entry('completed', '2026-12-05', { undated: true })], NAMES);
    expect(a.status).toBe('scheduled');
    expect(a.counts).toMatchObject({ scheduled: 1, completed: 0, undated: 1 });
  });

  it('does not depend on the order of the entries', () => {
    const entries = [entry('completed', '2025-09-16'), entry('denied', '2025-09-18'), entry('scheduled', '2024-10-01'), entry('started', '2025-08-20')];
    expect(assess([...entries].reverse(), NAMES)).toEqual(assess(entries, NAMES));
  });
});

const MILESTONE: Milestone = {
  id: 'ain-al-asad-exit',
  title: { ar: 'إخلاء قاعدة عين الأسد', en: 'US and coalition forces vacate Ain al-Asad Air Base' },
  due: '2025-09-15',
  from: '2024-09-01',
  bases: ['ain-al-asad'],
  scope: [],
  unless: [],
};

function mention(stance: Stance, flags: Partial<Mention> = {}): Mention {
  const evidence = { text: 'sentence', start: 0, end: 8, matches: [] };
  return { stance, attribution: null, hedged: false, history: false, background: false, eventDate: null, targetDate: null, cues: [], evidence, ...flags };
}

function article(id: string, stance: Stance, mentions: Mention[], extra: Partial<Article> = {}): Article {
  return {
    id,
    origin: { kind: 'feed', feedId: 'f', url: `https://example.org/${id}` },
    url: `https://example.org/${id}`,
    canonicalUrl: null,
    source: 'Example',
    author: null,
    byline: null,
    title: 'T',
    published: '2025-09-16',
    language: 'en',
    text: 'sentence',
    bases: ['ain-al-asad'],
    topics: [],
    milestones: [{ id: MILESTONE.id, stance, history: mentions.every((m) => m.history), evidence: [mentions[0]!.evidence], mentions }],
    tags: { bases: [], topics: [] },
    duplicateOf: null,
    duplicateMatch: null,
    similarity: null,
    alsoReportedBy: [],
    contentHash: 'h',
    seq: 1,
    firstSeen: '2025-09-16T10:00:00Z',
    stage: 'tagged',
    baseline: false,
    warnings: [],
    ...extra,
  };
}

describe('alerts with assessments', () => {
  const ctx = (timeline: TimelineEntry[]) => ({ now: new Date('2025-09-17T00:00:00Z'), windowDays: 30, timelines: new Map([[MILESTONE.id, timeline]]), names: NAMES, storyId: null });

  it('carries the stance, who says it, and the assessment before and after', () => {
    const a = article('1111111111111111', 'completed', [mention('completed', { attribution: { who: 'joint-operations-command' } })]);
    const before = [entry('scheduled', '2024-10-01'), entry('started', '2025-08-21')];
    const [alert] = alertsFor(a, [MILESTONE], ctx([...before, timelineEntries(a).get(MILESTONE.id)!])).alerts;
    expect(alert).toMatchObject({
      stance: 'completed',
      attribution: { who: 'joint-operations-command', name: NAMES.get('joint-operations-command') },
      assessment: { before: { status: 'started' }, after: { status: 'completed' } },
      statusChange: true,
    });
  });

  it('is no status change when the report repeats the current status', () => {
    const a = article('2222222222222222', 'started', [mention('started')]);
    const [alert] = alertsFor(a, [MILESTONE], ctx([entry('started', '2025-08-21')])).alerts;
    expect(alert!.statusChange).toBe(false);
  });

  it('raises nothing for history or for a background restatement', () => {
    const old = article('3333333333333333', 'completed', [mention('completed', { history: true })]);
    expect(alertsFor(old, [MILESTONE], ctx([])).reason).toBe('history');
    const background = article('4444444444444444', 'scheduled', [mention('scheduled', { background: true })]);
    expect(alertsFor(background, [MILESTONE], ctx([])).reason).toBe('background');
  });

  it('gives the same alert id for the same story and stance, another when the stance changes', () => {
    const a = article('5555555555555555', 'started', [mention('started')]);
    const first = alertsFor(a, [MILESTONE], ctx([])).alerts[0]!.id;
    expect(alertsFor(a, [MILESTONE], ctx([entry('completed', '2025-09-16')])).alerts[0]!.id).toBe(first);
    const denied = article('5555555555555555', 'denied', [mention('denied')]);
    expect(alertsFor(denied, [MILESTONE], ctx([])).alerts[0]!.id).not.toBe(first);
  });
});
