// Arabic normalisation, sentences, language, dates and event dates on garbage: no exception, bounded time,
// and the invariants callers rely on (spans and token offsets inside the text, sentences capped).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectLanguage, MAX_SENTENCE_CHARS, normalizeText, splitSentences, stems, tokenize, words } from '../../src/text/arabic.js';
import { findDates, parseDate, toIsoDate } from '../../src/text/dates.js';
import { findEventDates } from '../../src/text/event-dates.js';
import { garbageText, hugeText, RUNS, withinBound } from './garbage.js';

const anyText = fc.oneof({ weight: 4, arbitrary: garbageText }, { weight: 1, arbitrary: hugeText });

describe('text cores on garbage', () => {
  it('normalizeText, tokenize, words and stems: no exception, offsets inside the text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        withinBound(() => {
          normalizeText(text);
          words(text);
          for (const t of tokenize(text)) {
            expect(t.start).toBeGreaterThanOrEqual(0);
            expect(t.end).toBeLessThanOrEqual(text.length);
            expect(t.start).toBeLessThan(t.end);
            if (t.norm.length < 200) stems(t.norm);
          }
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('splitSentences: ordered spans inside the text, none longer than MAX_SENTENCE_CHARS', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const spans = withinBound(() => splitSentences(text));
        let end = 0;
        for (const s of spans) {
          expect(s.start).toBeGreaterThanOrEqual(end);
          expect(s.end).toBeGreaterThan(s.start);
          expect(s.end - s.start).toBeLessThanOrEqual(MAX_SENTENCE_CHARS);
          end = s.end;
        }
        expect(end).toBeLessThanOrEqual(text.length);
        expect(['ar', 'en', 'und']).toContain(detectLanguage(text));
      }),
      { numRuns: RUNS },
    );
  });

  it('findDates, parseDate and findEventDates: no exception, valid ISO dates', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom(null, '2026-01-15', '2025-09-30T08:00:00Z'), fc.constantFrom('past' as const, 'future' as const), (text, published, tense) => {
        withinBound(() => {
          for (const m of findDates(text)) {
            const iso = toIsoDate(m);
            if (iso !== null) expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}/);
          }
          parseDate(text.slice(0, 200));
          for (const s of splitSentences(text).slice(0, 200)) {
            const tokens = tokenize(text.slice(s.start, s.end)).map((t) => ({ ...t, start: t.start + s.start, end: t.end + s.start }));
            for (const d of findEventDates(text, tokens, published, tense)) expect(d.value).toMatch(/^\d{4}(-\d{2}(-\d{2})?)?$/);
          }
        });
      }),
      { numRuns: RUNS },
    );
  });
});
