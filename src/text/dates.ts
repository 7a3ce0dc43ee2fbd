// Date expressions in Arabic and English news text, with offsets into the original string.
// Written by hand: no npm date parser (chrono-node, date-fns, luxon, dayjs) reads both Arabic month
// sets (يناير… and كانون الثاني…), the "أيلول/سبتمبر" double-month style, Arabic-Indic digits, hamza and
// alef spelling variants, or "بتوقيت بغداد" zones. The grammar is small; the tables below are the work.

import { normalizeText } from './arabic.js';

export interface DateMatch {
  /** Offsets into the original string: text === original.slice(start, end). */
  start: number;
  end: number;
  text: string;
  year: number | null;
  month: number;
  day: number | null;
  hour: number | null;
  minute: number | null;
  /** Offset of the stated zone from UTC; null when no zone was stated (or the zone is "local"). */
  utcOffsetMinutes: number | null;
}

/**
 * Arabic month names in the form `normalizeText` gives them (no hamza on alef, no diacritics or
 * tatweel, ى→ي, ة→ه), mapped to 1..12.
 */
export const ARABIC_MONTHS: ReadonlyMap<string, number> = new Map([
  // Egyptian/Gulf transliterations of the Latin names.
  ['يناير', 1],
  ['فبراير', 2],
  ['مارس', 3],
  ['ابريل', 4],
  ['مايو', 5],
  ['يونيو', 6],
  ['يونيه', 6],
  ['يوليو', 7],
  ['يوليه', 7],
  ['اغسطس', 8],
  ['سبتمبر', 9],
  ['اكتوبر', 10],
  ['نوفمبر', 11],
  ['ديسمبر', 12],
  // Levantine/Iraqi names; Iraqi outlets often drop the article ("تشرين اول").
  ['كانون الثاني', 1],
  ['كانون ثاني', 1],
  ['شباط', 2],
  ['اذار', 3],
  ['نيسان', 4],
  ['ايار', 5],
  ['حزيران', 6],
  ['تموز', 7],
  ['اب', 8],
  ['ايلول', 9],
  ['تشرين الاول', 10],
  ['تشرين اول', 10],
  ['تشرين الثاني', 11],
  ['تشرين ثاني', 11],
  ['كانون الاول', 12],
  ['كانون اول', 12],
]);

const EN_FULL_MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const EN_ABBR_MONTHS: ReadonlyArray<readonly [string, number]> = [
  ['jan', 1], ['feb', 2], ['mar', 3], ['apr', 4], ['jun', 6], ['jul', 7], ['aug', 8],
  ['sep', 9], ['sept', 9], ['oct', 10], ['nov', 11], ['dec', 12],
];
const ENGLISH_MONTHS: ReadonlyMap<string, number> = new Map([
  ...EN_FULL_MONTHS.map((name, i) => [name, i + 1] as const),
  ...EN_ABBR_MONTHS,
]);

const ARABIC_WEEKDAYS = ['الاحد', 'الاثنين', 'الثلاثاء', 'الثلثاء', 'الاربعاء', 'الخميس', 'الجمعه', 'السبت'];
const ENGLISH_WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const ENGLISH_WEEKDAY_ABBR = ['mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun'];

/**
 * Named zones (normalized). Fixed offsets: Iraq, Saudi Arabia, Syria (since 2022), Kuwait and Qatar keep
 * UTC+3 all year, Iran UTC+3:30 (no DST since 2022), the UAE UTC+4. Lebanon still observes DST.
 * "المحلي" (local time) is recognized so the time is kept, but its offset is unknown.
 */
const BEIRUT = 'beirut';
const ZONES: ReadonlyMap<string, number | typeof BEIRUT | null> = new Map<string, number | typeof BEIRUT | null>([
  ['غرينتش', 0], ['غرينيتش', 0], ['غرنتش', 0], ['جرينتش', 0], ['جرينيتش', 0], ['قرينتش', 0],
  ['بغداد', 180], ['العراق', 180],
  ['مكه المكرمه', 180], ['مكه', 180], ['الرياض', 180], ['السعوديه', 180],
  ['دمشق', 180], ['سوريا', 180],
  ['الكويت', 180], ['الدوحه', 180], ['قطر', 180],
  ['طهران', 210], ['ايران', 210],
  ['ابوظبي', 240], ['ابو ظبي', 240], ['دبي', 240], ['الامارات', 240],
  ['بيروت', BEIRUT], ['لبنان', BEIRUT],
  ['المحلي', null],
]);

/** Alternation of names, longest first so that "كانون الثاني" wins over a shorter prefix. */
function alternation(names: Iterable<string>): string {
  return [...names]
    .sort((a, b) => b.length - a.length)
    .map((n) => n.replace(/ /g, '\\s+'))
    .join('|');
}

