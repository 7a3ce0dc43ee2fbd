import { describe, expect, it } from 'vitest';
import { ARABIC_MONTHS, findDates, parseDate, toAsciiDigits, toIsoDate } from '../../src/text/dates.js';

/** Input → toIsoDate(parseDate(input)). */
const FULL_DATES: ReadonlyArray<readonly [string, string]> = [
  // Arabic-Indic and Persian digits, weekday, time with zone on the next line
  ['الخميس ٢١ أغسطس ٢٠٢٥', '2025-08-21'],
  ['الخميس ٢١ أغسطس ٢٠٢٥\n٠٨:٣١ بتوقيت غرينتش', '2025-08-21T08:31:00Z'],
  ['۱۵ سبتمبر ۲۰۲۵', '2025-09-15'],
  ['الأربعاء , 15 أكتوبر 2025', '2025-10-15'],
  ['الخميس ,21 اغسطس 2025', '2025-08-21'],
  ['يوم الإثنين 3 مارس 2025', '2025-03-03'],
  ['الاحد 2 فبراير 2025', '2025-02-02'],
  ['الجمعة 7 فبراير 2025', '2025-02-07'],
  ['السبت، 8 فبراير 2025م', '2025-02-08'],
  // Egyptian/Gulf month names and their spellings
  ['1 يناير 2024', '2024-01-01'],
  ['29 فبراير 2024', '2024-02-29'],
  ['4 أبريل 2024', '2024-04-04'],
  ['4 ابريل 2024', '2024-04-04'],
  ['4 إبريل 2024', '2024-04-04'],
  ['5 مايو 2024', '2024-05-05'],
  ['6 يونيو 2024', '2024-06-06'],
  ['6 يونيه 2024', '2024-06-06'],
  ['7 يوليو 2024', '2024-07-07'],
  ['7 يوليه 2024', '2024-07-07'],
  ['8 أغسطس 2024', '2024-08-08'],
  ['8 اغسطس 2024', '2024-08-08'],
  ['10 اكتوبر 2024', '2024-10-10'],
  ['11 نوفمبر 2024', '2024-11-11'],
  ['12 ديسمبر 2024', '2024-12-12'],
  // Levantine/Iraqi month names, with and without the article
  ['1 كانون الثاني 2024', '2024-01-01'],
  ['1 كانون ثاني 2024', '2024-01-01'],
  ['14 شباط 2024', '2024-02-14'],
  ['21 آذار 2024', '2024-03-21'],
  ['21 اذار 2024', '2024-03-21'],
  ['9 نيسان 2003', '2003-04-09'],
  ['1 أيار 2024', '2024-05-01'],
  ['30 حزيران 2011', '2011-06-30'],
  ['14 تموز 2024', '2024-07-14'],
  ['1 آب 2024', '2024-08-01'],
  ['11 أيلول 2001', '2001-09-11'],
  ['5 تشرين الأول 2023', '2023-10-05'],
  ['5 تشرين اول 2023', '2023-10-05'],
  ['30 تشرين الثاني 2023', '2023-11-30'],
  ['25 كانون الأول 2023', '2023-12-25'],
  // both month sets at once
  ['15 أيلول/سبتمبر 2025', '2025-09-15'],
  ['15 سبتمبر/ أيلول 2025', '2025-09-15'],
  ['3 أيلول (سبتمبر) 2025', '2025-09-03'],
  // spelling noise: tatweel, diacritics, prefixes, "من"
  ['15 أيلـــول 2025', '2025-09-15'],
  ['15 أَيْلُول 2025', '2025-09-15'],
  ['في 15 سبتمبر 2025', '2025-09-15'],
  ['وفي 15 سبتمبر 2025', '2025-09-15'],
  ['بـ15 سبتمبر 2025', '2025-09-15'],
  ['الـ15 من سبتمبر 2025', '2025-09-15'],
  // English
  ['21 August 2025', '2025-08-21'],
  ['August 21, 2025', '2025-08-21'],
  ['Aug. 21, 2025', '2025-08-21'],
  ['Sept. 3, 2025', '2025-09-03'],
  ['Thursday 21 August 2025', '2025-08-21'],
  ['Thursday, August 21, 2025', '2025-08-21'],
  ['21st August 2025', '2025-08-21'],
  ['on 21 Aug 2025', '2025-08-21'],
  // ISO and numeric (day first)
  ['2025-08-23', '2025-08-23'],
  ['2025-08-23T08:31:00Z', '2025-08-23T08:31:00Z'],
  ['2025-08-23T11:31:00+03:00', '2025-08-23T08:31:00Z'],
  ['2025-08-23T08:31', '2025-08-23T08:31:00'],
  ['23/8/2025', '2025-08-23'],
  ['23-08-2025', '2025-08-23'],
  ['24-1-2024', '2024-01-24'],
  ['23.08.2025', '2025-08-23'],
  ['الأربعاء 24-1-2024', '2024-01-24'],
  ['(8/12/2023)', '2023-12-08'],
  // a month above 12 can only be US order
  ['8/23/2025', '2025-08-23'],
  // times and zones
  ['21 أغسطس 2025 08:31 GMT', '2025-08-21T08:31:00Z'],
  ['21 أغسطس 2025 - 11:31 بتوقيت بغداد', '2025-08-21T08:31:00Z'],
  ['21 أغسطس 2025، الساعة 11:31 بتوقيت مكة المكرمة', '2025-08-21T08:31:00Z'],
  ['21 أغسطس 2025 11:31 بتوقيت الرياض', '2025-08-21T08:31:00Z'],
  ['21 أغسطس 2025 11:31 بتوقيت دمشق', '2025-08-21T08:31:00Z'],
  ['21 أغسطس 2025 12:01 بتوقيت طهران', '2025-08-21T08:31:00Z'],
  ['1 تموز 2025 12:00 بتوقيت بيروت', '2025-07-01T09:00:00Z'],
  ['1 كانون الثاني 2025 12:00 بتوقيت بيروت', '2025-01-01T10:00:00Z'],
  ['21 أغسطس 2025 08:31 ت.غ', '2025-08-21T08:31:00Z'],
  ['21 August 2025 11:31 GMT+3', '2025-08-21T08:31:00Z'],
  ['21 August 2025, 8:31 p.m. UTC', '2025-08-21T20:31:00Z'],
  ['21 أغسطس 2025 الساعة 8:31 مساءً', '2025-08-21T20:31:00'],
  ['21 أغسطس 2025 10:00 بالتوقيت المحلي', '2025-08-21T10:00:00'],
  ['1 يناير 2025 01:00 بتوقيت بغداد', '2024-12-31T22:00:00Z'],
];

