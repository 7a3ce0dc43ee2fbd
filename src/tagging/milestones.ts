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

/** A statement phrase (a closure one needs a military word beside it), a place marker, or a phrase of the term list `id`. */
type Lexeme = { kind: 'statement' | 'closure' | 'military' | 'destination' } | { kind: 'term'; id: string };

export interface CompiledMilestones {
  gazetteer: Gazetteer;
  index: TermIndex<Lexeme>;
  stance: CompiledStance;
  milestones: { id: string; bases: Set<string>; scope: string[][]; unless: string[]; due: string; from: string }[];
  carry: Set<string>;
  frames: Set<string>;
  anaphors: { terms: string[]; unless: string[]; reach: number } | null;
}

/** `gazetteer` supplies the base names, so a base is recognized the same way as in tagText. */
export function compileMilestones(config: Milestones, gazetteer: Gazetteer, lexicon: StanceLexicon): CompiledMilestones {
  const entries = [
    ...phraseEntries<Lexeme>(config.statements, { kind: 'statement' }),
    ...phraseEntries<Lexeme>(config.closures, { kind: 'closure' }),
    ...phraseEntries<Lexeme>(config.military, { kind: 'military' }),
    ...phraseEntries<Lexeme>(config.destinations, { kind: 'destination' }),
    ...Object.entries(config.terms).flatMap(([id, phrases]) => phraseEntries<Lexeme>(phrases, { kind: 'term', id })),
  ];
  return {
    gazetteer,
    index: compileTerms(entries),
    stance: compileStance(lexicon),
    milestones: config.milestones.map((m) => ({ id: m.id, bases: new Set(m.bases), scope: m.scope, unless: m.unless ?? [], due: m.due, from: m.from })),
    carry: new Set(config.carry ?? []),
    frames: new Set(config.frames ?? []),
    anaphors: config.anaphors ?? null,
  };
}

