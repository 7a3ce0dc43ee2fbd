import { describe, expect, it } from 'vitest';
import { reportedSince } from '../../src/ops/overview.js';

const NOW = Date.parse('2026-12-05T12:00:00Z');
const WEEK_AGO = NOW - 7 * 24 * 3600_000;

describe('reportedSince: the week of a milestone counts reports by their date', () => {
  it.each([
    ['published this week', { published: '2026-12-03T08:00:00Z', firstSeen: '2026-12-03T08:05:00Z', duplicateOf: null }, 1],
    ['published in 2024, first seen today (seeded)', { published: '2024-05-01', firstSeen: '2026-12-05T11:00:00Z', duplicateOf: null }, 0],
    ['undated, first seen this week', { published: null, firstSeen: '2026-12-04T00:00:00Z', duplicateOf: null }, 1],
    ['undated, first seen before the week', { published: null, firstSeen: '2026-11-20T00:00:00Z', duplicateOf: null }, 0],
    ['published the day the week starts', { published: new Date(WEEK_AGO).toISOString(), firstSeen: '2026-12-01T00:00:00Z', duplicateOf: null }, 1],
  ])('%s', (_name, article, reports) => {
    expect(reportedSince([article], WEEK_AGO).reports).toBe(reports);
  });

  it('stories leave out the reprints', () => {
    const week = [
      { published: '2026-12-03', firstSeen: '2026-12-03T08:00:00Z', duplicateOf: null },
      { published: '2026-12-03', firstSeen: '2026-12-03T09:00:00Z', duplicateOf: 'aaaaaaaaaaaaaaaa' },
      { published: '2023-01-01', firstSeen: '2026-12-03T09:00:00Z', duplicateOf: 'aaaaaaaaaaaaaaaa' },
    ];
    expect(reportedSince(week, WEEK_AGO)).toEqual({ reports: 2, stories: 1 });
  });
});
