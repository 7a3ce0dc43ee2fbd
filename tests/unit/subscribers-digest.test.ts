/** Digest windows: hourly at the top of the UTC hour; daily at HH:MM in a zone, DST included. */
import { describe, expect, it } from 'vitest';
import type { DigestSchedule } from '../../src/alerts/model.js';
import { digestWindowEnd, digestWindowFor } from '../../src/subscribers/digest.js';

const HOURLY: DigestSchedule = { every: 'hour' };
const BAGHDAD: DigestSchedule = { every: 'day', at: '08:00', timezone: 'Asia/Baghdad' };
const NEW_YORK: DigestSchedule = { every: 'day', at: '08:00', timezone: 'America/New_York' };

const end = (schedule: DigestSchedule, now: string) => digestWindowEnd(schedule, new Date(now)).toISOString();
const windowOf = (schedule: DigestSchedule, at: string) => {
  const w = digestWindowFor(schedule, new Date(at));
  return [w.from.toISOString(), w.to.toISOString()];
};

describe('digestWindowEnd', () => {
  it.each([
    ['hourly, mid-hour', HOURLY, '2026-03-08T06:17:45.123Z', '2026-03-08T07:00:00.000Z'],
    ['hourly, on the hour: the next one', HOURLY, '2026-03-08T07:00:00.000Z', '2026-03-08T08:00:00.000Z'],
    ['hourly, across midnight', HOURLY, '2026-12-31T23:59:59.999Z', '2027-01-01T00:00:00.000Z'],
    ['Baghdad (UTC+3) before 08:00', BAGHDAD, '2026-05-01T04:59:00.000Z', '2026-05-01T05:00:00.000Z'],
    ['Baghdad at 08:00: tomorrow', BAGHDAD, '2026-05-01T05:00:00.000Z', '2026-05-02T05:00:00.000Z'],
    ['Baghdad: still the previous local day in UTC', BAGHDAD, '2026-04-30T22:30:00.000Z', '2026-05-01T05:00:00.000Z'],
    ['Baghdad at the end of a month', BAGHDAD, '2026-02-28T06:00:00.000Z', '2026-03-01T05:00:00.000Z'],
    ['New York before spring forward: EST', NEW_YORK, '2026-03-07T14:00:00.000Z', '2026-03-08T12:00:00.000Z'],
    ['New York on spring-forward day: EDT', NEW_YORK, '2026-03-08T06:30:00.000Z', '2026-03-08T12:00:00.000Z'],
    ['New York on fall-back day: EST again', NEW_YORK, '2026-11-01T05:00:00.000Z', '2026-11-01T13:00:00.000Z'],
    ['a time skipped by DST moves on by the gap (02:30 → 03:30 EDT)', { every: 'day', at: '02:30', timezone: 'America/New_York' }, '2026-03-08T05:00:00.000Z', '2026-03-08T07:30:00.000Z'],
    ['a time that occurs twice: the first (01:30 EDT)', { every: 'day', at: '01:30', timezone: 'America/New_York' }, '2026-11-01T04:00:00.000Z', '2026-11-01T05:30:00.000Z'],
    ['UTC', { every: 'day', at: '00:00', timezone: 'UTC' }, '2026-06-15T12:00:00.000Z', '2026-06-16T00:00:00.000Z'],
  ] as const)('%s', (_name, schedule, now, expected) => {
    expect(end(schedule, now)).toBe(expected);
  });
});

describe('digestWindowFor', () => {
  it('hourly: the hour before the boundary; a late run starts at the last boundary', () => {
    expect(windowOf(HOURLY, '2026-03-08T07:00:00.000Z')).toEqual(['2026-03-08T06:00:00.000Z', '2026-03-08T07:00:00.000Z']);
    expect(windowOf(HOURLY, '2026-03-08T07:00:03.000Z')).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-08T07:00:03.000Z']);
  });

  it('daily at 08:00 Asia/Baghdad: 24 hours from 05:00 UTC', () => {
    expect(windowOf(BAGHDAD, '2026-05-02T05:00:00.000Z')).toEqual(['2026-05-01T05:00:00.000Z', '2026-05-02T05:00:00.000Z']);
  });

  it('daily at 08:00 America/New_York: 23 hours across spring forward, 25 across fall back', () => {
    expect(windowOf(NEW_YORK, '2026-03-08T12:00:00.000Z')).toEqual(['2026-03-07T13:00:00.000Z', '2026-03-08T12:00:00.000Z']);
    expect(windowOf(NEW_YORK, '2026-11-01T13:00:00.000Z')).toEqual(['2026-10-31T12:00:00.000Z', '2026-11-01T13:00:00.000Z']);
  });

  it('consecutive windows tile time with no gap and no overlap', () => {
    for (const schedule of [HOURLY, BAGHDAD, NEW_YORK]) {
      let boundary = digestWindowEnd(schedule, new Date('2026-02-25T00:00:00Z'));
      for (let i = 0; i < 300; i++) {
        const next = digestWindowEnd(schedule, boundary);
        expect(digestWindowFor(schedule, next).from.toISOString()).toBe(boundary.toISOString());
        boundary = next;
      }
    }
  });

  it('the window of the boundary that now falls in ends at digestWindowEnd(now)', () => {
    const now = new Date('2026-03-08T09:15:00Z');
    const w = digestWindowFor(NEW_YORK, digestWindowEnd(NEW_YORK, now));
    expect(w.from.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(w.to.getTime()).toBeGreaterThan(now.getTime());
  });
});
