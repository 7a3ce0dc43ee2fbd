// Dates of events in a sentence: absolute ("15 أيلول/سبتمبر 2025", "in 2011"), partial ("منتصف سبتمبر",
// "last December") and relative to the article's own date ("الثلاثاء", "on Tuesday", "أمس", "فجر اليوم",
// "last month"). A news sentence dates the event it reports this way; marsad resolves each against the
// published date so that a timeline carries the date of the event as well as that of the report.
// Pure and written by hand for the same reasons as dates.ts, on whose tables it builds.
import { ARABIC_MONTHS, findDates, toAsciiDigits } from './dates.js';
import { stems, type Token } from './arabic.js';

/** A resolved date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, with the words that gave it. */
export interface EventDate {
  start: number;
  end: number;
  text: string;
  value: string;
  /** Resolved against the published date (a weekday, "yesterday", a month without a year). */
  relative: boolean;
}

/** Which way a date without a year (or a bare weekday) points: the sentence's tense decides. */
export type Tense = 'past' | 'future';

const EN_MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const SINGLE_WORD_AR_MONTHS = new Map([...ARABIC_MONTHS].filter(([name]) => !name.includes(' ') && name !== 'اب'));
const AR_WEEKDAYS = new Map([
  ['احد', 0], ['اثنين', 1], ['ثلاثاء', 2], ['ثلثاء', 2], ['اربعاء', 3], ['خميس', 4], ['جمعه', 5], ['سبت', 6],
]);
const EN_WEEKDAYS = new Map([
  ['sunday', 0], ['monday', 1], ['tuesday', 2], ['wednesday', 3], ['thursday', 4], ['friday', 5], ['saturday', 6],
]);
const PAST_WORDS = new Set(['الماضي', 'الماضيه', 'المنصرم', 'المنصرمه', 'السابق', 'last', 'past', 'previous']);
const NEXT_WORDS = new Set(['المقبل', 'المقبله', 'القادم', 'القادمه', 'next', 'coming']);
const THIS_WORDS = new Set(['الجاري', 'الحالي', 'this', 'current']);
/** Words that make a lone month name a date ("في سبتمبر", "by September", "منتصف أيلول"). */
const MONTH_LEAD = new Set([
  'في', 'خلال', 'منتصف', 'نهايه', 'اواخر', 'اوائل', 'مطلع', 'بدايه', 'حتي', 'بحلول', 'قبل', 'بعد', 'شهر',
  'in', 'by', 'mid', 'until', 'till', 'since', 'before', 'after', 'early', 'late', 'end', 'last', 'next', 'this', 'of', 'the',
]);

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const DAY_MS = 86_400_000;

/** The token's forms without Arabic proclitics (وأمس، بالأمس، الثلاثاء → ثلاثاء). */
function formsOf(t: Token): string[] {
  return /^[a-z0-9]/.test(t.norm) ? [t.norm] : stems(t.norm).flatMap((s) => (s.startsWith('ال') ? [s, s.slice(2)] : [s]));
}

/** Forms per token of one sentence, computed once: a token is read as a month, a weekday and a neighbour's word. */
type Forms = (i: number) => string[];

function pick<T>(f: string[] | undefined, table: ReadonlyMap<string, T>): T | undefined {
  if (!f) return undefined;
  for (const x of f) {
    const v = table.get(x);
    if (v !== undefined) return v;
  }
  return undefined;
}

function has(f: string[] | undefined, words: ReadonlySet<string>): boolean {
  return f !== undefined && f.some((x) => words.has(x));
}

/** The year of a month named without one: the occurrence nearest to `ref` in the direction of `tense`. */
function yearFor(month: number, ref: Date, direction: Tense | 'this'): number {
  const y = ref.getUTCFullYear();
  const m = ref.getUTCMonth() + 1;
  if (direction === 'this') return y;
  if (direction === 'past') return month <= m ? y : y - 1;
  return month >= m ? y : y + 1;
}

/**
 * Every event date in `tokens` (one sentence's tokens, offsets into `text`), in text order.
 * `published` (ISO) anchors relative dates; without it only absolute dates are returned.
 */
