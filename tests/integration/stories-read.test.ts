// The story read model's pure part (buildStory, reasonText, joinText): which link each article shows when
// links were found either way (articles decided at the same moment find each other; an article that arrived
// on its own is joined to the story by a later one), the title and the milestones' stances. No Redis.
import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/model.js';
import { buildStory, joinText, reasonText } from '../../src/stories/read.js';
import type { StoryLinkRecord } from '../../src/store/story-store.js';
import type { Stance } from '../../src/tagging/schema.js';

function article(id: string, seq: number, published: string | null, extra: Partial<Article> = {}, milestones: [string, Stance, boolean?][] = []): Article {
  return {
    id,
    origin: { kind: 'seed', file: `${id}.json` },
    url: `https://example.org/${id}`,
    canonicalUrl: null,
    source: `Outlet ${id.slice(-1)}`,
    author: null,
    byline: null,
    title: `title ${id.slice(-1)}`,
    published,
    language: 'en',
    text: '',
    bases: [],
    topics: [],
    milestones: milestones.map(([mid, stance, history]) => ({ id: mid, stance, history: history ?? false, evidence: [], mentions: [] })),
    tags: { bases: [], topics: [] },
    duplicateOf: null,
    duplicateMatch: null,
    similarity: null,
    alsoReportedBy: [],
    contentHash: '',
    seq,
    firstSeen: '2025-09-20T00:00:00.000Z',
    stage: 'alerted',
    baseline: false,
    warnings: [],
    ...extra,
  };
}

const same = (w: string, score: number, reasons = ['base:ain-al-asad']): StoryLinkRecord => ({ with: w, kind: 'same-event', reasons, score });

