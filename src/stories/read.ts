// The read model of stories: one event's reports across outlets and languages, as `marsad stories`,
// `/api/stories` and the story page show them. Reads the story index of the story stage (story-store.ts) and
// the stored articles; writes nothing.
import type { App } from '../app.js';
import type { ActorNames } from '../milestones/assess.js';
import type { Article } from '../model.js';
import type { StoryLinkRecord } from '../store/story-store.js';
import type { Stance } from '../tagging/schema.js';

/** How an article joined its story. */
export interface StoryJoin {
  /**
   * `first`: the story's oldest report; `reprint`: the same report as `with`, republished; `same-event`: its
   * own report of the event `with` reports.
   */
  kind: 'first' | 'reprint' | 'same-event';
  /** The article it was linked to (null for `first`). */
  with: string | null;
  withTitle: string | null;
  /** Why: concepts both leads name (`base:ain-al-asad`, `event:convoy`, `speaker:pentagon`, …), or the text overlap of a reprint. */
  reasons: string[];
  /** Same event: the weight of what they share. */
  score?: number;
  /** Reprint: Jaccard of the two texts' word 3-shingles, and the share of the shorter text in the longer. */
  jaccard?: number;
  containment?: number;
  /**
   * Added: true when `with` is a later report than this one (an article linked to no earlier report of its
   * story); a `reprint` then means that `with` reprints this one.
   */
  later?: boolean;
}

export interface StoryArticle {
  id: string;
  title: string | null;
  source: string | null;
  url: string | null;
  language: string;
  published: string | null;
  /** The original it reprints (followed up the chain of reprints), or null. */
  duplicateOf: string | null;
  joined: StoryJoin;
  /** Added: when marsad first saw it (a report's date when it has no `published`). */
  firstSeen: string;
  /** Added: every link the story stage recorded between it and another member, either way (`joined` is the most telling), oldest first. */
  links: StoryJoin[];
}

export interface StoryMilestone {
  id: string;
  /** The stance of the story's most recent report on the milestone that is not about an earlier event (history). */
  stance: Stance;
  /** Added: every stance its reports took on it, in the order they first appeared. */
  stances: Stance[];
}

/** A story as `marsad stories --json` and `/api/stories` print it: a contract (fields are added, never renamed). */
export interface Story {
  /** `st-` + the smallest article id among its members. */
  id: string;
  /** The title of its earliest original (earliest reported, not a reprint). */
  title: string | null;
  languages: string[];
  outlets: string[];
  /** The earliest and latest report: each article's `published`, else when marsad first saw it. */
  firstReport: string;
  latestReport: string;
  milestones: StoryMilestone[];
  /** Its articles, oldest first. */
  articles: StoryArticle[];
}

export const STORY_ID = /^st-[0-9a-f]{16}$/;

/** Articles read per page while walking the listing for `listStories`. */
const PAGE = 200;

/** An article's report time: published, else first seen. */
export function reportTime(a: Pick<Article, 'published' | 'firstSeen'>): string {
  return a.published ?? a.firstSeen;
}

function reportMs(a: Pick<Article, 'published' | 'firstSeen'>): number {
  const t = Date.parse(reportTime(a));
  return Number.isNaN(t) ? Date.parse(a.firstSeen) : t;
}

const oldestFirst = (a: Article, b: Article) => reportMs(a) - reportMs(b) || a.seq - b.seq;

function joinOf(record: StoryLinkRecord, titles: ReadonlyMap<string, string | null>, later: boolean): StoryJoin {
  return {
    kind: record.kind,
    with: record.with,
    withTitle: titles.get(record.with) ?? null,
    reasons: record.reasons,
    ...(record.score !== undefined ? { score: record.score } : {}),
    ...(record.jaccard !== undefined ? { jaccard: record.jaccard } : {}),
    ...(record.containment !== undefined ? { containment: record.containment } : {}),
    ...(later ? { later: true } : {}),
  };
}