export function findEventDates(text: string, tokens: readonly Token[], published: string | null, tense: Tense): EventDate[] {
  if (tokens.length === 0) return [];
  const from = tokens[0]!.start;
  const to = tokens[tokens.length - 1]!.end;
  const ref = published && !Number.isNaN(Date.parse(published)) ? new Date(Date.parse(published.slice(0, 10))) : null;
  const out: EventDate[] = [];
  const covered = (start: number, end: number) => out.some((d) => d.start < end && start < d.end);
  const add = (start: number, end: number, value: string, relative: boolean) => {
    if (!covered(start, end)) out.push({ start, end, text: text.slice(start, end), value, relative });
  };

  for (const m of sentenceDates(text, tokens, from, to)) {
    const year = m.year ?? (ref ? yearFor(m.month, ref, tense) : null);
    if (year === null) continue;
    add(from + m.start, from + m.end, m.day === null ? `${year}-${pad(m.month)}` : `${year}-${pad(m.month)}-${pad(m.day)}`, m.year === null);
  }

  const cache = formsCache(tokens);
  const forms: Forms = (i) => (cache[i] ??= formsOf(tokens[i]!));
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    const prev = tokens[i - 1];
    const here = forms(i);
    const fn = next ? forms(i + 1) : undefined;
    const fp = prev ? forms(i - 1) : undefined;
    // A bare year: "في عام 2011", "in 2020", "٢٠٢١".
    const digits = toAsciiDigits(t.norm);
    if (/^(19[5-9]\d|20[0-4]\d)$/.test(digits)) {
      add(t.start, t.end, digits, false);
      continue;
    }
    if (!ref) continue;
    const month = pick(here, SINGLE_WORD_AR_MONTHS) ?? (EN_MONTHS.includes(t.norm) && t.norm !== 'may' ? EN_MONTHS.indexOf(t.norm) + 1 : undefined);
    if (month !== undefined) {
      const direction = has(fn, PAST_WORDS) || has(fp, PAST_WORDS) ? 'past' : has(fn, NEXT_WORDS) || has(fp, NEXT_WORDS) ? 'future' : has(fn, THIS_WORDS) || has(fp, THIS_WORDS) ? 'this' : null;
      if (direction !== null || has(fp, MONTH_LEAD)) {
        const end = direction !== null && (has(fn, PAST_WORDS) || has(fn, NEXT_WORDS) || has(fn, THIS_WORDS)) ? next!.end : t.end;
        add(t.start, end, `${yearFor(month, ref, direction ?? tense)}-${pad(month)}`, true);
      }
      continue;
    }
    const weekday = pick(here, AR_WEEKDAYS) ?? EN_WEEKDAYS.get(t.norm);
    // "أحد" without the article is "anyone" ("لا أحد في الحكومة"): Sunday is الأحد or يوم أحد.
    const anyone = weekday === 0 && !here.includes('الاحد') && !has(fp, new Set(['يوم'])) && t.norm !== 'sunday';
    if (weekday !== undefined && !anyone) {
      // A bare weekday in news is the last such day (the report's own), unless a future verb governs it
      // ("will leave on Tuesday", "ستغادر الثلاثاء") or the sentence as a whole is a plan with no past verb.
      const direction: Tense =
        has(fn, NEXT_WORDS) || has(fp, NEXT_WORDS) ? 'future' : has(fn, PAST_WORDS) || has(fp, PAST_WORDS) ? 'past' : futureBefore(tokens, i) ? 'future' : 'past';
      const diff = (weekday - ref.getUTCDay() + 7) % 7;
      // News reports an event on the last such weekday (today included); a plan, on the next one.
      const days = direction === 'past' ? -((7 - diff) % 7) : diff === 0 ? 7 : diff;
      add(t.start, t.end, iso(new Date(ref.getTime() + days * DAY_MS)), true);
      continue;
    }
    const relative = relativeWord(t, next, prev, here, fn, fp, ref);
    if (relative) add(relative.start, relative.end, relative.value, true);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Forms per token of a sentence, shared by its scans in either tense. */
const formsCaches = new WeakMap<readonly Token[], string[][]>();

function formsCache(tokens: readonly Token[]): string[][] {
  let cache = formsCaches.get(tokens);
  if (!cache) formsCaches.set(tokens, (cache = []));
  return cache;
}

/** The absolute and partial dates of a sentence do not depend on the tense: found once per token list. */
const datesCache = new WeakMap<readonly Token[], ReturnType<typeof findDates>>();
const MONTH_WORD = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/;

function sentenceDates(text: string, tokens: readonly Token[], from: number, to: number): ReturnType<typeof findDates> {
  let found = datesCache.get(tokens);
  if (!found) {
    // Every date expression has a digit or a month name: most sentences have neither.
    const cache = formsCache(tokens);
    const candidate = tokens.some(
      (t, i) => /[0-9]/.test(t.norm) || MONTH_WORD.test(t.norm) || (cache[i] ??= formsOf(t)).some((f) => ARABIC_MONTHS.has(f) || f.startsWith('كانون') || f.startsWith('تشرين')),
    );
    found = candidate ? findDates(text.slice(from, to)) : [];
    datesCache.set(tokens, found);
  }
  return found;
}

/** Words that make what follows a plan: "will", "سوف", a verb with the future prefix س. */
const FUTURE_WORDS = new Set(['will', 'shall', 'would', 'سوف']);
const FUTURE_REACH = 5;

function futureBefore(tokens: readonly Token[], i: number): boolean {
  for (let j = Math.max(0, i - FUTURE_REACH); j < i; j++) {
    const norm = tokens[j]!.norm.replace(/^[وف]/, '');
    if (FUTURE_WORDS.has(norm) || (/^س[يتن]/.test(norm) && norm.length > 4)) return true;
  }
  return false;
}

const UNIT_MONTH = new Set(['شهر', 'month']);
const UNIT_YEAR = new Set(['عام', 'سنه', 'year']);
const UNIT_WEEK = new Set(['اسبوع', 'week']);
const YEAR_END = new Set(['نهايه', 'اواخر', 'ختام']);

function relativeWord(
  t: Token,
  next: Token | undefined,
  prev: Token | undefined,
  f: string[],
  fn: string[] | undefined,
  fp: string[] | undefined,
  ref: Date,
): { start: number; end: number; value: string } | null {
  const day = (offset: number) => iso(new Date(ref.getTime() + offset * DAY_MS));
  if (f.includes('امس') || f.includes('البارحه') || t.norm === 'yesterday') return { start: t.start, end: t.end, value: day(-1) };
  if (f.includes('غدا') || t.norm === 'tomorrow') return { start: t.start, end: t.end, value: day(1) };
  if (f.includes('يوم') && has(fn, new Set(['امس']))) return { start: t.start, end: next!.end, value: day(-1) };
  if (f.includes('اليوم') || t.norm === 'today' || t.norm === 'tonight' || (f.includes('الليله') && !has(fn, PAST_WORDS))) {
    return { start: prev && has(fp, new Set(['فجر', 'صباح', 'مساء', 'ظهر', 'ليل'])) ? prev.start : t.start, end: t.end, value: day(0) };
  }
  // "نهاية العام", "end of the year", "أواخر العام الجاري": December of the report's year (or of the next/last).
  if (UNIT_YEAR.has(lastForm(f)) && prev && has(fp, YEAR_END)) {
    const step = has(fn, NEXT_WORDS) ? 1 : has(fn, PAST_WORDS) ? -1 : 0;
    const end = has(fn, NEXT_WORDS) || has(fn, PAST_WORDS) || has(fn, THIS_WORDS) ? next!.end : t.end;
    return { start: prev.start, end, value: `${ref.getUTCFullYear() + step}-12` };
  }
  // "الشهر الماضي", "last month", "العام المقبل", "next year", "this week".
  const unitAfter = UNIT_MONTH.has(lastForm(f)) || UNIT_YEAR.has(lastForm(f)) || UNIT_WEEK.has(lastForm(f));
  if (!unitAfter) return null;
  const unit = lastForm(f);
  let step: number | null = null;
  let start = t.start;
  let end = t.end;
  if (has(fn, PAST_WORDS)) [step, end] = [-1, next!.end];
  else if (has(fn, NEXT_WORDS)) [step, end] = [1, next!.end];
  else if (has(fn, THIS_WORDS)) [step, end] = [0, next!.end];
  else if (has(fp, PAST_WORDS)) [step, start] = [-1, prev!.start];
  else if (has(fp, NEXT_WORDS)) [step, start] = [1, prev!.start];
  else if (has(fp, THIS_WORDS)) [step, start] = [0, prev!.start];
  if (step === null) return null;
  if (UNIT_YEAR.has(unit)) return { start, end, value: String(ref.getUTCFullYear() + step) };
  if (UNIT_WEEK.has(unit)) return { start, end, value: day(7 * step) };
  const d = new Date(Date.UTC(ref.getUTCFullYear(), ref.getUTCMonth() + step, 1));
  return { start, end, value: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}` };
}

function lastForm(f: string[]): string {
  return f[f.length - 1]!;
}

/** Whether a date value (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) lies wholly before the ISO day `day`. */
export function endsBefore(value: string, day: string): boolean {
  return value < day.slice(0, value.length);
}

/** Whether a date value lies wholly after the ISO day or month `limit` ("2026-09", "2026-09-30"). */
export function startsAfter(value: string, limit: string): boolean {
  const n = Math.min(value.length, limit.length);
  return value.slice(0, n) > limit.slice(0, n);
}