describe('buildStory', () => {
  it('articles oldest first by report date (published, else first seen); the oldest is the first report', () => {
    const a = article('000000000000000a', 3, '2025-09-10T08:00:00Z');
    const b = article('000000000000000b', 1, '2025-09-10T11:00:00Z');
    const c = article('000000000000000c', 2, null, { firstSeen: '2025-09-11T00:00:00Z', language: 'ar' });
    // b arrived first (no links), a and c were decided at once and found each other and b.
    const links = new Map([
      [a.id, [same(b.id, 8), same(c.id, 9)]],
      [c.id, [same(a.id, 9), same(b.id, 7)]],
    ]);
    const s = buildStory('st-000000000000000a', [c, b, a], links);
    expect(s.articles.map((x) => x.id)).toEqual([a.id, b.id, c.id]);
    expect(s.articles[0]!.joined.kind).toBe('first');
    // b has no record of its own: it shows a's link to it, a being the earlier report.
    expect(s.articles[1]!.joined).toMatchObject({ kind: 'same-event', with: a.id, withTitle: 'title a', score: 8 });
    expect(s.articles[1]!.joined.later).toBeUndefined();
    // c shows the best of its links to earlier reports (a: 9 over b: 7).
    expect(s.articles[2]!.joined).toMatchObject({ kind: 'same-event', with: a.id, score: 9 });
    // Every link of an article, either way, once per pair, oldest first.
    expect(s.articles[0]!.links.map((l) => [l.with, l.later ?? false])).toEqual([[b.id, true], [c.id, true]]);
    expect(s.firstReport).toBe('2025-09-10T08:00:00Z');
    expect(s.latestReport).toBe('2025-09-11T00:00:00Z');
    expect(s.languages).toEqual(['ar', 'en']);
    expect(s.outlets).toEqual(['Outlet a', 'Outlet b', 'Outlet c']);
  });

  it('a reprint is preferred over a same-event link; the title is that of the earliest original', () => {
    const orig = article('000000000000000a', 1, '2025-09-10T09:00:00Z');
    const early = article('000000000000000b', 2, '2025-09-10T08:00:00Z', { duplicateOf: orig.id, title: 'reprint title' });
    const other = article('000000000000000c', 3, '2025-09-10T10:00:00Z');
    const links = new Map<string, StoryLinkRecord[]>([
      [early.id, [{ with: orig.id, kind: 'reprint', reasons: ['shares 62 % of its wording'], jaccard: 0.62, containment: 0.9 }]],
      [other.id, [same(orig.id, 6), { with: early.id, kind: 'reprint', reasons: ['near duplicate'] }]],
    ]);
    const s = buildStory('st-000000000000000a', [orig, early, other], links, new Map([[early.id, orig.id]]));
    // The reprint was published before its original: it is the oldest report, the original's title leads.
    expect(s.title).toBe('title a');
    expect(s.articles.map((x) => x.id)).toEqual([early.id, orig.id, other.id]);
    expect(s.articles[0]!.joined.kind).toBe('first');
    expect(s.articles[0]!.duplicateOf).toBe(orig.id);
    expect(s.articles[1]!.joined).toMatchObject({ kind: 'reprint', with: early.id, jaccard: 0.62 });
    expect(joinText(s.articles[1]!.joined)).toBe('reprint of reprint title (62 % of its wording)');
    expect(s.articles[2]!.joined).toMatchObject({ kind: 'reprint', with: early.id });
  });

  it('an article linked only to later reports shows the best of those (later: true)', () => {
    const first = article('000000000000000a', 1, '2025-09-10T08:00:00Z');
    const lone = article('000000000000000b', 2, '2025-09-10T09:00:00Z');
    const bridge = article('000000000000000c', 3, '2025-09-10T10:00:00Z');
    const links = new Map([[bridge.id, [same(first.id, 7), same(lone.id, 6)]]]);
    const s = buildStory('st-000000000000000a', [first, lone, bridge], links);
    expect(s.articles[1]!.joined).toMatchObject({ kind: 'same-event', with: bridge.id, later: true, score: 6 });
    expect(s.articles[2]!.joined).toMatchObject({ with: first.id, score: 7 });
  });

  it("milestones: the stance of the latest report that is not history, and every stance seen, in the config's order", () => {
    const a = article('000000000000000a', 1, '2025-09-10', {}, [['harir-exit', 'scheduled'], ['ain-al-asad-exit', 'started']]);
    const b = article('000000000000000b', 2, '2025-09-11', {}, [['ain-al-asad-exit', 'completed']]);
    const c = article('000000000000000c', 3, '2025-09-12', {}, [['ain-al-asad-exit', 'denied', true]]);
    const s = buildStory('st-000000000000000a', [c, b, a], new Map(), new Map(), ['ain-al-asad-exit', 'harir-exit']);
    expect(s.milestones).toEqual([
      { id: 'ain-al-asad-exit', stance: 'completed', stances: ['started', 'completed'] },
      { id: 'harir-exit', stance: 'scheduled', stances: ['scheduled'] },
    ]);
  });
});

describe('reasons as text', () => {
  it('concepts read as "kind id", actors and speakers by their English name', () => {
    const names = new Map([['joint-operations-command', { en: 'the Joint Operations Command', ar: 'قيادة العمليات المشتركة' }]]);
    expect(reasonText('base:ain-al-asad', names)).toBe('base ain-al-asad');
    expect(reasonText('actor:joint-operations-command', names)).toBe('actor Joint Operations Command');
    expect(reasonText('speaker:pentagon', names)).toBe('speaker pentagon');
    expect(reasonText('milestone:ain-al-asad-exit (completed)')).toBe('milestone ain-al-asad-exit (completed)');
    expect(reasonText('shares 62 % of its wording')).toBe('shares 62 % of its wording');
    expect(joinText({ kind: 'same-event', with: 'x', withTitle: 'T', reasons: ['base:ain-al-asad', 'event:convoy', 'actor:joint-operations-command'] }, names)).toBe(
      'same event as T because: base ain-al-asad, event convoy, actor Joint Operations Command',
    );
    expect(joinText({ kind: 'first', with: null, withTitle: null, reasons: [] })).toBe('first report');
  });
});