const NOT_A_DATE: readonly string[] = [
  '',
  '31 فبراير 2025',
  '29 February 2025',
  '31 نيسان 2024',
  '15 سبتمبر 1985',
  '15 سبتمبر 2101',
  '32/1/2024',
  '15/15/2025',
  '2025-13-01',
  '23/8/25',
  'الخميس',
  'سبتمبر',
  'آب',
  'May',
  '08:31 GMT',
  '10 ولايات',
  'في الـ15 من الشهر ذاته',
  'عام 2003',
  'يناير/فبراير 2025',
  'أب لثلاثة أطفال',
  'قال إن 15 سبتمبر 2025 موعد نهائي',
  '15 سبتمبر 2025 و16 سبتمبر 2025',
  '21 أغسطس 2025 25:00',
];

describe('parseDate + toIsoDate', () => {
  it.each(FULL_DATES)('%j → %s', (input, iso) => {
    const m = parseDate(input);
    expect(m).not.toBeNull();
    expect(toIsoDate(m!)).toBe(iso);
  });

  it.each(NOT_A_DATE)('%j is not one date expression', (input) => {
    expect(parseDate(input)).toBeNull();
  });

  it.each([
    ['سبتمبر 2025', { year: 2025, month: 9, day: null }],
    ['سبتمبر/ أيلول 2025', { year: 2025, month: 9, day: null }],
    ['15 أيلول/سبتمبر', { year: null, month: 9, day: 15 }],
    ['أيلول (سبتمبر)', { year: null, month: 9, day: null }],
    ['August 2025', { year: 2025, month: 8, day: null }],
  ] as const)('partial %j', (input, fields) => {
    const m = parseDate(input);
    expect(m).toMatchObject(fields);
    expect(toIsoDate(m!)).toBeNull();
  });

  it('keeps the stated zone offset', () => {
    expect(parseDate('21 أغسطس 2025 12:01 بتوقيت طهران')).toMatchObject({ hour: 12, minute: 1, utcOffsetMinutes: 210 });
    expect(parseDate('21 أغسطس 2025 12:01')).toMatchObject({ hour: 12, minute: 1, utcOffsetMinutes: null });
  });
});

