// Milestone mentions: a milestone's subject (one of its bases, or a scope such as "the coalition's
// mission") in a sentence, with a withdrawal / handover / closure / relocation / timeline statement in
// that sentence or the next. The statement lexicon and the scope word lists live in
// config/milestones.yaml and are compiled once, like the gazetteer.
import {
  buildEvidence,
  compileTerms,
  EVIDENCE_CAP,
  findTags,
  findTerms,
  nonOverlapping,
  phraseEntries,
  prepareText,
  type Evidence,
  type Found,
  type Gazetteer,
  type PreparedText,
  type TermIndex,
} from './gazetteer.js';
import type { Milestones, Stance, StanceLexicon } from './schema.js';
import { articleStance, classifyMention, compileStance, findCues, type CompiledStance, type MentionStance } from './stance.js';

/** One mention: a subject sentence (and the statement's when it is the next one), and what it says. */
export interface Mention extends MentionStance {
  evidence: Evidence;
}

export interface MilestoneMention {
  id: string;
  /** The article's stance on the milestone: its most specific mention that is not background. */
  stance: Stance;
  /** Every mention is about an event before the milestone's window: shown, never counted. */
  history: boolean;
  evidence: Evidence[];
  mentions: Mention[];
}

/** Mentions kept per milestone (the deciding one always among them), so long articles stay small. */
export const MENTION_CAP = 8;

/** A statement phrase, or a phrase of the named term list `id`. */
type Lexeme = { kind: 'statement' } | { kind: 'term'; id: string };

export interface CompiledMilestones {
  gazetteer: Gazetteer;
  index: TermIndex<Lexeme>;
  stance: CompiledStance;
  milestones: { id: string; bases: Set<string>; scope: string[][]; due: string; from: string }[];
}

/** `gazetteer` supplies the base names, so a base is recognized the same way as in tagText. */
export function compileMilestones(config: Milestones, gazetteer: Gazetteer, lexicon: StanceLexicon): CompiledMilestones {
  const entries = [
    ...phraseEntries<Lexeme>(config.statements, { kind: 'statement' }),
    ...Object.entries(config.terms).flatMap(([id, phrases]) => phraseEntries<Lexeme>(phrases, { kind: 'term', id })),
  ];
  return {
    gazetteer,
    index: compileTerms(entries),
    stance: compileStance(lexicon),
    milestones: config.milestones.map((m) => ({ id: m.id, bases: new Set(m.bases), scope: m.scope, due: m.due, from: m.from })),
  };
}

/**
 * Milestones the text mentions, in config order, each with its mentions classified (stance, attribution,
 * history) and about EVIDENCE_CAP sentences of evidence. `published` (ISO) dates the report: relative
 * dates resolve against it, and a report from before a milestone's window is history.
 */
export function matchMilestones(compiled: CompiledMilestones, text: string | PreparedText, published: string | null = null): MilestoneMention[] {
  const prepared = typeof text === 'string' ? prepareText(text) : text;
  let cues: ReturnType<typeof findCues> | null = null;
  const bases = prepared.sentences.map(() => new Map<string, Found<unknown>[]>());
  for (const m of findTags(compiled.gazetteer, prepared)) {
    if (m.data.kind === 'base') push(bases[m.sentence]!, m.data.id, m);
  }
  const statements = prepared.sentences.map(() => [] as Found<unknown>[]);
  const terms = prepared.sentences.map(() => new Map<string, Found<unknown>[]>());
  const lexemes = nonOverlapping(findTerms(compiled.index, prepared), (d) => (d.kind === 'term' ? d.id : d.kind));
  for (const f of lexemes) {
    if (f.data.kind === 'statement') statements[f.sentence]!.push(f);
    else push(terms[f.sentence]!, f.data.id, f);
  }

  // Each milestone's subject matches per sentence, so a mention knows the other milestones beside it.
  const subjects = compiled.milestones.map((milestone) =>
    prepared.sentences.map((_, s) => {
      const subject = [...milestone.bases].flatMap((b) => bases[s]!.get(b) ?? []);
      for (const group of milestone.scope) {
        if (group.every((id) => terms[s]!.has(id))) subject.push(...group.flatMap((id) => terms[s]!.get(id)!));
      }
      return subject;
    }),
  );
  const result: MilestoneMention[] = [];
  compiled.milestones.forEach((milestone, mi) => {
    const found: Found<unknown>[] = [];
    const sentences = new Set<number>();
    const mentions: Mention[] = [];
    for (let s = 0; s < prepared.sentences.length; s++) {
      const subject = subjects[mi]![s]!;
      if (subject.length === 0) continue;
      // The statement may follow the subject in the next sentence: "… قاعدة حرير. ومن المقرر إخلاؤها بحلول …".
      const at = statements[s]!.length > 0 ? s : (statements[s + 1]?.length ?? 0) > 0 ? s + 1 : -1;
      if (at < 0) continue;
      const matched = at === s ? [...subject, ...statements[s]!] : [...subject, ...statements[s]!, ...statements[at]!];
      const scope = at === s ? [s] : [s, at];
      const rivals = subjects.flatMap((other, oi) => (oi === mi ? [] : scope.flatMap((x) => other[x]!)));
      cues ??= findCues(compiled.stance, prepared);
      const stance = classifyMention(compiled.stance, prepared, cues, { sentences: scope, anchors: subject, rivals }, milestone, published);
      mentions.push({ ...stance, evidence: mentionEvidence(prepared, matched, scope) });
      // The evidence stays bounded (a subject and its statement sentence stay together).
      if (sentences.size < EVIDENCE_CAP) {
        found.push(...matched);
        for (const x of scope) sentences.add(x);
      }
    }
    if (mentions.length === 0) return;
    const { stance, history, decisive } = articleStance(mentions);
    const kept = mentions.slice(0, MENTION_CAP);
    if (decisive && !kept.includes(decisive)) kept[kept.length - 1] = decisive;
    result.push({ id: milestone.id, stance, history, evidence: buildEvidence(prepared, found, sentences.size), mentions: kept });
  });
  return result;
}

/** One evidence entry over the mention's one or two sentences. */
function mentionEvidence(prepared: PreparedText, matched: Found<unknown>[], scope: number[]): Evidence {
  const start = prepared.sentences[scope[0]!]!.start;
  const end = prepared.sentences[scope[scope.length - 1]!]!.end;
  const matches = buildEvidence(prepared, matched, scope.length).flatMap((e) => e.matches);
  return { text: prepared.text.slice(start, end), start, end, matches };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
