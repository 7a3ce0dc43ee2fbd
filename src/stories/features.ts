// What an article says about its event, as language-independent concepts: the bases and milestones it
// is tagged with (and its stance on each), the places, kinds of event and people of config/stories.yaml,
// the actors of config/stance.yaml, and the numbers of its lead. An Arabic and an English report of one
// statement share them. Pure; compiled once from the config like the gazetteer.
import { compileTerms, findTerms, prepareText, tagText, type Gazetteer, type TermIndex } from '../tagging/gazetteer.js';
import type { Stance, StanceLexicon } from '../tagging/schema.js';
import { toAsciiDigits } from '../text/dates.js';
import { splitSentences } from '../text/arabic.js';
import type { EntityKind, StoriesConfig } from './schema.js';

type Concept = { kind: EntityKind | 'actor'; id: string };

export interface CompiledStoryLexicon {
  index: TermIndex<Concept>;
  config: StoriesConfig;
  /** Weight of each concept of the lexicon (`event:convoy` → 2); kinds' weights for the rest. */
  weights: Map<string, number>;
  /** Kinds of event a report of them always names in its lead. */
  defining: Set<string>;
}

export function compileStoryLexicon(config: StoriesConfig, stance: Pick<StanceLexicon, 'actors'>): CompiledStoryLexicon {
  const entries: [string, Concept][] = [];
  for (const e of config.entities) for (const p of [...e.ar, ...e.en]) entries.push([p, { kind: e.kind, id: e.id }]);
  for (const a of stance.actors) for (const p of [...a.ar, ...a.en]) entries.push([p, { kind: 'actor', id: a.id }]);
  const weights = new Map(config.entities.map((e) => [`${e.kind}:${e.id}`, e.weight ?? config.same_event.weights[e.kind]]));
  const defining = new Set(config.entities.filter((e) => e.defining).map((e) => `${e.kind}:${e.id}`));
  return { index: compileTerms(entries), config, weights, defining };
}

/** What the story step keeps per article: small, so candidates are compared without reading articles. */
export interface StoryFeatures {
  id: string;
  language: string;
  /** The report's day (ms at 00:00 UTC): reports of one event come out within days of each other. */
  day: number;
  /**
   * What the headline and lead name: `base:…`, `place:…`, `event:…`, `person:…`, `actor:…`, `number:…`,
   * sorted. The lead says what happened; the body retells earlier events as background.
   */
  lead: string[];
  /** Tracked milestones the article is news on, with its stance on each (history apart). */
  stances: Record<string, Stance>;
  /** Who the lead quotes (the first actor next to a speech verb), when it quotes someone. */
  speaker: string | null;
}

/** The title and the first sentences: where a report says what happened, before its background. */
const LEAD_SENTENCES = 2;
const DAY_MS = 86_400_000;

export interface FeatureInput {
  id: string;
  title: string | null;
  text: string;
  language: string;
  published: string | null;
  firstSeen: string;
  milestones: readonly { id: string; stance: Stance; history: boolean; mentions: readonly { attribution: { who: string } | null; history: boolean; background: boolean }[] }[];
}

export function storyFeatures(lexicon: CompiledStoryLexicon, gazetteer: Gazetteer, article: FeatureInput): StoryFeatures {
  const sentences = splitSentences(article.text);
  const leadEnd = sentences[Math.min(LEAD_SENTENCES, sentences.length) - 1]?.end ?? 0;
  const lead = `${article.title ?? ''}\n${article.text.slice(0, leadEnd)}`;
  const leadPrepared = prepareText(lead);
  const concepts = new Set<string>();
  for (const f of findTerms(lexicon.index, leadPrepared)) concepts.add(`${f.data.kind}:${f.data.id}`);
  for (const t of tagText(gazetteer, leadPrepared).bases) concepts.add(`base:${t.id}`);
  for (const n of leadNumbers(lead)) concepts.add(`number:${n}`);
  const stances: Record<string, Stance> = {};
  let speaker: string | null = null;
  for (const m of article.milestones) {
    if (m.history) continue;
    stances[m.id] = m.stance;
    speaker ??= m.mentions.find((x) => !x.history && !x.background && x.attribution)?.attribution?.who ?? null;
  }
  // Else, in a report on a milestone, the headline's first actor: headlines lead with who speaks
  // ("Pentagon says …", "البنتاغون يعلن …").
  if (speaker === null && article.title && Object.keys(stances).length > 0) {
    const actors = findTerms(lexicon.index, prepareText(article.title)).filter((f) => f.data.kind === 'actor');
    speaker = actors.sort((a, b) => a.start - b.start)[0]?.data.id ?? null;
  }
  const day = Date.parse((article.published ?? article.firstSeen).slice(0, 10));
  return { id: article.id, language: article.language, day: Math.floor(day / DAY_MS) * DAY_MS, lead: [...concepts].sort(), stances, speaker };
}

/** Numbers of two digits or more that are not years: "2,500", "٢٥٠٠", "150". */
function leadNumbers(text: string): string[] {
  const out = new Set<string>();
  for (const m of toAsciiDigits(text).matchAll(/(?<![\d.])\d{1,3}(?:[,٬]\d{3})+(?![\d])|(?<![\d.,٬])\d+(?![\d])/g)) {
    const n = m[0].replace(/[,٬]/g, '');
    if (n.length < 2 || /^(19|20)\d\d$/.test(n) || /^0/.test(n)) continue;
    out.add(n);
  }
  return [...out];
}

/**
 * The concepts a candidate is looked up by: exactly what a link between separate reports needs one of
 * (a base or a place specific enough, a rare kind of event, a milestone, a named speaker), so that no possible link is missed
 * and a country or the capital, named by half the news, does not flood the candidates.
 */
export function lookupConcepts(lexicon: CompiledStoryLexicon, f: StoryFeatures): string[] {
  return [
    ...f.lead.filter((c) => isAnchor(lexicon, c)),
    ...Object.keys(f.stances).map((m) => `milestone:${m}`),
    ...(f.speaker !== null && f.speaker !== UNNAMED ? [`speaker:${f.speaker}`] : []),
  ];
}

const ANCHOR = /^(base|place):/;
/** A place this light (a country, a region, the capital) is too broad to anchor a story on its own. */
const ANCHOR_WEIGHT = 2;
/** A kind of event this rare anchors a story like a place (a joint statement). */
const ANCHOR_EVENT_WEIGHT = 3;
/** Unnamed sources speak in every other report: no anchor. */
export const UNNAMED = 'unnamed-sources';

export function conceptWeight(lexicon: CompiledStoryLexicon, concept: string): number {
  const weights = lexicon.config.same_event.weights;
  return lexicon.weights.get(concept) ?? weights[concept.slice(0, concept.indexOf(':')) as keyof typeof weights] ?? 0;
}

export function isAnchor(lexicon: CompiledStoryLexicon, concept: string): boolean {
  const weight = conceptWeight(lexicon, concept);
  return (ANCHOR.test(concept) && weight >= ANCHOR_WEIGHT) || (concept.startsWith('event:') && weight >= ANCHOR_EVENT_WEIGHT);
}