/** The most telling link: a reprint, else the same event with the highest score, then the earliest article. */
function best(records: readonly StoryLinkRecord[], order: ReadonlyMap<string, number>): StoryLinkRecord | undefined {
  return [...records].sort(
    (a, b) =>
      Number(b.kind === 'reprint') - Number(a.kind === 'reprint') ||
      (b.score ?? 0) - (a.score ?? 0) ||
      (order.get(a.with) ?? Infinity) - (order.get(b.with) ?? Infinity),
  )[0];
}

/**
 * A story from its members' articles and links (pure). `originals` maps each reprint to the original of its
 * chain. A link says two articles are one story, and why, whichever of them found it (articles decided at
 * the same moment find each other): each article shows its best link to an earlier report, the oldest is the
 * first report, and an article linked only to later ones shows its best link to those (`later: true`).
 */
export function buildStory(
  id: string,
  members: readonly Article[],
  links: ReadonlyMap<string, readonly StoryLinkRecord[]>,
  originals: ReadonlyMap<string, string> = new Map(),
  milestoneOrder: readonly string[] = [],
): Story {
  const articles = [...members].sort(oldestFirst);
  const order = new Map(articles.map((a, i) => [a.id, i]));
  const titles = new Map(articles.map((a) => [a.id, a.title]));
  // Every link as seen from both ends, once per pair (the article's own record first).
  const edges = new Map<string, Map<string, StoryLinkRecord>>(articles.map((a) => [a.id, new Map()]));
  for (const a of articles) for (const r of links.get(a.id) ?? []) if (order.has(r.with) && r.with !== a.id) edges.get(a.id)!.set(r.with, r);
  for (const a of articles) for (const r of links.get(a.id) ?? []) if (order.has(r.with) && r.with !== a.id && !edges.get(r.with)!.has(a.id)) edges.get(r.with)!.set(a.id, { ...r, with: a.id });

  const out: StoryArticle[] = articles.map((a, i) => {
    const mine = [...edges.get(a.id)!.values()];
    const isLater = (r: StoryLinkRecord) => order.get(r.with)! > i;
    const earlier = best(mine.filter((r) => !isLater(r)), order);
    const later = best(mine.filter(isLater), order);
    const joined: StoryJoin =
      i > 0 && earlier ? joinOf(earlier, titles, false) : i > 0 && later ? joinOf(later, titles, true) : { kind: 'first', with: null, withTitle: null, reasons: [] };
    return {
      id: a.id,
      title: a.title,
      source: a.source,
      url: a.url,
      language: a.language,
      published: a.published,
      duplicateOf: a.duplicateOf === null ? null : (originals.get(a.id) ?? a.duplicateOf),
      joined,
      firstSeen: a.firstSeen,
      links: mine.sort((x, y) => order.get(x.with)! - order.get(y.with)!).map((r) => joinOf(r, titles, isLater(r))),
    };
  });

  const original = articles.find((a) => a.duplicateOf === null && a.title) ?? articles.find((a) => a.title);
  const distinct = <T>(xs: readonly T[]) => [...new Set(xs)];
  const stances = new Map<string, Stance[]>();
  const latest = new Map<string, Stance>();
  for (const a of articles) {
    for (const m of a.milestones) {
      // Articles tagged before stances were kept have none.
      if (m.history || !m.stance) continue;
      latest.set(m.id, m.stance);
      const seen = stances.get(m.id) ?? [];
      if (!seen.includes(m.stance)) seen.push(m.stance);
      stances.set(m.id, seen);
    }
  }
  const rank = (m: string) => (milestoneOrder.includes(m) ? milestoneOrder.indexOf(m) : milestoneOrder.length);
  const milestones = [...latest.keys()].sort((x, y) => rank(x) - rank(y) || x.localeCompare(y)).map((m) => ({ id: m, stance: latest.get(m)!, stances: stances.get(m)! }));
  const byTime = [...articles].sort((a, b) => reportMs(a) - reportMs(b));
  return {
    id,
    title: original?.title ?? null,
    languages: distinct(articles.map((a) => a.language)).sort(),
    outlets: distinct(articles.flatMap((a) => (a.source ? [a.source] : []))),
    firstReport: byTime.length > 0 ? reportTime(byTime[0]!) : '',
    latestReport: byTime.length > 0 ? reportTime(byTime.at(-1)!) : '',
    milestones,
    articles: out,
  };
}

