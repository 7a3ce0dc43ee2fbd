import { describe, expect, it } from 'vitest';
import { corpusFalseMerges, readStorySet, scoreStories } from '../../bench/story-eval.js';
import { loadAntCorpus } from '../../bench/dedup-corpus.js';
import { loadConfig } from '../../src/config/load.js';
import { compileCores } from '../../src/cores.js';
import { linkStories } from '../../src/stories/link.js';
import type { StoryFeatures } from '../../src/stories/features.js';

const cores = compileCores(loadConfig());
const DAY = 86_400_000;
const base = (over: Partial<StoryFeatures>): StoryFeatures => ({ id: 'a', language: 'ar', day: 20_000 * DAY, lead: [], stances: {}, speaker: null, ...over });

describe('story links', () => {
  // [what it shows, a, b, expected kind]
  const cases: [string, Partial<StoryFeatures>, Partial<StoryFeatures>, 'reprint' | 'same-event' | 'none'][] = [
    [
      'one statement reported in Arabic and English',
      { lead: ['actor:joint-operations-command', 'base:ain-al-asad', 'event:handover', 'place:anbar'], stances: { 'ain-al-asad-exit': 'completed' }, speaker: 'joint-operations-command' },
      { language: 'en', lead: ['actor:joint-operations-command', 'base:ain-al-asad', 'event:handover'], stances: { 'ain-al-asad-exit': 'completed' }, speaker: 'joint-operations-command' },
      'same-event',
    ],
    [
      'a convoy and a drone attack on the same base two days apart',
      { lead: ['base:ain-al-asad', 'event:convoy', 'place:anbar'], stances: { 'ain-al-asad-exit': 'started' } },
      { day: 20_002 * DAY, lead: ['base:ain-al-asad', 'event:drone-attack', 'place:anbar'] },
      'none',
    ],
    [
      'two handovers of two bases on one day',
      { lead: ['base:ain-al-asad', 'event:handover'], stances: { 'ain-al-asad-exit': 'completed' } },
      { lead: ['base:baghdad-victory', 'event:handover'], stances: { 'baghdad-exit': 'completed' } },
      'none',
    ],
    [
      'a report and its denial',
      { lead: ['base:baghdad-victory', 'place:green-zone', 'event:withdrawal'], stances: { 'baghdad-exit': 'started' }, speaker: 'unnamed-sources' },
      { lead: ['actor:us-embassy', 'base:baghdad-victory', 'place:green-zone', 'event:denial'], stances: { 'baghdad-exit': 'denied' }, speaker: 'us-embassy' },
      'same-event',
    ],
    [
      'the same event a fortnight later is another story',
      { lead: ['base:ain-al-asad', 'event:handover', 'place:anbar'], stances: { 'ain-al-asad-exit': 'completed' } },
      { day: 20_014 * DAY, lead: ['base:ain-al-asad', 'event:handover', 'place:anbar'], stances: { 'ain-al-asad-exit': 'completed' } },
      'none',
    ],
    ['two reports sharing only a country', { lead: ['place:syria', 'event:attack'] }, { lead: ['place:syria', 'event:attack'] }, 'none'],
  ];
  it.each(cases)('%s', (_what, a, b, kind) => {
    expect(linkStories(cores.stories, base({ ...a, id: 'a' }), base({ ...b, id: 'b' }), null).kind).toBe(kind);
    // Symmetric: the grouping cannot depend on which arrived first.
    expect(linkStories(cores.stories, base({ ...b, id: 'b' }), base({ ...a, id: 'a' }), null).kind).toBe(kind);
  });

  it('takes a cut reprint by containment, in one language only', () => {
    const a = base({ lead: ['base:ain-al-asad'] });
    expect(linkStories(cores.stories, a, base({ id: 'b' }), { jaccard: 0.3, containment: 0.8 }).kind).toBe('reprint');
    expect(linkStories(cores.stories, a, base({ id: 'b', language: 'en' }), { jaccard: 0.3, containment: 0.8 }).kind).toBe('none');
  });
});

describe('stories on the labelled set (tests/fixtures/stories: 68 articles, 20 stories, written for marsad)', () => {
  const score = scoreStories(cores, readStorySet());
  it('groups one event across outlets and languages: pairwise precision >= 0.95, recall >= 0.90', () => {
    expect(score.stories.precision, score.errors.join('\n')).toBeGreaterThanOrEqual(0.95);
    expect(score.stories.recall, score.errors.join('\n')).toBeGreaterThanOrEqual(0.9);
  });
  it('tells reprints from separate reports of one event', () => {
    expect(score.reprints.precision).toBeGreaterThanOrEqual(0.95);
    expect(score.reprints.recall).toBeGreaterThanOrEqual(0.9);
  });
});

// The shared corpus sits beside the repository (../shared), as on developers' machines and in CI.
const corpus = loadAntCorpus();

describe.skipIf(corpus.length === 0)(`real corpus negatives${corpus.length > 0 ? '' : ' (skipped: ../shared/corpora/ant-v1.1 not found)'}`, () => {
  it('merges none of 500 distinct articles, compared as if published on one day', () => {
    const docs = corpus.slice(0, 500);
    expect(docs).toHaveLength(500);
    const result = corpusFalseMerges(cores, docs);
    // The corpus holds some identical copies of one article: those are reprints, rightly merged.
    const wrong = result.merged.filter((m) => !m.includes('(shares 100 % of its wording)'));
    expect(wrong).toEqual([]);
  });
});