const EN_ABBR = alternation(EN_ABBR_MONTHS.map(([name]) => name));

// The fragments below run on normalized text (see `fold`): ASCII digits, lower-case Latin.
const NOT_LETTER_BEFORE = '(?<!\\p{L})';
const NOT_LETTER_AFTER = '(?!\\p{L})';
/** A month name; an attached و/ب (وسبتمبر، بأيلول) belongs to the expression. */
const month = (group: string) =>
  `${NOT_LETTER_BEFORE}(?:[وب](?=\\p{L}))?(?<${group}>(?:${alternation(ARABIC_MONTHS.keys())}|${alternation(EN_FULL_MONTHS)})${NOT_LETTER_AFTER}|(?:${EN_ABBR})${NOT_LETTER_AFTER}\\.?)`;
/** One month, or two names for the same month: "أيلول/سبتمبر", "سبتمبر/ أيلول", "أيلول (سبتمبر)". */
const monthExpr = `${month('m1')}(?:(?:\\s*[/\\\\]\\s*|\\s*\\(\\s*)${month('m2')}(?:\\s*\\))?)?`;
const WEEKDAY = `${NOT_LETTER_BEFORE}(?:يوم\\s+)?(?:(?:${alternation(ARABIC_WEEKDAYS)}|${alternation(ENGLISH_WEEKDAYS)})${NOT_LETTER_AFTER}|(?:${alternation(ENGLISH_WEEKDAY_ABBR)})${NOT_LETTER_AFTER}\\.?)[\\s,،]*`;
const DAY = '(?<!\\d)(?<d>[0-3]?\\d)(?!\\d)(?:st|nd|rd|th)?';
/**
 * Any four digits after a month are read as its year and rejected outside 1990–2100, so that
 * "15 سبتمبر 1985" is no date at all rather than a yearless "15 سبتمبر". "م" marks the Gregorian calendar.
 */
const YEAR = `(?<!\\d)(?<y>\\d{4})(?!\\d)(?:\\s?م${NOT_LETTER_AFTER})?`;
const MIN_YEAR = 1990;
const MAX_YEAR = 2100;

const DAY_MONTH = new RegExp(
  `(?:${WEEKDAY})?${DAY}(?:\\s*(?:of|من)${NOT_LETTER_AFTER})?[\\s\\-]*(?:شهر\\s+)?${monthExpr}(?:[\\s,،\\-]*${YEAR})?`,
  'gu',
);
// Month-first with a day is an English habit only; in Arabic "أغسطس 15 جنديا" is not a date.
const MONTH_DAY_EN = new RegExp(
  `(?:${WEEKDAY})?${NOT_LETTER_BEFORE}(?<m1>(?:${alternation(EN_FULL_MONTHS)})${NOT_LETTER_AFTER}|(?:${EN_ABBR})${NOT_LETTER_AFTER}\\.?)\\s*${DAY}(?:,?\\s+${YEAR})?`,
  'gu',
);
/**
 * A month with a year, or two names for one month without a year: both are unambiguous enough to report.
 * A lone month name ("آب" is also "father", "May" a verb) is not; `findDates` drops those matches.
 */
const MONTH_YEAR_OR_PAIR = new RegExp(`${monthExpr}(?:[\\s,،\\-]*${YEAR})?`, 'gu');
const NUMERIC_DMY = new RegExp(
  `(?:${WEEKDAY})?(?<![\\d/.\\-])(?<d>\\d{1,2})(?<sep>[/.\\-])(?<mo>\\d{1,2})\\k<sep>(?<y>199\\d|20\\d\\d|2100)(?![\\d/\\-]|\\.\\d)`,
  'gu',
);
const ISO = new RegExp(
  `(?<![\\d/.\\-])(?<y>199\\d|20\\d\\d|2100)(?<sep>[\\-/.])(?<mo>\\d{1,2})\\k<sep>(?<d>\\d{1,2})(?!\\d)` +
    `(?:t(?<h>\\d{1,2}):(?<mi>\\d{2})(?::\\d{2}(?:\\.\\d+)?)?(?<z>z|[+\\-]\\d{2}:?\\d{2})?)?`,
  'gu',
);
const ZONE =
  `(?<utc>gmt|utc|z|ت\\s?\\.\\s?غ\\.?)${NOT_LETTER_AFTER}(?:\\s*(?<zs>[+\\-])\\s*(?<zh>\\d{1,2})(?::?(?<zm>\\d{2}))?)?` +
  `|(?<iso>[+\\-]\\d{2}:?\\d{2})` +
  `|(?:ب|بال|ال)?توقيت\\s+(?<city>${alternation(ZONES.keys())})${NOT_LETTER_AFTER}`;
