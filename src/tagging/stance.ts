// What a milestone mention says happened (its stance), who says so, whether it is hedged, and whether
// it is about an earlier event (history) or restates the agreement in the background. Rule-based and
// explainable: the cue lexicons are config/stance.yaml, and every decision keeps the cues that made it.
// Written by hand: no library classifies stance in Arabic and English news with offsets and reasons.
import { endsBefore, findEventDates, startsAfter, type EventDate, type Tense } from '../text/event-dates.js';
import { compileTerms, findTerms, phraseEntries, type EvidenceMatch, type Found, type PreparedText, type TermIndex } from './gazetteer.js';
import type { Stance, StanceLexicon } from './schema.js';

type CueClass = keyof StanceLexicon['stances'];
type Cue =
  | { kind: 'stance'; cls: CueClass }
  | { kind: 'future' | 'negation' | 'yet' | 'contrast' | 'hedge' | 'speech' | 'according' | 'background' | 'history' | 'demand' | 'partial' | 'until' | 'beyond' | 'announce' | 'ending' | 'anonymity' | 'report' }
  | { kind: 'actor'; id: string; reach?: number };

export interface CompiledStance {
  index: TermIndex<Cue>;
  actorNames: Map<string, { ar: string; en: string }>;
}

export function compileStance(lexicon: StanceLexicon): CompiledStance {
  const entries: [string, Cue][] = [];
  for (const [cls, phrases] of Object.entries(lexicon.stances)) entries.push(...phraseEntries<Cue>(phrases, { kind: 'stance', cls: cls as CueClass }));
  for (const kind of ['future', 'negation', 'yet', 'contrast', 'background', 'history', 'speech', 'according', 'partial', 'until', 'beyond'] as const) {
    entries.push(...phraseEntries<Cue>(lexicon[kind], { kind }));
  }
  entries.push(...phraseEntries<Cue>(lexicon.demands, { kind: 'demand' }));
  entries.push(...phraseEntries<Cue>(lexicon.announce, { kind: 'announce' }));
  entries.push(...phraseEntries<Cue>(lexicon.endings, { kind: 'ending' }));
  entries.push(...phraseEntries<Cue>(lexicon.hedges, { kind: 'hedge' }));
  entries.push(...phraseEntries<Cue>(lexicon.anonymity, { kind: 'anonymity' }));
  entries.push(...phraseEntries<Cue>(lexicon.reports, { kind: 'report' }));
  for (const actor of lexicon.actors) {
    entries.push(...phraseEntries<Cue>(actor, { kind: 'actor', id: actor.id, ...(actor.reach !== undefined ? { reach: actor.reach } : {}) }));
  }
  return { index: compileTerms(entries), actorNames: new Map(lexicon.actors.map((a) => [a.id, a.name])) };
}

/** The cues of a text, per sentence: found once per article and shared by all its mentions. */
export type TextCues = Found<Cue>[][];

export function findCues(compiled: CompiledStance, prepared: PreparedText): TextCues {
  const bySentence: TextCues = prepared.sentences.map(() => []);
  const all = findTerms(compiled.index, prepared);
  // A stance word inside a longer stance phrase is that phrase ("الأولى" in "المرحلة الأولى"), and one
  // inside a hedge is the hedge ("طالباً عدم ذكر اسمه" asks for anonymity, it demands nothing).
  const within = (a: Found<Cue>, b: Found<Cue>) => a !== b && b.sentence === a.sentence && b.first <= a.first && a.last <= b.last && b.last - b.first > a.last - a.first;
  const governs = (o: Found<Cue>) => o.data.kind === 'stance' || o.data.kind === 'hedge' || o.data.kind === 'anonymity' || o.data.kind === 'according';
  // Compared within a sentence only (a long article has thousands of cues).
  const governing: Found<Cue>[][] = prepared.sentences.map(() => []);
  for (const o of all) if (governs(o)) governing[o.sentence]!.push(o);
  for (const f of all) {
    if ((f.data.kind === 'stance' || f.data.kind === 'demand') && governing[f.sentence]!.some((o) => within(f, o))) continue;
    bySentence[f.sentence]!.push(f);
  }
  return bySentence;
}

export interface Attribution {
  /** An actor id of config/stance.yaml (`pentagon`, `joint-operations-command`, `unnamed-sources`, …). */
  who: string;
  /** What was said, when the sentence quotes it. */
  quote?: string;
}

export type CueRole = 'stance' | 'negation' | 'future' | 'yet' | 'contrast' | 'hedge' | 'attribution' | 'speech' | 'date' | 'background' | 'history' | 'question';

/** A span that decided something about the mention, so a reader sees why. */
export interface StanceCue extends EvidenceMatch {
  role: CueRole;
}

