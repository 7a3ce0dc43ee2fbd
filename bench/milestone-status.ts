// Scores the milestone matcher and the stance rules on the labelled set in tests/fixtures/milestone-status/
// (sentences and short articles written for marsad in the style of real reporting): milestone F1, stance
// accuracy with per-class precision and recall, history accuracy, and attribution, hedging and event dates.
// `npm run bench` prints it; tests/unit/milestone-status.test.ts holds the targets.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { tagArticle, type Cores } from '../src/cores.js';
import { STANCES, type Stance } from '../src/tagging/schema.js';
import { articleStance } from '../src/tagging/stance.js';

const FIXTURES = fileURLToPath(new URL('../tests/fixtures/milestone-status/', import.meta.url));

interface Expected {
  milestone: string;
  stance: Stance;
  history: boolean;
  hedged?: boolean;
  attribution?: string | null;
  eventDate?: string;
}

export interface LabelledCase {
  id: string;
  lang: 'ar' | 'en';
  published: string;
  title?: string;
  text: string;
  expect: Expected[];
}

/** `heldout` was written apart from the rules and never used to tune them: it measures how they generalise. */
export function readLabelledSet(name: 'sentences' | 'sentences-2' | 'articles' | 'heldout'): LabelledCase[] {
  return parse(readFileSync(`${FIXTURES}${name}.yaml`, 'utf8')) as LabelledCase[];
}

interface Ratio {
  right: number;
  of: number;
}

export interface StatusScore {
  cases: number;
  milestones: { tp: number; fp: number; fn: number; precision: number; recall: number; f1: number };
  stance: { accuracy: number; right: number; of: number; perClass: Record<Stance, { precision: number; recall: number; support: number }> };
  history: Ratio & { accuracy: number };
  attribution: Ratio & { accuracy: number };
  hedged: Ratio & { accuracy: number };
  eventDate: Ratio & { accuracy: number };
  /** What went wrong, case by case: for tuning the lexicons. */
  errors: string[];
}

const ratio = (r: Ratio) => (r.of === 0 ? 1 : r.right / r.of);

export function scoreStatus(cores: Cores, cases: readonly LabelledCase[]): StatusScore {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const confusion = new Map<string, number>();
  const history: Ratio = { right: 0, of: 0 };
  const attribution: Ratio = { right: 0, of: 0 };
  const hedged: Ratio = { right: 0, of: 0 };
  const eventDate: Ratio = { right: 0, of: 0 };
  const errors: string[] = [];
  for (const c of cases) {
    const tags = tagArticle(cores, { title: c.title ?? null, text: c.text, published: c.published });
    const found = new Map(tags.milestones.map((m) => [m.id, m]));
    for (const e of c.expect) {
      const got = found.get(e.milestone);
      if (!got) {
        fn++;
        errors.push(`${c.id}: missed ${e.milestone} (${e.stance})`);
        continue;
      }
      tp++;
      confusion.set(`${e.stance}>${got.stance}`, (confusion.get(`${e.stance}>${got.stance}`) ?? 0) + 1);
      if (got.stance !== e.stance) errors.push(`${c.id}: ${e.milestone} ${e.stance} read as ${got.stance}`);
      history.of++;
      if (got.history === e.history) history.right++;
      else errors.push(`${c.id}: ${e.milestone} history ${e.history} read as ${got.history}`);
      const decisive = articleStance(got.mentions).decisive;
      if (e.attribution !== undefined) {
        attribution.of++;
        if ((decisive?.attribution?.who ?? null) === e.attribution) attribution.right++;
        else errors.push(`${c.id}: ${e.milestone} attribution ${e.attribution} read as ${decisive?.attribution?.who ?? null}`);
      }
      if (e.hedged !== undefined) {
        hedged.of++;
        if ((decisive?.hedged ?? false) === e.hedged) hedged.right++;
      }
      if (e.eventDate !== undefined) {
        eventDate.of++;
        if (decisive?.eventDate === e.eventDate) eventDate.right++;
        else errors.push(`${c.id}: ${e.milestone} event date ${e.eventDate} read as ${decisive?.eventDate ?? null}`);
      }
    }
    const expected = new Set(c.expect.map((e) => e.milestone));
    for (const m of tags.milestones) {
      if (expected.has(m.id)) continue;
      fp++;
      errors.push(`${c.id}: spurious ${m.id} (${m.stance}) in «${m.mentions[0]?.evidence.text.slice(0, 120)}»`);
    }
  }
  const perClass = Object.fromEntries(
    STANCES.map((s) => {
      let right = 0;
      let predicted = 0;
      let actual = 0;
      for (const [key, n] of confusion) {
        const [want, got] = key.split('>');
        if (want === s && got === s) right += n;
        if (got === s) predicted += n;
        if (want === s) actual += n;
      }
      return [s, { precision: predicted === 0 ? 1 : right / predicted, recall: actual === 0 ? 1 : right / actual, support: actual }];
    }),
  ) as StatusScore['stance']['perClass'];
  const stanceRight = [...confusion].filter(([k]) => k.split('>')[0] === k.split('>')[1]).reduce((a, [, n]) => a + n, 0);
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  return {
    cases: cases.length,
    milestones: { tp, fp, fn, precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) },
    stance: { accuracy: tp === 0 ? 1 : stanceRight / tp, right: stanceRight, of: tp, perClass },
    history: { ...history, accuracy: ratio(history) },
    attribution: { ...attribution, accuracy: ratio(attribution) },
    hedged: { ...hedged, accuracy: ratio(hedged) },
    eventDate: { ...eventDate, accuracy: ratio(eventDate) },
    errors,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

export function formatStatusScore(name: string, s: StatusScore): string {
  const lines = [
    `${name}: ${s.cases} cases; milestones P ${pct(s.milestones.precision)} R ${pct(s.milestones.recall)} F1 ${s.milestones.f1.toFixed(3)} (tp ${s.milestones.tp}, fp ${s.milestones.fp}, fn ${s.milestones.fn})`,
    `  stance accuracy ${pct(s.stance.accuracy)} (${s.stance.right}/${s.stance.of}); history ${pct(s.history.accuracy)}; attribution ${pct(s.attribution.accuracy)} (${s.attribution.of}); hedged ${pct(s.hedged.accuracy)} (${s.hedged.of}); event date ${pct(s.eventDate.accuracy)} (${s.eventDate.of})`,
    '  stance      precision  recall  support',
    ...STANCES.map((c) => {
      const p = s.stance.perClass[c];
      return `  ${c.padEnd(10)}  ${pct(p.precision).padStart(9)}  ${pct(p.recall).padStart(7)}  ${String(p.support).padStart(7)}`;
    }),
  ];
  return lines.join('\n');
}