/**
 * A story by id, or null when there is none. An id that a merge retired (a report with a smaller article id
 * joined later) leads to the story its article is in now: the returned `id` is then the current one.
 */
export async function readStory(app: Pick<App, 'store' | 'stories' | 'config'>, id: string): Promise<Story | null> {
  if (!STORY_ID.test(id)) return null;
  let current = id;
  let memberIds = await app.stories.members(current);
  if (memberIds.length === 0) {
    const [now] = await app.stories.storyOf([id.slice(3)]);
    if (!now) return null;
    current = now;
    memberIds = await app.stories.members(current);
  }
  const members = await app.store.getArticles(memberIds);
  if (members.length === 0) return null;
  const links = await app.stories.links(members.map((a) => a.id));
  const originals = new Map<string, string>();
  for (const a of members) {
    if (a.duplicateOf === null) continue;
    const o = await app.store.originalOf(a.id);
    if (o) originals.set(a.id, o);
  }
  return buildStory(current, members, links, originals, app.config.milestones.milestones.map((m) => m.id));
}

/**
 * The stories of the newest articles (those mentioning `milestone`, when given): the articles are walked
 * newest first, by pages, until `limit` distinct stories are found, and only those stories are read. Ordered
 * by their latest report, newest first.
 */
export async function listStories(app: Pick<App, 'store' | 'stories' | 'config'>, opts: { milestone?: string | undefined; limit: number }): Promise<Story[]> {
  const found: string[] = [];
  const seen = new Set<string>();
  let before: number | undefined;
  while (found.length < opts.limit) {
    const ids = await app.store.listArticleIds({ milestone: opts.milestone }, PAGE, before);
    if (ids.length === 0) break;
    const storyIds = await app.stories.storyOf(ids);
    for (const s of storyIds) {
      if (s === null || seen.has(s)) continue;
      seen.add(s);
      found.push(s);
      if (found.length >= opts.limit) break;
    }
    if (ids.length < PAGE) break;
    const [last] = await app.store.getArticles([ids.at(-1)!]);
    if (!last) break;
    before = last.seq;
  }
  const stories: Story[] = [];
  const kept = new Set<string>();
  for (const id of found) {
    const story = await readStory(app, id);
    // Two ids found a moment apart can be one story by now (a merge in between).
    if (story && !kept.has(story.id)) {
      kept.add(story.id);
      stories.push(story);
    }
  }
  return stories.sort((a, b) => Date.parse(b.latestReport) - Date.parse(a.latestReport) || b.id.localeCompare(a.id));
}

/** A link's reason for people: `base:ain-al-asad` → "base ain-al-asad", an actor or speaker by its English name. */
export function reasonText(reason: string, names: ActorNames = new Map()): string {
  const colon = reason.indexOf(':');
  if (colon < 0 || /\s/.test(reason.slice(0, colon))) return reason;
  const kind = reason.slice(0, colon);
  const rest = reason.slice(colon + 1);
  if (kind === 'actor' || kind === 'speaker') {
    const name = names.get(rest)?.en.replace(/^the /, '');
    return `${kind} ${name ?? rest.replace(/-/g, ' ')}`;
  }
  return `${kind} ${rest}`;
}

/** The reason of a reprint, shortened: "shares 62 % of its wording" → "62 % of its wording". */
export function reprintReason(reasons: readonly string[]): string {
  return reasons.map((r) => r.replace(/^shares /, '')).join('; ');
}

/** How an article joined, in one line of text (the CLI; the page builds the same with links). */
export function joinText(j: StoryJoin, names: ActorNames = new Map()): string {
  const other = j.withTitle ?? j.with ?? '';
  if (j.kind === 'first') return 'first report';
  if (j.kind === 'reprint') {
    const why = reprintReason(j.reasons);
    return `${j.later ? 'reprinted by' : 'reprint of'} ${other}${why ? ` (${why})` : ''}`;
  }
  const why = j.reasons.map((r) => reasonText(r, names)).join(', ');
  return `same event as ${other}${why ? ` because: ${why}` : ''}`;
}
