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
import type { Milestones } from './schema.js';

export interface MilestoneMention {
  id: string;
  evidence: Evidence[];
}

/** A statement phrase, or a phrase of the named term list `id`. */
type Lexeme = { kind: 'statement' } | { kind: 'term'; id: string };

export interface CompiledMilestones {
  gazetteer: Gazetteer;
  index: TermIndex<Lexeme>;
  milestones: { id: string; bases: Set<string>; scope: string[][] }[];
}

/** `gazetteer` supplies the base names, so a base is recognized the same way as in tagText. */
export function compileMilestones(config: Milestones, gazetteer: Gazetteer): CompiledMilestones {
  const entries = [
    ...phraseEntries<Lexeme>(config.statements, { kind: 'statement' }),
    ...Object.entries(config.terms).flatMap(([id, phrases]) => phraseEntries<Lexeme>(phrases, { kind: 'term', id })),
  ];
  return {
    gazetteer,
    index: compileTerms(entries),
    milestones: config.milestones.map((m) => ({ id: m.id, bases: new Set(m.bases), scope: m.scope })),
  };
}

/** Milestones the text mentions, in config order, each with about EVIDENCE_CAP sentences of evidence. */
export function matchMilestones(compiled: CompiledMilestones, text: string | PreparedText): MilestoneMention[] {
  const prepared = typeof text === 'string' ? prepareText(text) : text;
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

  const mentions: MilestoneMention[] = [];
  for (const milestone of compiled.milestones) {
    const found: Found<unknown>[] = [];
    const sentences = new Set<number>();
    for (let s = 0; s < prepared.sentences.length && sentences.size < EVIDENCE_CAP; s++) {
      const subject = [...milestone.bases].flatMap((b) => bases[s]!.get(b) ?? []);
      for (const group of milestone.scope) {
        if (group.every((id) => terms[s]!.has(id))) subject.push(...group.flatMap((id) => terms[s]!.get(id)!));
      }
      if (subject.length === 0) continue;
      // The statement may follow the subject in the next sentence: "… قاعدة حرير. ومن المقرر إخلاؤها بحلول …".
      const at = statements[s]!.length > 0 ? s : (statements[s + 1]?.length ?? 0) > 0 ? s + 1 : -1;
      if (at < 0) continue;
      found.push(...subject, ...statements[s]!);
      sentences.add(s);
      if (at !== s) {
        found.push(...statements[at]!);
        sentences.add(at);
      }
    }
    // The loop bounds the evidence (a subject and its statement sentence stay together).
    if (found.length > 0) mentions.push({ id: milestone.id, evidence: buildEvidence(prepared, found, sentences.size) });
  }
  return mentions;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