export interface MentionStance {
  stance: Stance;
  attribution: Attribution | null;
  hedged: boolean;
  /** About an event before the milestone's window (or reported before it): never counted or alerted. */
  history: boolean;
  /** A `scheduled` restatement of the agreement in a background paragraph: not new. */
  background: boolean;
  /** When the reported development happened (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), as the sentence dates it, or null. */
  eventDate: string | null;
  /** The date a plan, deadline or stay points to ("by mid-September", "until September 2026"), or null. */
  targetDate: string | null;
  cues: StanceCue[];
}

interface Span {
  start: number;
  end: number;
}

export interface MentionScope {
  /** The sentences of the mention, in order: the subject's, and the statement's when it is the next one. */
  sentences: number[];
  /** Where the subject and the statement words matched: the date nearest to them dates the event. */
  anchors: Span[];
  /**
   * Subjects of other milestones in the same sentences: a cue nearer to one of them is about it
   * ("completed its withdrawal from Ain al-Asad and will leave Harir by September 2026").
   */
  rivals: Span[];
}

export interface MilestoneWindow {
  due: string;
  from: string;
}

/** Strongest first: the first class present among a mention's resolved cues is its stance. */
const PRIORITY: Stance[] = ['denied', 'delayed', 'completed', 'started', 'unclear', 'scheduled'];
/** How far before a cue a negation or a future marker still governs it, in words. */
const NEGATION_REACH = 3;
const FUTURE_REACH = 6;
/** "لم يكتمل انسحاب القوات من القاعدة بعد": Arabic puts "بعد" at the end of the clause. */
const YET_REACH = 8;
/** A future verb this close after a completed cue makes it a plan: "آخر عنصر من قوات التحالف سيغادر". */
const FUTURE_AFTER = 5;
/** How far before a statement a demand or question governs it ("طالبت كتائب حزب الله بخروج …"). */
const DEMAND_REACH = 10;
/** Words that open a relative clause: a completed verb in one describes a place ("المواقع التي أخلاها التحالف"). */
const RELATIVE = new Set(['التي', 'الذي', 'اللذين', 'اللتين', 'الذين', 'اللواتي', 'which', 'that']);
/** Sentences at the top of an article: a plan stated there is the article's news, not background. */
const LEAD_SENTENCES = 2;
const DATELINE = /^[^\n.!?،,]{2,25}(?:,[^\n.!?]{0,40})?\s[-–—]\s/u;
const QUOTE = /[“"«„]([^“”"«»„]{25,400})[”"»]/u;

interface Resolved {
  stance: Stance;
  cues: Found<Cue>[];
  roles: CueRole[];
  /** Decides only when no other cue does: a stay without a date, a verb in a relative clause. */
  weak?: boolean;
}

export function classifyMention(
  compiled: CompiledStance,
  prepared: PreparedText,
  cues: TextCues,
  scope: MentionScope,
  window: MilestoneWindow,
  published: string | null,
): MentionStance {
  const gap = (c: Span, to: Span) => (c.end <= to.start ? to.start - c.end : c.start >= to.end ? c.start - to.end : 0);
  const closest = (c: Span, spans: Span[]) => Math.min(...spans.map((x) => gap(c, x)));
  const ours = (c: Found<Cue>) =>
    (c.data.kind !== 'stance' && c.data.kind !== 'ending') || ((scope.rivals.length === 0 || closest(c, scope.anchors) <= closest(c, scope.rivals)) && !cutOff(prepared, c, scope.anchors));
  const inScope = scope.sentences.flatMap((s) => cues[s] ?? []).filter(ours);
  const of = (kind: Cue['kind']) => inScope.filter((c) => c.data.kind === kind);
  const pastDue = published !== null && startsAfter(published.slice(0, 10), window.due);

  // Dates first, with the tense the cues suggest, so that "until September 2026" can be read against the due date.
  const stanceCues = of('stance') as Found<Extract<Cue, { kind: 'stance' }>>[];
  const futureLike = stanceCues.some((c) => c.data.cls === 'scheduled') || of('future').length > 0 || stanceCues.some((c) => futurePrefixed(prepared, c));
  // A month without a year points back only when the sentence reports a past move ("غادرت … في أيلول").
  const pastLike = stanceCues.some((c) => (c.data.cls === 'completed' || c.data.cls === 'started') && !futurePrefixed(prepared, c) && !before(c, inScope, 'future', FUTURE_REACH));
  const tense: Tense = futureLike || !pastLike ? 'future' : 'past';
  const ahead = (d: EventDate) => published !== null && startsAfter(d.value, published.slice(0, 10));
  const dates = scope.sentences.flatMap((s) => sentenceDates(prepared, s, published, tense).filter((d) => !cutOff(prepared, d, scope.anchors))).map((d) => {
    // "until September", "beyond the September deadline": the marker right before the date, or one word before it.
    const mark = (kind: 'until' | 'beyond') => inScope.some((c) => c.data.kind === kind && c.end <= d.start && /^\s*(?:\S+\s+)?$/u.test(prepared.text.slice(c.end, d.start)));
    return { ...d, until: mark('until'), beyond: mark('beyond') };
  });

  const resolved = stanceCues.map((c) => resolveCue(c, inScope, prepared, dates, window, pastDue, futureLike, published));
  const announced = announcedEnding(prepared, inScope, dates, published);
  if (announced) resolved.push(announced);
  const question = scope.sentences.some((s) => /[?؟]\s*["»”]?\s*$/.test(sentenceText(prepared, s)));
  const pick = (pool: Resolved[]) => {
    for (const stance of PRIORITY) {
      const r = pool.find((x) => x.stance === stance);
      if (r) return r;
    }
    return undefined;
  };
  let decided = pick(resolved.filter((r) => !r.weak)) ?? pick(resolved);
  if (question && (!decided || decided.stance !== 'denied')) decided = { stance: 'unclear', cues: [], roles: ['question'] };
  const anchor = decided?.cues[0] ?? scope.anchors[0];
  // A date after the report is where a plan points; one on or before it dates what happened.
  const eventDate = nearest(dates.filter((d) => !ahead(d)), anchor);
  const targetDate = nearest(dates.filter(ahead), anchor);
  const part = of('partial')[0];
  if (!decided && part && !targetDate) {
    // "أعلنت … خروج الدفعة الثانية": a batch out is a move under way, whatever the noun.
    decided = { stance: 'started', cues: [part], roles: ['stance'] };
  }
  if (!decided) {
    // No cue: a dated plan reads as scheduled ("انسحاب القوات من عين الأسد في أيلول 2025" before September),
    // or as a delay when the date is past the milestone's due date ("pushed back to January").
    const target = targetDate ? dates.find((d) => d.start === targetDate.start) : undefined;
    decided = { stance: target ? (later(target, window.due) ? 'delayed' : 'scheduled') : 'unclear', cues: [], roles: [] };
  }

  const attribution = attribute(prepared, cues, scope, [...of('speech'), ...of('according')]);
  // Sourcing hedges ("reportedly", unnamed sources, anonymity) hedge any mention; reports as a noun only
  // when no named actor speaks: "The US Embassy denied reports of …" is the Embassy's own statement.
  const who = attribution ? (attribution.actor.data as { id: string }).id : null;
  const named = who !== null && !UNNAMED.has(who);
  const hedges = [...of('hedge'), ...of('anonymity'), ...(named ? [] : of('report'))];
  const hedged = hedges.length > 0 || who === 'unnamed-sources';

  const historyCues = of('history');
  const datedInWindow = dates.some((d) => !endsBefore(d.value, window.from));
  const publishedBefore = published !== null && endsBefore(published.slice(0, 10), window.from);
  // "the end of the combat mission" is history when it reports an event; Arabic outlets also call the
  // 2024 plan "إنهاء المهام القتالية", which is no history.
  const pastEvent = decided.stance === 'completed' || decided.stance === 'started';
  const history =
    publishedBefore || (eventDate !== null && endsBefore(eventDate.value, window.from)) || (pastEvent && historyCues.length > 0 && !datedInWindow);

  const backgroundCues = of('background');
  const inLead = scope.sentences[0]! < LEAD_SENTENCES;
  const background = decided.stance === 'scheduled' && (backgroundCues.length > 0 || (!inLead && attribution === null));

  const spans: StanceCue[] = [];
  const mark = (f: { start: number; end: number; term?: string }, role: CueRole) =>
    spans.push({ start: f.start, end: f.end, text: prepared.text.slice(f.start, f.end), term: f.term ?? prepared.text.slice(f.start, f.end), role });
  decided.cues.forEach((c, i) => mark(c, decided.roles[i] ?? 'stance'));
  if (attribution) {
    mark(attribution.actor, 'attribution');
    if (attribution.speech) mark(attribution.speech, 'speech');
  }
  for (const h of hedges) mark(h, 'hedge');
  if (eventDate) mark(eventDate, 'date');
  if (targetDate) mark(targetDate, 'date');
  if (history) for (const h of historyCues) mark(h, 'history');
  if (background) for (const b of backgroundCues) mark(b, 'background');
  spans.sort((a, b) => a.start - b.start || b.end - a.end);

  return {
    stance: decided.stance,
    attribution: attribution ? { who: who!, ...(attribution.quote ? { quote: attribution.quote } : {}) } : null,
    hedged,
    history,
    background,
    eventDate: eventDate?.value ?? null,
    targetDate: targetDate?.value ?? null,
    cues: dedupeSpans(spans),
  };
}

/** A sentence's dates per tense, found once per article: every mention and milestone over it shares them. */
const datesCache = new WeakMap<PreparedText, Map<string, EventDate[]>>();

function sentenceDates(prepared: PreparedText, s: number, published: string | null, tense: Tense): EventDate[] {
  let cache = datesCache.get(prepared);
  if (!cache) datesCache.set(prepared, (cache = new Map()));
  const key = `${s}|${tense}|${published ?? ''}`;
  let dates = cache.get(key);
  if (!dates) cache.set(key, (dates = findEventDates(prepared.text, prepared.tokens[s] ?? [], published, tense)));
  return dates;
}

/** Words that open a contrasting clause: "the mission ends by September 2025, while some forces stay …". */
const CLAUSE_BREAKS = new Set(['فيما', 'بينما', 'whereas', 'while']);

/** A cue (or a date) cut off from every anchor of its sentence by a contrasting clause is about something else. */
function cutOff(prepared: PreparedText, cue: Span, anchors: Span[]): boolean {
  const sentence = prepared.sentences.findIndex((x) => x.start <= cue.start && cue.end <= x.end);
  if (sentence < 0) return false;
  const tokens = prepared.tokens[sentence]!;
  const span = prepared.sentences[sentence]!;
  const here = anchors.filter((a) => a.start >= span.start && a.end <= span.end);
  if (here.length === 0) return false;
  const breaks = tokens.filter((t) => CLAUSE_BREAKS.has(t.norm.replace(/^و/, '')));
  if (breaks.length === 0) return false;
  return here.every((a) => breaks.some((b) => (a.end <= b.start && b.end <= cue.start) || (cue.end <= b.start && b.end <= a.start)));
}

function sentenceText(prepared: PreparedText, s: number): string {
  const span = prepared.sentences[s]!;
  return prepared.text.slice(span.start, span.end);
}

/** An Arabic verb cue with the future prefix on it: ستنسحب, سيبدأ, ستكتمل. */
function futurePrefixed(prepared: PreparedText, cue: Found<Cue>): boolean {
  const token = prepared.tokens[cue.sentence]![cue.first]!;
  const bare = token.norm.replace(/^[وف]/, '');
  return /^س[يتن]/.test(bare) && !cue.term.startsWith('س') && bare.length > 3;
}

function before(cue: Found<Cue>, others: Found<Cue>[], kind: Cue['kind'], reach: number): Found<Cue> | undefined {
  return others.find((o) => o.data.kind === kind && o.sentence === cue.sentence && o.last < cue.first && o.last >= cue.first - reach);
}

function after(cue: Found<Cue>, others: Found<Cue>[], kind: Cue['kind'], reach: number): Found<Cue> | undefined {
  return others.find((o) => o.data.kind === kind && o.sentence === cue.sentence && o.first > cue.last && o.first <= cue.last + reach);
}

/** A negation that governs the cue, unless it is part of a stance phrase itself ("لا صحة", "no change"). */
function negationOf(cue: Found<Cue>, inScope: Found<Cue>[], reach = NEGATION_REACH): Found<Cue> | undefined {
  const neg = before(cue, inScope, 'negation', reach);
  if (!neg) return undefined;
  const inPhrase = inScope.some((o) => o.data.kind === 'stance' && o !== cue && o.first <= neg.first && o.last >= neg.last && o.last < cue.first);
  return inPhrase ? undefined : neg;
}

function resolveCue(
  cue: Found<Extract<Cue, { kind: 'stance' }>>,
  inScope: Found<Cue>[],
  prepared: PreparedText,
  dates: DatedCue[],
  window: MilestoneWindow,
  pastDue: boolean,
  planned: boolean,
  published: string | null,
): Resolved {
  const neg = negationOf(cue, inScope, cue.data.cls === 'stay' ? NEGATION_REACH + 1 : NEGATION_REACH);
  const fut = futurePrefixed(prepared, cue) ? cue : before(cue, inScope, 'future', FUTURE_REACH);
  const res = (stance: Stance, ...extra: [Found<Cue> | undefined, CueRole][]): Resolved => {
    const kept = extra.filter((e): e is [Found<Cue>, CueRole] => e[0] !== undefined && e[0] !== cue);
    return { stance, cues: [cue, ...kept.map((e) => e[0])], roles: ['stance', ...kept.map((e) => e[1])] };
  };
  const weak = (r: Resolved): Resolved => ({ ...r, weak: true });
  // "طالبت الفصائل بخروج القوات", "demanded that all U.S. forces leave", "هل تنسحب": nothing happened yet.
  const demand = cue.data.cls !== 'denied' && cue.data.cls !== 'delayed' ? before(cue, inScope, 'demand', DEMAND_REACH) : undefined;
  if (demand && !neg) return res('unclear', [demand, 'question']);
  // "حتى أيلول 2026" after a verb of going on ("تواصل عملها من إقليم كردستان حتى …"): a stay until that date.
  const until = dates.find((d) => d.until && d.start > cue.end && ahead(d, published));
  switch (cue.data.cls) {
    case 'completed':
    case 'started': {
      if (neg) {
        const yet = after(cue, inScope, 'yet', YET_REACH);
        if (yet) return res(cue.data.cls === 'completed' ? (pastDue ? 'delayed' : 'started') : pastDue ? 'delayed' : 'scheduled', [neg, 'negation'], [yet, 'yet']);
        return res('denied', [neg, 'negation']);
      }
      if (fut) return res('scheduled', [fut, 'future']);
      const later_ = futureAfter(prepared, cue, inScope);
      if (later_) return res('scheduled', [later_, 'future']);
      if (cue.data.cls === 'started' && until) return res(later(until, window.due) ? 'delayed' : 'scheduled');
      const part = cue.data.cls === 'completed' ? inScope.find((o) => o.data.kind === 'partial' && o.sentence === cue.sentence) : undefined;
      const r = part ? res('started', [part, 'stance']) : res(cue.data.cls);
      // "the sites that the coalition vacated", "hangars vacated by coalition forces": a description.
      return subordinate(prepared, cue) ? weak(r) : r;
    }
    case 'ongoing': {
      if (neg) {
        // "لن تنسحب قبل أيلول 2026", "won't leave until 2026": the plan, or a delay when past the due date.
        const target = dates.find((d) => d.start > cue.end);
        if (target) return res(later(target, window.due) ? 'delayed' : 'scheduled', [neg, 'negation']);
        return res('denied', [neg, 'negation']);
      }
      if (fut) return res('scheduled', [fut, 'future']);
      if (until) return res(later(until, window.due) ? 'delayed' : 'scheduled');
      return res(planned || dates.some((d) => d.start > cue.end && (!d.relative || ahead(d, published))) ? 'scheduled' : 'started');
    }
    case 'delayed': {
      if (neg) return res('scheduled', [neg, 'negation']);
      // "نفى وجود أي نية لتأجيل …", "rejected reports that … would be delayed": the plan restated.
      const denial = inScope.find((o) => o.data.kind === 'stance' && o.data.cls === 'denied' && o.sentence === cue.sentence && o.last < cue.first);
      return denial ? res('scheduled', [denial, 'negation']) : res('delayed');
    }
    case 'denied': {
      if (neg) return res('unclear', [neg, 'negation']);
      // Denying a postponement restates the plan: "نفى وجود أي توجه لتأجيل …", "rejected reports that … would be pushed back".
      const delay = inScope.find((o) => o.data.kind === 'stance' && o.data.cls === 'delayed' && o.sentence === cue.sentence && o.first > cue.last);
      if (delay) return res('scheduled', [delay, 'stance']);
      return res('denied');
    }
    case 'unchanged': {
      // "The timetable has not changed" restates the plan; "nothing has changed at the base" denies a move.
      const plan = inScope.some((o) => o.data.kind === 'stance' && o.data.cls === 'scheduled' && o.sentence === cue.sentence);
      return plan ? res('scheduled') : res('denied');
    }
    case 'stay': {
      if (neg) {
        // "لن تبقى" is the plan; "no foreign troops remain", "لم يعد … باقياً" is the move done.
        return res(/^(لن|won|will|wont)$/.test(prepared.tokens[neg.sentence]![neg.first]!.norm) ? 'scheduled' : 'completed', [neg, 'negation']);
      }
      // Staying until a date: the plan when on or before the due date, a delay after it; without a
      // date, part of a plan when the sentence states one ("على أن تبقى …"), else a stay beyond it.
      // The report's own day before the verb dates the report ("وجّه نائب، اليوم الاثنين، سؤالاً … بشأن بقاء
      // قوات"); another date before it is the deadline ("The Sept. 15 deadline … troops are still there").
      const today = published?.slice(0, 10);
      const target = dates.find((d) => d.start > cue.end) ?? dates.find((d) => d.until || d.beyond || d.value !== today);
      if (target) return res(later(target, window.due) ? 'delayed' : 'scheduled');
      return planned ? res('scheduled') : weak(res('delayed'));
    }
    case 'reposition': {
      // "انسحاب فعلي لا إعادة تموضع", "a genuine drawdown, not a reshuffle": a repositioning denied is a real move.
      const denies = inScope.find((o) => (o.data.kind === 'negation' || o.data.kind === 'contrast') && o.sentence === cue.sentence && o.last === cue.first - 1);
      if (denies) return res('started', [denies, 'negation']);
      const contrast = inScope.find((o) => o.data.kind === 'contrast' && o.sentence === cue.sentence) ?? neg;
      if (contrast) return res('denied', [contrast, 'contrast']);
      if (fut) return res('scheduled', [fut, 'future']);
      return res('started');
    }
    case 'scheduled': {
      if (!neg) return res('scheduled');
      // "لم يكتمل الانسحاب بعد": under way, or late once the due date has passed.
      const yet = after(cue, inScope, 'yet', YET_REACH);
      if (yet) return res(pastDue ? 'delayed' : 'started', [neg, 'negation'], [yet, 'yet']);
      return res('denied', [neg, 'negation']);
    }
    case 'unclear':
      return res('unclear');
  }
}

/** How far an announcing verb may stand before the ending it announces: "أعلنت الحكومة العراقية، أمس الثلاثاء، انتهاء …". */
const ANNOUNCE_REACH = 8;

/**
 * "أعلنت الحكومة … انتهاء المهمة", "declared the end of the mission": an ending announced with no verb
 * cue is done, unless a future marker, a plan word or a negation stands between the verb and the noun,
 * the verb has the future prefix, or the sentence dates it ahead of the report ("… انتهاءها في أيلول 2025").
 */
function announcedEnding(prepared: PreparedText, inScope: Found<Cue>[], dates: DatedCue[], published: string | null): Resolved | undefined {
  for (const ending of inScope) {
    if (ending.data.kind !== 'ending') continue;
    const verb = before(ending, inScope, 'announce', ANNOUNCE_REACH);
    if (!verb || futurePrefixed(prepared, verb)) continue;
    const between = (o: Found<Cue>) => o.sentence === ending.sentence && o.first >= verb.first && o.last < ending.first;
    const blocked = inScope.some(
      (o) => between(o) && (o.data.kind === 'future' || o.data.kind === 'negation' || o.data.kind === 'demand' || (o.data.kind === 'stance' && o.data.cls === 'scheduled')),
    );
    if (blocked || negationOf(ending, inScope)) continue;
    const sentence = prepared.sentences[ending.sentence]!;
    if (dates.some((d) => d.start >= sentence.start && d.end <= sentence.end && ahead(d, published))) continue;
    // "أعلنت … خروج الدفعة الثانية": a batch out is a move under way.
    const part = inScope.find((o) => o.data.kind === 'partial' && o.sentence === ending.sentence);
    if (part) return { stance: 'started', cues: [ending, part, verb], roles: ['stance', 'stance', 'speech'] };
    return { stance: 'completed', cues: [ending, verb], roles: ['stance', 'speech'] };
  }
  return undefined;
}

type DatedCue = EventDate & { until: boolean; beyond: boolean };

/** A date after the report: where a plan points. */
function ahead(d: EventDate, published: string | null): boolean {
  return published !== null && startsAfter(d.value, published.slice(0, 10));
}

/** Whether a date lies past a milestone's due date ("beyond September 2026" is past a September 2026 due). */
function later(d: DatedCue, due: string): boolean {
  return startsAfter(d.value, due) || (d.beyond && !endsBefore(d.value, due));
}

/** A future verb just after a completed cue: "آخر عنصر من قوات التحالف سيغادر", "the last troops will leave". */
function futureAfter(prepared: PreparedText, cue: Found<Cue>, inScope: Found<Cue>[]): Found<Cue> | undefined {
  return inScope.find(
    (o) =>
      o.sentence === cue.sentence &&
      o.first > cue.last &&
      o.first <= cue.last + FUTURE_AFTER &&
      ((o.data.kind === 'stance' && o.data.cls !== 'completed' && futurePrefixed(prepared, o)) || o.data.kind === 'future'),
  );
}

/** A verb in a relative clause or a participle with its agent: it describes a place, it does not report. */
function subordinate(prepared: PreparedText, cue: Found<Cue>): boolean {
  const tokens = prepared.tokens[cue.sentence]!;
  for (let i = Math.max(0, cue.first - 2); i < cue.first; i++) if (RELATIVE.has(tokens[i]!.norm)) return true;
  return tokens[cue.last + 1]?.norm === 'by' && cue.first > 0 && !/^(was|were|been|be|is|are|has|have|had)$/.test(tokens[cue.first - 1]!.norm);
}

function nearest(dates: EventDate[], anchor: { start: number; end: number } | undefined): EventDate | null {
  if (dates.length === 0) return null;
  if (!anchor) return dates[0]!;
  const distance = (d: EventDate) => (d.end <= anchor.start ? anchor.start - d.end : d.start >= anchor.end ? d.start - anchor.end : 0);
  return [...dates].sort((a, b) => distance(a) - distance(b))[0]!;
}

/** Attributions that name nobody who could speak for themselves: reports as a noun still hedge them. */
const UNNAMED = new Set(['unnamed-sources', 'media']);
/** Words of a headline's speaker before its colon: "السوداني: …", "Iraqi FM: …", "النائب عن محافظة الأنبار: …". */
const HEADLINE_SPEAKER = /^\s*([^:\n"«“]{2,60}?)\s*:\s/u;
const HEADLINE_WORDS = 6;
/** "an official who spoke on condition of anonymity": the anonymity follows its speaker within this many words. */
const ANONYMITY_REACH = 8;
/** Words between a relaying outlet and its source: "نقلته وسائل إعلام محلية عن مصدر", "Reuters, citing two officials". */
const RELAYED = new Set(['عن', 'citing', 'quoting', 'from']);

/** How far apart (in words) a speaker and a speech verb may be: "قال المتحدث باسم قيادة العمليات المشتركة". */
const SPEAKER_REACH = 8;
/** "بحسب مصادر أمنية", "according to two US officials": the actor follows within this many words. */
const ACCORDING_REACH = 3;

interface Attributed {
  actor: Found<Cue>;
  speech: Found<Cue> | undefined;
  quote: string | undefined;
}

/**
 * Who says it: an actor next to a speech verb in the mention's sentences ("قال البنتاغون", "according to
 * two US officials"), or in the sentence before when the mention continues it ("وأضاف أن …", "He added",
 * a quote that opens the sentence).
 */
function attribute(prepared: PreparedText, cues: TextCues, scope: MentionScope, speechInScope: Found<Cue>[]): Attributed | null {
  const speaking = (s: number): Attributed | null => {
    // A dateline ("بغداد -", "BAGHDAD, Sept 4 (wire) -") names where the report was filed, not who speaks.
    const dateline = DATELINE.exec(sentenceText(prepared, s));
    const from = dateline ? prepared.sentences[s]!.start + dateline[0].length : -1;
    const here = (cues[s] ?? []).filter((c) => c.start >= from);
    const verbs = here.filter((c) => c.data.kind === 'speech' || c.data.kind === 'according');
    let best: { a: Found<Cue>; v: Found<Cue>; d: number } | null = null;
    const pairs: { a: Found<Cue>; v: Found<Cue>; d: number }[] = [];
    for (const a of here) {
      if (a.data.kind !== 'actor') continue;
      let own: { a: Found<Cue>; v: Found<Cue>; d: number } | null = null;
      for (const v of verbs) {
        if (v.first <= a.last && a.first <= v.last && v.term !== a.term) continue;
        const d = v.last < a.first ? a.first - v.last : v.first > a.last ? v.first - a.last : 0;
        if (v.data.kind === 'according' && !(v.last < a.first && d <= ACCORDING_REACH)) continue;
        // A longer actor phrase over the same words names it better ("مصدر أمني" over "مصدر").
        if (d <= SPEAKER_REACH && (!best || d < best.d || (d === best.d && a.last - a.first > best.a.last - best.a.first))) best = { a, v, d };
        if (d <= SPEAKER_REACH && (!own || d < own.d)) own = { a, v, d };
      }
      if (own) pairs.push(own);
    }
    const sentence = prepared.sentences[s]!;
    const inside = (spans: Span[]) => spans.filter((x) => x.start >= sentence.start && x.end <= sentence.end);
    best = nearestSpeaker(pairs, inside(scope.anchors), inside(scope.rivals)) ?? best;
    const quote = QUOTE.exec(sentenceText(prepared, s))?.[1]?.trim();
    if (!best) {
      // A headline's speaker before a colon, with no verb: "وزارة البيشمركة: لا صحة …", "CENTCOM: … concluded".
      const head = HEADLINE_SPEAKER.exec(sentenceText(prepared, s));
      if (!head || head[1]!.trim().split(/\s+/u).length > HEADLINE_WORDS) return null;
      const end = prepared.sentences[s]!.start + head.index + head[0].indexOf(head[1]!) + head[1]!.length;
      const speakers = here.filter((c) => c.data.kind === 'actor' && c.end <= end);
      if (speakers.length === 0) return null;
      const actor = speakers.reduce((x, y) => (y.end - y.start > x.end - x.start ? y : x));
      return { actor: anonymous(actor, here), speech: undefined, quote };
    }
    return { actor: anonymous(relayed(best.a, here, prepared), here), speech: best.v, quote };
  };
  for (const s of scope.sentences) {
    const found = speaking(s);
    if (found) return found;
  }
  const first = scope.sentences[0]!;
  if (first === 0) return null;
  const text = sentenceText(prepared, first);
  const previous = sentenceText(prepared, first - 1);
  const continues = speechInScope.some((v) => v.sentence === first) || /^\s*["«“]/.test(text) || /:\s*$/.test(previous);
  if (!continues) return null;
  const found = speaking(first - 1);
  if (!found) return null;
  return { ...found, quote: QUOTE.exec(text)?.[1]?.trim() ?? found.quote };
}

/**
 * Two speakers with their own verbs in one sentence, each about its own subject ("أكدت وزارة الدفاع أن
 * تسليم معسكر فكتوريا أُنجز، ونفى مسؤول أمريكي أن تكون القوات قد غادرت عين الأسد"): the one nearest before
 * the subject speaks about it when another milestone's subject stands between the two speakers. Otherwise
 * (a speaker inside another's words: "رحّب المتحدث بإعلان وزارة الدفاع …", "كشفت مصادر أن الجانب الأمريكي
 * أبلغ بغداد …") undefined: the nearest speaker-verb pair decides.
 */
function nearestSpeaker(pairs: { a: Found<Cue>; v: Found<Cue>; d: number }[], anchors: Span[], rivals: Span[]) {
  if (anchors.length === 0 || rivals.length === 0 || new Set(pairs.map((p) => p.v)).size < 2) return undefined;
  const first = Math.min(...anchors.map((x) => x.start));
  const from = (p: { a: Found<Cue>; v: Found<Cue> }) => Math.min(p.a.start, p.v.start);
  const to = (p: { a: Found<Cue>; v: Found<Cue> }) => Math.max(p.a.end, p.v.end);
  const before = pairs.filter((p) => to(p) <= first).sort((x, y) => to(y) - to(x));
  const nearest = before[0];
  if (!nearest) return undefined;
  const outer = before.find((p) => p.v !== nearest.v && to(p) <= from(nearest));
  if (!outer) return undefined;
  return rivals.some((r) => r.start >= to(outer) && r.end <= from(nearest)) ? nearest : undefined;
}

/** The source an outlet relays is the speaker: "نقلته وسائل إعلام عن مصدر حكومي", "Reuters, citing two officials". */
function relayed(actor: Found<Cue>, here: Found<Cue>[], prepared: PreparedText): Found<Cue> {
  if ((actor.data as { id: string }).id !== 'media') return actor;
  const tokens = prepared.tokens[actor.sentence]!;
  const source = here.find(
    (o) => o.data.kind === 'actor' && o.first > actor.last && o.first - actor.last <= 4 && tokens.slice(actor.last + 1, o.first).some((t) => RELAYED.has(t.norm.replace(/^و/, ''))),
  );
  return source ?? actor;
}

/** A named body's official who asks for anonymity is an unnamed source: "a Pentagon official said on condition of anonymity". */
function anonymous(actor: Found<Cue>, here: Found<Cue>[]): Found<Cue> {
  const asks = here.some((o) => o.data.kind === 'anonymity' && o.first > actor.last && o.first - actor.last <= ANONYMITY_REACH);
  return asks ? { ...actor, data: { kind: 'actor', id: 'unnamed-sources' } } : actor;
}

function dedupeSpans(spans: StanceCue[]): StanceCue[] {
  const seen = new Set<string>();
  return spans.filter((s) => {
    const key = `${s.start}:${s.end}:${s.role}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The article's stance on a milestone: the most specific of its mentions that is not background. */
const SPECIFICITY: Record<Stance, number> = { completed: 3, started: 3, delayed: 3, denied: 3, scheduled: 2, unclear: 1 };

export function articleStance<M extends MentionStance>(mentions: readonly M[]): { stance: Stance; history: boolean; decisive: M | undefined } {
  const current = mentions.filter((m) => !m.history);
  if (current.length === 0) return { stance: mentions[0]?.stance ?? 'unclear', history: mentions.length > 0, decisive: mentions[0] };
  const news = current.filter((m) => !m.background);
  const pool = news.length > 0 ? news : current;
  let decisive = pool[0]!;
  for (const m of pool) if (SPECIFICITY[m.stance] > SPECIFICITY[decisive.stance]) decisive = m;
  return { stance: decisive.stance, history: false, decisive };
}
