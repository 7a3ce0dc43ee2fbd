// Event dates: absolute, partial and relative to the report's date. Example sentences written for this test.
import { describe, expect, it } from 'vitest';
import { prepareText } from '../../src/tagging/gazetteer.js';
import { endsBefore, findEventDates, startsAfter, type Tense } from '../../src/text/event-dates.js';

function dates(text: string, published: string | null, tense: Tense = 'past'): string[] {
  const prepared = prepareText(text);
  return prepared.tokens.flatMap((tokens) => findEventDates(text, tokens, published, tense)).map((d) => d.value);
}

describe('event dates', () => {
  // [text, published (a Wednesday, 2025-09-17, unless told), tense, values]
  const rows: [string, string, Tense, string[]][] = [
    // weekdays: the last such day (today included) for a report, the next one for a plan
    ['غادر الرتل القاعدة يوم الثلاثاء.', '2025-09-17', 'past', ['2025-09-16']],
    ['The convoy left the base on Wednesday.', '2025-09-17', 'past', ['2025-09-17']],
    ['The convoy left the base on Thursday.', '2025-09-17', 'past', ['2025-09-11']],
    ['The last troops will leave on Monday.', '2025-09-17', 'future', ['2025-09-22']],
    // a bare weekday with no future verb is the report's week even when the sentence is a plan
    ['The ministry announced on Tuesday that troops would leave by the end of the month.', '2025-09-17', 'future', ['2025-09-16']],
    ['الثلاثاء المقبل موعد تسليم القاعدة.', '2025-09-17', 'past', ['2025-09-23']],
    // "أحد" without the article is "anyone"; الأحد and يوم أحد are Sunday
    ['ولا أحد في الحكومة قال إن القاعدة أخليت.', '2025-09-17', 'past', []],
    ['غادر الرتل القاعدة يوم الأحد.', '2025-09-17', 'past', ['2025-09-14']],
    // yesterday, today, the night before
    ['أعلنت الوزارة أمس انتهاء العملية.', '2025-09-17', 'past', ['2025-09-16']],
    ['وأفاد مصدر بالأمس بخروج رتل.', '2025-09-17', 'past', ['2025-09-16']],
    ['The command said yesterday that the handover was complete.', '2025-09-17', 'past', ['2025-09-16']],
    ['غادرت الطائرة فجر اليوم.', '2025-09-17', 'past', ['2025-09-17']],
    ['هبطت الطائرات مساء اليوم الأربعاء.', '2025-09-17', 'past', ['2025-09-17', '2025-09-17']],
    // last month, next month, this year's end
    ['غادرت القوات المعسكر الشهر الماضي.', '2025-10-15', 'past', ['2025-09']],
    ['The base was vacated last month.', '2025-10-15', 'past', ['2025-09']],
    ['The move is due next month.', '2025-10-15', 'future', ['2025-11']],
    ['ستبقى القوات حتى نهاية العام.', '2025-10-15', 'future', ['2025-12']],
    // a month without a year: back for a report, ahead for a plan
    ['سلمت القوات الموقع في أيلول.', '2025-10-15', 'past', ['2025-09']],
    ['ستغادر القوات في أيلول.', '2025-10-15', 'future', ['2026-09']],
    ['The last convoy left in December.', '2026-01-20', 'past', ['2025-12']],
    ['US troops will leave by mid-September.', '2025-08-17', 'future', ['2025-09']],
    // absolute dates and bare years
    ['غادرت القوات الموقع في 15 أيلول/سبتمبر 2025.', '2025-10-15', 'past', ['2025-09-15']],
    ['The combat mission ended in December 2021.', '2025-10-15', 'past', ['2021-12']],
    ['The coalition formally ended its mission on Sept. 30.', '2025-10-01', 'past', ['2025-09-30']],
    ['سلمت القوات الأمريكية القاعدة عام 2011 وعادت إليها عام ٢٠١٤.', '2025-10-15', 'past', ['2011', '2014']],
    ['The base was handed over in 2011.', '2025-10-15', 'past', ['2011']],
  ];
  it.each(rows)('%s (%s)', (text, published, tense, values) => expect(dates(text, published, tense)).toEqual(values));

  it('without a published date only absolute dates and years are found', () => {
    expect(dates('غادرت القوات أمس بعد أن وصلت عام 2014 في 3 آب 2014.', null)).toEqual(['2014', '2014-08-03']);
  });

  it('compares partial dates with days', () => {
    expect(endsBefore('2021-12', '2024-09-01')).toBe(true);
    expect(endsBefore('2024', '2024-09-01')).toBe(false);
    expect(startsAfter('2026-10', '2026-09-30')).toBe(true);
    expect(startsAfter('2026-09', '2026-09-30')).toBe(false);
    expect(startsAfter('2027', '2026-09')).toBe(true);
  });
});
