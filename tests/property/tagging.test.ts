// Tagging, milestones with their stance, and story features on garbage: no exception, bounded time,
// evidence offsets inside the text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { compileCores, tagArticle } from '../../src/cores.js';
import { storyFeatures } from '../../src/stories/features.js';
import { garbageText, hugeText, RUNS, withinBound } from './garbage.js';

const cores = compileCores(loadConfig());
const STANCES = ['scheduled', 'started', 'completed', 'delayed', 'denied', 'unclear'];

describe('tagging on garbage', () => {
  it('tags, milestones and stances: no exception, evidence inside the text', () => {
    fc.assert(
      fc.property(
        fc.oneof({ weight: 4, arbitrary: garbageText }, { weight: 1, arbitrary: hugeText.map((t) => t.slice(0, 100_000)) }),
        fc.option(garbageText.map((t) => t.slice(0, 200))),
        fc.constantFrom(null, '2026-03-01', '2019-05-05T10:00:00Z'),
        (text, title, published) => {
          const tags = withinBound(() => tagArticle(cores, { title, text, published }));
          for (const hit of [...tags.tags.bases, ...tags.tags.topics]) {
            for (const e of hit.evidence) {
              expect(text.slice(e.start, e.end)).toBe(e.text);
              for (const m of e.matches) expect(text.slice(m.start, m.end)).toBe(m.text);
            }
          }
          for (const m of tags.milestones) expect(STANCES).toContain(m.stance);
          const features = withinBound(() =>
            storyFeatures(cores.stories, cores.gazetteer, {
              id: 'a',
              title,
              text,
              language: 'ar',
              published,
              firstSeen: '2026-03-02T00:00:00Z',
              milestones: tags.milestones,
            }),
          );
          expect(Number.isFinite(features.day)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
