// Digest windows (pure). Hourly digests close at the top of each UTC hour; daily digests at HH:MM wall-clock
// time in their zone, computed with Intl so that DST is handled without a time-zone dependency.
import type { DigestSchedule } from '../alerts/model.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface DigestWindow {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** The next boundary strictly after `now`: when the digest that is collecting now goes out. */
export function digestWindowEnd(schedule: DigestSchedule, now: Date): Date {
  const t = now.getTime();
  if (schedule.every === 'hour') return new Date(Math.floor(t / HOUR_MS) * HOUR_MS + HOUR_MS);
  const { hour, minute } = parseAt(schedule.at);
  const today = localDate(schedule.timezone, t);
  // Two days cover every case: today's boundary may already be past, and a DST gap shifts it by at most hours.
  for (let day = 0; day <= 2; day++) {
    const boundary = localToInstant(schedule.timezone, today.year, today.month, today.day + day, hour, minute);
    if (boundary > t) return new Date(boundary);
  }
  throw new Error(`no ${schedule.at} boundary in ${schedule.timezone} after ${now.toISOString()}`);
}

/**
 * The window `[from, to)` whose digest goes out at `at`: `to` is `at`, `from` the boundary before it.
 * `at` is normally a boundary from `digestWindowEnd`; otherwise the window starts at the last boundary before it.
 * A daily window is 23 or 25 hours long across a DST change.
 */
export function digestWindowFor(schedule: DigestSchedule, at: Date): DigestWindow {
  const t = at.getTime();
  if (schedule.every === 'hour') return { from: new Date(Math.ceil(t / HOUR_MS) * HOUR_MS - HOUR_MS), to: at };
  const { hour, minute } = parseAt(schedule.at);
  const today = localDate(schedule.timezone, t);
  for (let day = 0; day >= -2; day--) {
    const boundary = localToInstant(schedule.timezone, today.year, today.month, today.day + day, hour, minute);
    if (boundary < t) return { from: new Date(boundary), to: at };
  }
  throw new Error(`no ${schedule.at} boundary in ${schedule.timezone} before ${at.toISOString()}`);
}

function parseAt(at: string): { hour: number; minute: number } {
  const m = /^(\d{2}):(\d{2})$/.exec(at);
  if (!m) throw new Error(`digest time "${at}" is not HH:MM`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(zone: string, t: number): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(t))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

function localDate(zone: string, t: number): { year: number; month: number; day: number } {
  const { year, month, day } = wallClock(zone, t);
  return { year, month, day };
}

/** The zone's offset from UTC at instant `t`, in ms (Baghdad: +3 h). */
function offsetAt(zone: string, t: number): number {
  const w = wallClock(zone, t);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(t / 1000) * 1000;
}

/**
 * The instant of a wall-clock time in a zone (`day` may overflow the month: Date.UTC carries it). Like
 * Temporal's "compatible" disambiguation: a time that occurs twice (DST ends) is its first occurrence; a
 * time skipped by DST starting is moved forward by the gap (02:30 on the spring-forward day is 03:30).
 */
function localToInstant(zone: string, year: number, month: number, day: number, hour: number, minute: number): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // The offsets a day either side: they differ only when a transition is near.
  const before = offsetAt(zone, wall - DAY_MS);
  const after = offsetAt(zone, wall + DAY_MS);
  const valid = [wall - before, wall - after].filter((t) => offsetAt(zone, t) === wall - t);
  if (valid.length > 0) return Math.min(...valid);
  return wall - before;
}