/** A time right after a date (same line or the next), e.g. "٠٨:٣١ بتوقيت غرينتش", "- 8:31 p.m. GMT". */
const TIME_AFTER = new RegExp(
  `[\\s,،|\\-–—(]*(?:(?:الساعه|at)\\s*)?(?<h>[0-2]?\\d)[:：](?<mi>[0-5]\\d)(?::[0-5]\\d)?(?!\\d)` +
    `(?:\\s*(?<ap>a\\.?m\\.?|p\\.?m\\.?|صباحا|صباح|مساء|ص|م)${NOT_LETTER_AFTER})?(?:\\s*\\(?\\s*(?:${ZONE}))?(?:\\s*\\))?`,
  'uy',
);

interface Folded {
  text: string;
  /** origin[i] is the index in the original string of folded character i. */
  origin: number[];
}

/** Folded form per UTF-16 code unit (so at most 65,536 entries). */
const foldCache = new Map<number, string>();

/** The project's normalization, applied per character so every folded character maps back to the original. */
function fold(text: string): Folded {
  let out = '';
  const origin: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let f = foldCache.get(code);
    if (f === undefined) {
      f = normalizeText(text[i]!);
      foldCache.set(code, f);
    }
    for (let k = 0; k < f.length; k++) origin.push(i);
    out += f;
  }
  return { text: out, origin };
}

/** A match in the normalized text (offsets `s`, `e`), before it is mapped back to the original. */
interface Candidate extends Omit<DateMatch, 'start' | 'end' | 'text'> {
  s: number;
  e: number;
  valid: boolean;
}

function monthNumber(name: string | undefined): number | null {
  if (name === undefined) return null;
  const key = name.replace(/\.$/, '').replace(/\s+/g, ' ');
  return ARABIC_MONTHS.get(key) ?? ENGLISH_MONTHS.get(key) ?? null;
}

function daysInMonth(year: number | null, month: number): number {
  // Without a year, 29 February is allowed (2000 is a leap year).
  return new Date(Date.UTC(year ?? 2000, month, 0)).getUTCDate();
}

function num(s: string | undefined): number | null {
  return s === undefined ? null : Number(s);
}

function textual(m: RegExpMatchArray, original: string, folded: Folded): Candidate {
  const g = m.groups!;
  const m1 = monthNumber(g.m1);
  const m2 = g.m2 === undefined ? m1 : monthNumber(g.m2);
  const s = m.index!;
  const day = num(g.d);
  const year = num(g.y);
  // Lower-case "may" is the verb; the month is capitalized.
  const verbMay = g.m1 === 'may' && original[folded.origin[s + m[0].indexOf('may')]!] === 'm';
  const valid =
    m1 !== null &&
    m1 === m2 &&
    !verbMay &&
    (year === null || (year >= MIN_YEAR && year <= MAX_YEAR)) &&
    (day === null || (day >= 1 && day <= daysInMonth(year, m1)));
  return { s, e: s + m[0].length, valid, year, month: m1 ?? 0, day, hour: null, minute: null, utcOffsetMinutes: null };
}

function numeric(m: RegExpMatchArray, dayFirst: boolean): Candidate {
  const g = m.groups!;
  let day = Number(g.d);
  let mon = Number(g.mo);
  const year = Number(g.y);
  // Day-first is the Arab outlets' order; a month above 12 can only mean a US-style date.
  if (dayFirst && mon > 12 && day <= 12) [day, mon] = [mon, day];
  const s = m.index!;
  const valid = mon >= 1 && mon <= 12 && day >= 1 && day <= daysInMonth(year, mon);
  const c: Candidate = { s, e: s + m[0].length, valid, year, month: mon, day, hour: null, minute: null, utcOffsetMinutes: null };
  if (g.h !== undefined) {
    c.hour = Number(g.h);
    c.minute = Number(g.mi);
    c.utcOffsetMinutes = g.z === undefined ? null : offsetFromIso(g.z);
    c.valid &&= c.hour <= 23 && c.minute <= 59;
  }
  return c;
}

function offsetFromIso(z: string): number {
  if (z === 'z') return 0;
  const sign = z.startsWith('-') ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

function lastSundayUtc(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month, 0));
  return Date.UTC(year, month - 1, last.getUTCDate() - last.getUTCDay());
}

/** Lebanon: UTC+3 from the last Sunday of March to the last Sunday of October, else UTC+2. */
function beirutOffset(c: Candidate): number | null {
  if (c.year === null || c.day === null) return null;
  const t = Date.UTC(c.year, c.month - 1, c.day);
  return t >= lastSundayUtc(c.year, 3) && t < lastSundayUtc(c.year, 10) ? 180 : 120;
}

