// Whether two articles are one story, and why: a reprint (the same report, rewritten or cut), or the same
// event reported separately (shared anchors and concepts in their leads within the window, nothing
// outweighing them). The decision is symmetric, so the grouping does not depend on the order in which
// articles arrive. Pure.
import type { Stance } from '../tagging/schema.js';
import { conceptWeight, isAnchor, UNNAMED, type CompiledStoryLexicon, type StoryFeatures } from './features.js';

export interface TextOverlap {
  /** Jaccard of the two texts' word 3-shingle sets. */
  jaccard: number;
  /** Share of the smaller set found in the larger. */
  containment: number;
}

/** Jaccard and containment of two texts' shingle sets (word 3-shingle hashes). */
export function textOverlap(a: ReadonlySet<number>, b: ReadonlySet<number>): TextOverlap {
  let shared = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) shared++;
  const union = a.size + b.size - shared;
  return { jaccard: union === 0 ? 0 : shared / union, containment: small.size === 0 ? 0 : shared / small.size };
}

export type StoryLink =
  | { kind: 'reprint'; jaccard: number; containment: number; reasons: string[] }
  | { kind: 'same-event'; score: number; reasons: string[] };

export type NoLink = { kind: 'none'; why: string };

const DAY_MS = 86_400_000;
/** Kinds of event that tell events apart (a convoy, a drone attack); a withdrawal is named by every report here. */
const SPECIFIC = 1;

/** Stances on one milestone that one event can carry: the same, or a denial or unclear word on it. */
function compatible(a: Stance, b: Stance): boolean {
  return a === b || a === 'denied' || b === 'denied' || a === 'unclear' || b === 'unclear';
}

export function linkStories(lexicon: CompiledStoryLexicon, a: StoryFeatures, b: StoryFeatures, overlap: TextOverlap | null): StoryLink | NoLink {
  const { config } = lexicon;
  const days = Math.abs(a.day - b.day) / DAY_MS;
  if (days > config.window_days) return { kind: 'none', why: `${days} days apart` };
  if (overlap && a.language === b.language && (overlap.jaccard >= config.reprint.jaccard || overlap.containment >= config.reprint.containment)) {
    const why = overlap.jaccard >= config.reprint.jaccard ? `shares ${pct(overlap.jaccard)} of its wording` : `${pct(overlap.containment)} of the shorter text is in the longer`;
    return { kind: 'reprint', jaccard: overlap.jaccard, containment: overlap.containment, reasons: [why] };
  }
  const weights = config.same_event.weights;
  const weight = (c: string) => conceptWeight(lexicon, c);
  const inB = new Set(b.lead);
  const shared = a.lead.filter((c) => inB.has(c));
  // Two bases, or two kinds of event, named in the leads and none in common: two events.
  const disjoint = (pick: (c: string) => boolean) => {
    const x = a.lead.filter(pick);
    const y = b.lead.filter(pick);
    return x.length > 0 && y.length > 0 && !x.some((c) => inB.has(c));
  };
  if (disjoint((c) => c.startsWith('base:'))) return { kind: 'none', why: 'different bases' };

  const reasons = [...shared];
  let score = shared.reduce((sum, c) => sum + weight(c), 0);
  // Kinds of event that tell two events apart: none in common, or one that a report of it would name
  // (an attack, a visit) named by one lead only.
  const oneSided = [...a.lead.filter((c) => !inB.has(c)), ...b.lead.filter((c) => !a.lead.includes(c))].filter((c) => lexicon.defining.has(c));
  if (disjoint((c) => c.startsWith('event:') && weight(c) > SPECIFIC)) score -= config.same_event.other_event;
  score -= oneSided.length * config.same_event.other_event;
  let milestones = 0;
  // A denial answers a report from someone else: no penalty for the other speaker.
  let denial = a.lead.includes('event:denial') !== b.lead.includes('event:denial');
  for (const [m, stance] of Object.entries(a.stances)) {
    const other = b.stances[m];
    if (other === undefined) continue;
    milestones++;
    denial ||= (stance === 'denied') !== (other === 'denied');
    if (compatible(stance, other)) {
      score += weights.milestone;
      reasons.push(`milestone:${m} (${stance === other ? stance : `${stance}/${other}`})`);
    } else score -= config.same_event.other_stance;
  }
  if (a.speaker !== null && b.speaker !== null) {
    if (a.speaker === b.speaker) {
      score += config.same_event.same_speaker;
      reasons.push(`speaker:${a.speaker}`);
    } else if (!denial) score -= config.same_event.other_speaker;
  }
  // An anchor: a base, a place or a milestone in common, or one named speaker quoted by both.
  const sameSpeaker = a.speaker !== null && a.speaker === b.speaker && a.speaker !== UNNAMED;
  if (milestones === 0 && !sameSpeaker && !shared.some((c) => isAnchor(lexicon, c))) return { kind: 'none', why: 'no shared base, place, milestone or speaker' };
  if (score < config.same_event.min_score) return { kind: 'none', why: `score ${score} (${reasons.join(', ') || 'nothing shared'})` };
  return { kind: 'same-event', score, reasons };
}

const pct = (x: number) => `${Math.round(x * 100)} %`;