describe('findDates', () => {
  it.each([
    [
      'مع قرب انتهاء شهر سبتمبر/ أيلول 2025، عاد الملف إلى الواجهة',
      [{ text: 'سبتمبر/ أيلول 2025', year: 2025, month: 9, day: null }],
    ],
    [
      'بحلول منتصف شهر أيلول/سبتمبر المقبل، على أن تغلق في الـ15 من الشهر ذاته',
      [{ text: 'أيلول/سبتمبر', year: null, month: 9, day: null }],
    ],
    [
      'أعلن يوم الخميس ٢١ أغسطس ٢٠٢٥ أن القوات ستغادر',
      [{ text: 'يوم الخميس ٢١ أغسطس ٢٠٢٥', year: 2025, month: 8, day: 21 }],
    ],
    [
      'هجوم (8/12/2023) ثم جلسة حوار (27/1/2024) في بغداد',
      [
        { text: '8/12/2023', year: 2023, month: 12, day: 8 },
        { text: '27/1/2024', year: 2024, month: 1, day: 27 },
      ],
    ],
    ['في 15 أيلـــول 2025 بدأ الانسحاب', [{ text: '15 أيلـــول 2025', year: 2025, month: 9, day: 15 }]],
    ['حتى 15 أيلول/سبتمبر، ثم', [{ text: '15 أيلول/سبتمبر', year: null, month: 9, day: 15 }]],
    ['وسبتمبر 2026 هو الموعد الثاني', [{ text: 'وسبتمبر 2026', year: 2026, month: 9, day: null }]],
    ['In May 2025 talks began', [{ text: 'May 2025', year: 2025, month: 5, day: null }]],
    ['bases may 2025 plans change', []],
    ['بلغت أكثر من 130 هجوماً خلال 10 أيام ومقتل 3 جنود', []],
    ['ومارست الميليشيات ضغوطا منذ عام 2014', []],
    ['في 31 فبراير 2025 وما بعده', []],
  ] as const)('%j', (text, expected) => {
    const found = findDates(text);
    expect(found).toMatchObject(expected);
    for (const m of found) expect(text.slice(m.start, m.end)).toBe(m.text);
  });

  it('takes a time on the line after the date', () => {
    const text = 'الخميس ٢١ أغسطس ٢٠٢٥\n٠٨:٣١ بتوقيت غرينتش\nبدأت القوات';
    const [m] = findDates(text);
    expect(m).toMatchObject({ start: 0, hour: 8, minute: 31, utcOffsetMinutes: 0 });
    expect(m!.text.endsWith('غرينتش')).toBe(true);
  });
});

describe('toIsoDate', () => {
  const base = { start: 0, end: 0, text: '', hour: null, minute: null, utcOffsetMinutes: null };
  it.each([
    [{ ...base, year: 2025, month: 8, day: 21 }, '2025-08-21'],
    [{ ...base, year: 2025, month: 8, day: null }, null],
    [{ ...base, year: null, month: 8, day: 21 }, null],
    [{ ...base, year: 2025, month: 8, day: 21, hour: 8, minute: 5 }, '2025-08-21T08:05:00'],
    [{ ...base, year: 2025, month: 8, day: 21, hour: 1, minute: 0, utcOffsetMinutes: 180 }, '2025-08-20T22:00:00Z'],
  ])('%j → %s', (m, iso) => {
    expect(toIsoDate(m)).toBe(iso);
  });
});

describe('toAsciiDigits', () => {
  it.each([
    ['٢٠٢٥-٠٨-٢١', '2025-08-21'],
    ['۱۴۰۴', '1404'],
    ['عام ٢٠٠٣ و2014', 'عام 2003 و2014'],
    ['no digits', 'no digits'],
  ])('%j → %j', (input, out) => {
    expect(toAsciiDigits(input)).toBe(out);
  });
});

describe('ARABIC_MONTHS', () => {
  it('covers every month in both name sets', () => {
    for (let month = 1; month <= 12; month++) {
      const names = [...ARABIC_MONTHS].filter(([, n]) => n === month).map(([name]) => name);
      expect(names.length, `month ${month}`).toBeGreaterThanOrEqual(2);
    }
    expect(ARABIC_MONTHS.get('ايلول')).toBe(9);
    expect(ARABIC_MONTHS.get('سبتمبر')).toBe(9);
    expect(ARABIC_MONTHS.get('كانون الثاني')).toBe(1);
  });
});