/** Extends a date with a time that follows it; leaves it as is when none does. */
function attachTime(c: Candidate, folded: string): void {
  TIME_AFTER.lastIndex = c.e;
  const m = TIME_AFTER.exec(folded);
  if (m === null) return;
  const g = m.groups!;
  let hour = Number(g.h);
  const minute = Number(g.mi);
  if (g.ap !== undefined) {
    if (hour < 1 || hour > 12) return;
    const pm = g.ap.startsWith('p') || g.ap === 'مساء' || g.ap === 'م';
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  if (hour > 23) return;
  let offset: number | null = null;
  if (g.utc !== undefined) {
    offset = g.zh === undefined ? 0 : (g.zs === '-' ? -1 : 1) * (Number(g.zh) * 60 + Number(g.zm ?? 0));
  } else if (g.iso !== undefined) {
    offset = offsetFromIso(g.iso);
  } else if (g.city !== undefined) {
    const zone = ZONES.get(g.city.replace(/\s+/g, ' '));
    offset = zone === BEIRUT ? beirutOffset(c) : (zone ?? null);
  }
  c.e = m.index + m[0].length;
  c.hour = hour;
  c.minute = minute;
  c.utcOffsetMinutes = offset;
}

/**
 * Every date expression in `text`, left to right, with offsets into the original string. Partial dates
 * count: "15 أيلول/سبتمبر" (year null), "سبتمبر 2025" (day null), "أيلول/سبتمبر" (both null).
 * A time right after a date is part of it.
 */
export function findDates(text: string): DateMatch[] {
  const folded = fold(text);
  const f = folded.text;
  const candidates: Candidate[] = [];
  for (const re of [DAY_MONTH, MONTH_DAY_EN]) {
    for (const m of f.matchAll(re)) candidates.push(textual(m, text, folded));
  }
  for (const m of f.matchAll(MONTH_YEAR_OR_PAIR)) {
    if (m.groups!.m2 !== undefined || m.groups!.y !== undefined) candidates.push(textual(m, text, folded));
  }
  for (const m of f.matchAll(NUMERIC_DMY)) candidates.push(numeric(m, true));
  for (const m of f.matchAll(ISO)) candidates.push(numeric(m, false));
  // Leftmost-longest wins; an invalid date ("31 فبراير 2025") keeps its span so that no fragment of it
  // ("فبراير 2025") is reported instead.
  candidates.sort((a, b) => a.s - b.s || b.e - a.e);
  const out: DateMatch[] = [];
  let covered = 0;
  for (const c of candidates) {
    if (c.s < covered) continue;
    covered = c.e;
    if (!c.valid) continue;
    if (c.hour === null) attachTime(c, f);
    covered = c.e;
    const start = folded.origin[c.s]!;
    const end = c.e < f.length ? folded.origin[c.e]! : text.length;
    out.push({
      start,
      end,
      text: text.slice(start, end),
      year: c.year,
      month: c.month,
      day: c.day,
      hour: c.hour,
      minute: c.minute,
      utcOffsetMinutes: c.utcOffsetMinutes,
    });
  }
  return out;
}

/** What may precede a date that is the whole string: brackets, "في", an attached و/ب, the article of "الـ15". */
const LEAD_OK = /^[\s([«"“]*(?:(?:وفي|في|on)\s+)?(?:و|ب|ال|وال|بال)?$/u;
const TRAIL_OK = /^[\s.,،;:)\]»"”]*$/u;

/** The date when the whole string is one date expression (optionally followed by a time); else null. */
export function parseDate(text: string): DateMatch | null {
  const found = findDates(text);
  if (found.length !== 1) return null;
  const m = found[0]!;
  if (!LEAD_OK.test(normalizeText(text.slice(0, m.start))) || !TRAIL_OK.test(text.slice(m.end))) return null;
  return m;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * 'YYYY-MM-DD' for a day; 'YYYY-MM-DDTHH:MM:00Z' (in UTC) when time and zone are known;
 * 'YYYY-MM-DDTHH:MM:00' for a time without zone; null without year or day.
 */
export function toIsoDate(m: DateMatch): string | null {
  if (m.year === null || m.day === null) return null;
  const date = `${m.year}-${pad(m.month)}-${pad(m.day)}`;
  if (m.hour === null || m.minute === null) return date;
  if (m.utcOffsetMinutes === null) return `${date}T${pad(m.hour)}:${pad(m.minute)}:00`;
  const utc = new Date(Date.UTC(m.year, m.month - 1, m.day, m.hour, m.minute) - m.utcOffsetMinutes * 60_000);
  return `${utc.toISOString().slice(0, 16)}:00Z`;
}

const EASTERN_DIGIT = /[\u0660-\u0669\u06f0-\u06f9]/g;

/** Arabic-Indic (٠-٩) and Persian (۰-۹) digits to ASCII; everything else unchanged. */
export function toAsciiDigits(s: string): string {
  return s.replace(EASTERN_DIGIT, (d) => String(d.charCodeAt(0) - (d >= '\u06f0' ? 0x06f0 : 0x0660)));
}