/** How many words a destination marker may stand before the place it points to ("إلى القاعدة الجوية في مطار أربيل"). */
const DESTINATION_REACH = 4;
/** Words that may stand between a destination marker and the place: the head words of a place's name. */
const PLACE_HEADS = new Set(['the', 'a', 'an', 'its', 'their', 'base', 'air', 'airbase', 'camp', 'city', 'في', 'قاعده', 'القاعده', 'الجويه', 'معسكر', 'مطار', 'مدينه', 'محافظه']);
/** Words that name where forces come from: a destination before one of them is not about the subject after it. */
const FROM_WORDS = new Set(['من', 'from', 'out']);
/** Subjects this few words apart (or fewer) are one list, and share a statement: "من عين الأسد ومطار بغداد". */
const LIST_GAP = 2;

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
  const closures = prepared.sentences.map(() => [] as Found<unknown>[]);
  const military = prepared.sentences.map(() => false);
  const destinations = prepared.sentences.map(() => [] as Found<unknown>[]);
  const terms = prepared.sentences.map(() => new Map<string, Found<unknown>[]>());
  const lexemes = nonOverlapping(findTerms(compiled.index, prepared), (d) => (d.kind === 'term' ? d.id : d.kind));
  for (const f of lexemes) {
    const data = f.data;
    const kind = data.kind;
    if (data.kind === 'term') push(terms[f.sentence]!, data.id, f);
    else if (kind === 'statement') statements[f.sentence]!.push(f);
    else if (kind === 'closure') closures[f.sentence]!.push(f);
    else if (kind === 'military') military[f.sentence] = true;
    else if (kind === 'destination') destinations[f.sentence]!.push(f);
  }
  // "closure", "إغلاق": a statement only where the sentence is about troops or bases.
  closures.forEach((list, s) => {
    if (military[s] && list.length > 0) statements[s] = [...statements[s]!, ...list].sort((a, b) => a.start - b.start);
  });
  const anaphoric = compiled.anaphors ? resolveAnaphors(compiled.anaphors, prepared, bases, terms) : new Set<Found<unknown>>();
  const arriving = (f: Found<unknown>) => isDestination(prepared, f, destinations[f.sentence]!, statements[f.sentence]!);

  // Each milestone's subject matches per sentence, so a mention knows the other milestones beside it.
  const subjects = compiled.milestones.map((milestone) =>
    prepared.sentences.map((_, s) => {
      const subject = [...milestone.bases].flatMap((b) => bases[s]!.get(b) ?? []).filter((f) => !arriving(f));
      if (milestone.unless.some((id) => terms[s]!.has(id))) return subject;
      for (const group of milestone.scope) {
        // A frame ("the full withdrawal from Iraq") beside a named base is the base's context, not a subject.
        if (bases[s]!.size > 0 && group.some((id) => compiled.frames.has(id))) continue;
        const lists = group.map((id) => (terms[s]!.get(id) ?? []).filter((f) => !arriving(f)));
        // A carried list may be found in the sentence before (only this sentence's words are the subject).
        const found = lists.every((l, i) => l.length > 0 || (compiled.carry.has(group[i]!) && s > 0 && terms[s - 1]!.has(group[i]!)));
        if (found && lists.some((l) => l.length > 0)) subject.push(...lists.flat());
      }
      return subject;
    }),
  );
  const result: MilestoneMention[] = [];
  compiled.milestones.forEach((milestone, mi) => {
    const found: Found<unknown>[] = [];
    const sentences = new Set<number>();
    const mentions: Mention[] = [];
    let covered = -1;
    for (let s = 0; s < prepared.sentences.length; s++) {
      const subject = subjects[mi]![s]!;
      if (subject.length === 0) continue;
      // "The base" in the sentence a mention already took as its statement's is that mention.
      if (s <= covered && subject.every((f) => anaphoric.has(f))) continue;
      // Subjects listed with ours ("من عين الأسد ومطار بغداد") share its statements and cues: they are no
      // rivals. Only the listed spans are dropped: the same milestone's other words further on still are
      // ("… بإنهاء مهمة التحالف …، على أن تبقى قوات في إقليم كردستان حتى …").
      const rivalsHere = subjects.flatMap((other, oi) => (oi === mi ? [] : unlisted(subject, other[s]!)));
      const own = statements[s]!.filter((t) => owns(t, subject, rivalsHere) && !separated(prepared, t, subject));
      // The statement may follow the subject in the next sentence: "… قاعدة حرير. ومن المقرر إخلاؤها بحلول …",
      // when one of the two is about troops or bases ("وصل المشاركون عبر مطار أربيل. وشهد المعرض انسحاب
      // ثلاثة مشاركين" is a craft fair).
      const carried = (statements[s + 1]?.length ?? 0) > 0 && (military[s]! || military[s + 1]!);
      const at = own.length > 0 ? s : carried && !subject.every((f) => anaphoric.has(f)) ? s + 1 : -1;
      if (at < 0) continue;
      covered = at;
      const matched = at === s ? [...subject, ...own] : [...subject, ...own, ...statements[at]!];
      const scope = at === s ? [s] : [s, at];
      const rivals = subjects.flatMap((other, oi) => (oi === mi ? [] : scope.flatMap((x) => unlisted(subject, other[x]!))));
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

/**
 * "The base" / "القاعدة" in a sentence that names no base stands for the base named in the nearest of the
 * `reach` sentences before it, in the same paragraph, when that sentence names one base only: it is added
 * to the sentence's bases as that base. Arabic needs the article (قاعدة alone is "a base", or "a rule").
 */
function resolveAnaphors(
  anaphors: { terms: string[]; unless: string[]; reach: number },
  prepared: PreparedText,
  bases: Map<string, Found<unknown>[]>[],
  terms: Map<string, Found<unknown>[]>[],
): Set<Found<unknown>> {
  const resolved = new Set<Found<unknown>>();
  for (let s = 1; s < prepared.sentences.length; s++) {
    if (bases[s]!.size > 0) continue;
    const voids = anaphors.unless.flatMap((id) => terms[s]!.get(id) ?? []);
    const words = anaphors.terms
      .flatMap((id) => terms[s]!.get(id) ?? [])
      .filter((f) => !voids.some((v) => v.first <= f.last && f.first <= v.last) && definite(prepared.tokens[s]![f.first]!.norm));
    if (words.length === 0) continue;
    for (let k = 1; k <= anaphors.reach && s - k >= 0; k++) {
      const before = s - k;
      const between = prepared.text.slice(prepared.sentences[before]!.end, prepared.sentences[before + 1]!.start);
      if (/\n\s*\n/.test(between)) break;
      if (bases[before]!.size === 0) continue;
      if (bases[before]!.size === 1) {
        const id = [...bases[before]!.keys()][0]!;
        for (const w of words) {
          const f = { ...w, term: w.term };
          push(bases[s]!, id, f);
          resolved.add(f);
        }
      }
      break;
    }
  }
  return resolved;
}

/** A definite Arabic word (the article, after a clitic: القاعدة، والقاعدة، بالقاعدة، للقاعدة), or any English word. */
function definite(norm: string): boolean {
  return !/^[\u0600-\u06ff]/.test(norm) || /^(?:[وف]?[بك]?ال|[وف]?لل)/.test(norm);
}

/** Token distance between two matches of one sentence (0 when they touch or overlap). */
function apart(a: Found<unknown>, b: Found<unknown>): number {
  return a.last < b.first ? b.first - a.last - 1 : b.last < a.first ? a.first - b.last - 1 : 0;
}

/**
 * Whether a statement is about this subject rather than another milestone's subject in the same sentence
 * ("قاعدة حرير آخر موقع … إثر إخلاء عين الأسد" leaves Harir without a statement): the nearer subject takes
 * it, ties and lists of subjects ("from Ain al-Asad and Baghdad airport") share it.
 */
function owns(statement: Found<unknown>, subject: Found<unknown>[], rivals: Found<unknown>[]): boolean {
  const theirs = rivals.filter((r) => !subject.some((o) => o.first <= r.first && r.last <= o.last));
  if (theirs.length === 0) return true;
  const ours = Math.min(...subject.map((o) => apart(statement, o)));
  const nearest = Math.min(...theirs.map((r) => apart(statement, r)));
  if (ours <= nearest) return true;
  return theirs.some((r) => apart(r, statement) === nearest && subject.some((o) => apart(o, r) <= LIST_GAP));
}

/**
 * Another milestone's spans that are not listed with the subject: a span within LIST_GAP of the subject
 * is listed, and so is one within LIST_GAP of a listed span ("عين الأسد الجوية والمواقع المتبقية في بغداد").
 */
function unlisted(subject: Found<unknown>[], spans: Found<unknown>[]): Found<unknown>[] {
  const listed = new Set<Found<unknown>>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of spans) {
      if (listed.has(r)) continue;
      if ([...subject, ...listed].some((o) => o.sentence === r.sentence && apart(o, r) <= LIST_GAP)) {
        listed.add(r);
        grew = true;
      }
    }
  }
  return listed.size === 0 ? spans : spans.filter((r) => !listed.has(r));
}

/** Words that open a contrasting clause: "سلّم التحالف قواعد القائم والتاجي، فيما بقيت عين الأسد …". */
const CLAUSE_BREAKS = new Set(['فيما', 'بينما', 'whereas', 'while']);

/** A statement cut off from every span of the subject by a contrasting clause is about something else. */
function separated(prepared: PreparedText, statement: Found<unknown>, subject: Found<unknown>[]): boolean {
  const tokens = prepared.tokens[statement.sentence]!;
  const broken = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (CLAUSE_BREAKS.has(tokens[i]!.norm.replace(/^و/, ''))) return true;
    return false;
  };
  return subject.every((o) => o.sentence === statement.sentence && (o.first > statement.last ? broken(statement.last + 1, o.first) : broken(o.last + 1, statement.first)));
}

/**
 * A place right after a destination marker is where forces go ("إلى قاعدة حرير", "redeployed to Erbil"):
 * only the head words of a name may stand between them, and no statement or "from".
 */
function isDestination(prepared: PreparedText, f: Found<unknown>, markers: Found<unknown>[], statements: Found<unknown>[]): boolean {
  const keys = prepared.keys[f.sentence]!;
  return markers.some((d) => {
    if (d.last >= f.first || d.last < f.first - DESTINATION_REACH) return false;
    if (keys[f.first]!.some((x) => FROM_WORDS.has(x))) return false;
    if (statements.some((t) => t.first > d.last && t.first <= f.first)) return false;
    for (let i = d.last + 1; i < f.first; i++) {
      const k = keys[i]!;
      if (k.some((x) => FROM_WORDS.has(x)) || !k.some((x) => PLACE_HEADS.has(x))) return false;
    }
    return true;
  });
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
