// A milestone's timeline (one entry per article that mentions it) and the assessment derived from it:
// what the reporting says happened, since when, by how many outlets and first by whom, and where credible
// reports disagree. Pure: the store keeps the entries, the CLI, API, dashboard and alerts call these.
import type { Article } from '../model.js';
import type { Evidence } from '../tagging/gazetteer.js';
import { articleStance, type Attribution } from '../tagging/stance.js';
import type { Milestone, Stance, StanceLexicon } from '../tagging/schema.js';

export interface TimelineEntry {
  articleId: string;
  outlet: string | null;
  /** The report's date: the article's published date, else the day marsad first saw it. */
  published: string;
  /**
   * The article gives no date: `published` is when marsad first saw it, which says nothing of when the
   * report was written (a seed, an op-ed found later). Shown, not counted for the status.
   */
  undated?: boolean;
  /** When the reported development happened, when the text dates it. */
  eventDate: string | null;
  /** Where a plan or stay points ("by mid-September 2025"), when the text says. */
  targetDate: string | null;
  stance: Stance;
  attribution: Attribution | null;
  hedged: boolean;
  /** Only restates the agreement: shown, not news. */
  background: boolean;
  /** About an event before the milestone's window: shown apart, never counted. */
  history: boolean;
  evidence: Evidence | null;
  title: string | null;
  url: string | null;
  language: string;
  /** Set on reprints: the report is the original's, the outlet is this one. */
  duplicateOf: string | null;
}

/** The timeline entries of an article: one per milestone it mentions, from its deciding mention. */
export function timelineEntries(article: Article): Map<string, TimelineEntry> {
  const out = new Map<string, TimelineEntry>();
  for (const m of article.milestones) {
    const decisive = articleStance(m.mentions ?? []).decisive;
    out.set(m.id, {
      articleId: article.id,
      outlet: article.source,
      published: (article.published ?? article.firstSeen).slice(0, 10),
      undated: article.published === null,
      eventDate: decisive?.eventDate ?? null,
      targetDate: decisive?.targetDate ?? null,
      stance: m.stance ?? 'unclear',
      attribution: decisive?.attribution ?? null,
      hedged: decisive?.hedged ?? false,
      background: (m.mentions ?? []).every((x) => x.background || x.history),
      history: m.history ?? false,
      evidence: decisive?.evidence ?? m.evidence[0] ?? null,
      title: article.title,
      url: article.url,
      language: article.language,
      duplicateOf: article.duplicateOf,
    });
  }
  return out;
}

export type Status = Stance | 'unreported';

export interface Source {
  outlet: string;
  reports: number;
  /** Who the outlet's reports attribute it to (actor ids). */
  attributions: string[];
  first: string;
}

export interface Contradiction {
  /** What the dissenting reports say (`denied`, `delayed`, or a progress stance against a denial). */
  stance: Stance;
  /** The stance they contradict. */
  against: Stance;
  reports: number;
  outlets: string[];
  attributions: string[];
  articleIds: string[];
  first: string;
  last: string;
}

export interface Assessment {
  status: Status;
  /** The first report (or dated event) of the current status. */
  since: string | null;
  /** Who reported the current status first (an actor id, else the outlet). */
  firstBy: string | null;
  sources: Source[];
  contradictions: Contradiction[];
  /** Reports per stance; history, background and undated reports apart. */
  counts: Record<Stance, number> & { history: number; background: number; undated: number };
  summary: { en: string; ar: string };
}

/** Reports that disagree with the status count as a contradiction within this many days of it. */
export const CONTRADICTION_WINDOW_DAYS = 14;
const DAY_MS = 86_400_000;
const PROGRESS: Stance[] = ['completed', 'started'];

const dayOf = (iso: string) => Date.parse(iso.length === 4 ? `${iso}-01-01` : iso.length === 7 ? `${iso}-01` : iso.slice(0, 10));
const outletKey = (e: TimelineEntry) => e.outlet ?? `article ${e.articleId}`;

/** Support for a stance: one per outlet with an unhedged report, a half per outlet with only hedged ones. */
function support(entries: TimelineEntry[]): number {
  const best = new Map<string, number>();
  for (const e of entries) best.set(outletKey(e), Math.max(best.get(outletKey(e)) ?? 0, e.hedged ? 0.5 : 1));
  return [...best.values()].reduce((a, b) => a + b, 0);
}

function byReport(a: TimelineEntry, b: TimelineEntry): number {
  return a.published.localeCompare(b.published) || a.articleId.localeCompare(b.articleId);
}

export function assess(entries: readonly TimelineEntry[], names: ActorNames): Assessment {
  const counts = { scheduled: 0, started: 0, completed: 0, delayed: 0, denied: 0, unclear: 0, history: 0, background: 0, undated: 0 };
  const current = [...entries].filter((e) => !e.history && !e.undated).sort(byReport);
  for (const e of entries) {
    if (e.history) counts.history++;
    else if (e.undated) counts.undated++;
    else if (e.background) counts.background++;
    else counts[e.stance]++;
  }
  const of = (s: Stance) => current.filter((e) => e.stance === s && (s === 'scheduled' || !e.background));
  let status: Status = current.length === 0 ? 'unreported' : 'unclear';
  const progress = PROGRESS.find((s) => support(of(s)) >= 1);
  if (progress) status = progress;
  else if (of('scheduled').length > 0) status = 'scheduled';
  else if (of('delayed').length > 0) status = 'delayed';
  else if (of('denied').length > 0) status = 'denied';

  const contradictions: Contradiction[] = [];
  if (status === 'scheduled' && support(of('delayed')) >= 1) status = 'delayed';
  if (progress) {
    const pro = of(progress);
    const from = dayOf(pro[0]!.published) - CONTRADICTION_WINDOW_DAYS * DAY_MS;
    for (const against of ['denied', 'delayed'] as const) {
      const dissent = of(against).filter((e) => dayOf(e.published) >= from && !e.hedged);
      if (dissent.length === 0) continue;
      contradictions.push(contradiction(against, progress, dissent));
      // Reporting moved on: more outlets, and more recently, say otherwise.
      if (status === progress && support(dissent) > support(pro) && dissent[dissent.length - 1]!.published >= pro[pro.length - 1]!.published) status = against;
    }
  }

  const mine = status === 'unreported' || status === 'unclear' ? current.filter((e) => e.stance === status) : of(status);
  const first = mine[0];
  const since = first ? ((first.eventDate?.length === 10 ? first.eventDate : null) ?? first.published) : null;
  const firstBy = first ? (first.attribution?.who ?? first.outlet) : null;
  const sources = sourcesOf(mine);
  return { status, since, firstBy, sources, contradictions, counts, summary: summarize(status, since, firstBy, sources, contradictions, names) };
}

function contradiction(stance: Stance, against: Stance, dissent: TimelineEntry[]): Contradiction {
  return {
    stance,
    against,
    reports: dissent.length,
    outlets: [...new Set(dissent.map(outletKey))],
    attributions: [...new Set(dissent.flatMap((e) => (e.attribution ? [e.attribution.who] : [])))],
    articleIds: dissent.map((e) => e.articleId),
    first: dissent[0]!.published,
    last: dissent[dissent.length - 1]!.published,
  };
}

function sourcesOf(entries: TimelineEntry[]): Source[] {
  const by = new Map<string, Source>();
  for (const e of entries) {
    const key = outletKey(e);
    const s = by.get(key) ?? { outlet: key, reports: 0, attributions: [], first: e.published };
    s.reports++;
    if (e.attribution && !s.attributions.includes(e.attribution.who)) s.attributions.push(e.attribution.who);
    by.set(key, s);
  }
  return [...by.values()];
}

/** Display names of the actors of config/stance.yaml, for summaries. */
export type ActorNames = ReadonlyMap<string, { ar: string; en: string }>;

export function actorNames(lexicon: StanceLexicon): ActorNames {
  return new Map(lexicon.actors.map((a) => [a.id, a.name]));
}

export const STATUS_WORDS: Record<Status, { en: string; ar: string }> = {
  scheduled: { en: 'scheduled', ar: 'مجدول' },
  started: { en: 'started', ar: 'بدأ' },
  completed: { en: 'completed', ar: 'اكتمل' },
  delayed: { en: 'delayed', ar: 'تأجل' },
  denied: { en: 'denied', ar: 'نُفي' },
  unclear: { en: 'unclear', ar: 'غير واضح' },
  unreported: { en: 'no reports yet', ar: 'لا تقارير بعد' },
};
const DISSENT_WORDS: Partial<Record<Stance, { en: [string, string]; ar: string }>> = {
  denied: { en: ['denial', 'denials'], ar: 'نفي' },
  delayed: { en: ['report of delay', 'reports of delay'], ar: 'تقارير عن تأجيل' },
};

function humanDate(iso: string, lang: 'en' | 'ar'): string {
  const t = dayOf(iso);
  if (Number.isNaN(t)) return iso;
  const options: Intl.DateTimeFormatOptions = { timeZone: 'UTC', day: iso.length >= 10 ? 'numeric' : undefined, month: iso.length >= 7 ? 'short' : undefined, year: 'numeric' };
  return new Intl.DateTimeFormat(lang === 'ar' ? 'ar-IQ-u-nu-latn' : 'en-GB', options).format(new Date(t));
}

/** "completed: reported by 4 outlets since 16 Sep 2025, first by the Joint Operations Command; 1 denial by US officials". */
function summarize(status: Status, since: string | null, firstBy: string | null, sources: Source[], contradictions: Contradiction[], names: ActorNames): { en: string; ar: string } {
  const name = (id: string, lang: 'en' | 'ar') => names.get(id)?.[lang] ?? id;
  if (status === 'unreported') return { en: STATUS_WORDS.unreported.en, ar: STATUS_WORDS.unreported.ar };
  const n = sources.length;
  let en = `${STATUS_WORDS[status].en}: reported by ${n} ${n === 1 ? 'outlet' : 'outlets'}`;
  let ar = `${STATUS_WORDS[status].ar}: بحسب ${n} ${n === 1 ? 'وسيلة إعلام' : 'وسائل إعلام'}`;
  if (since) {
    en += ` since ${humanDate(since, 'en')}`;
    ar += ` منذ ${humanDate(since, 'ar')}`;
  }
  if (firstBy) {
    en += `, first by ${name(firstBy, 'en')}`;
    ar += `، أولها ${name(firstBy, 'ar')}`;
  }
  for (const c of contradictions) {
    const words = DISSENT_WORDS[c.stance];
    if (!words) continue;
    const by = c.attributions.length > 0 ? c.attributions.map((a) => name(a, 'en')).join(', ') : c.outlets.join(', ');
    const byAr = c.attributions.length > 0 ? c.attributions.map((a) => name(a, 'ar')).join('، ') : c.outlets.join('، ');
    en += `; ${c.reports} ${words.en[c.reports === 1 ? 0 : 1]} by ${by}`;
    ar += `؛ ${c.reports} ${words.ar} من ${byAr}`;
  }
  return { en, ar };
}

export interface MilestoneStatus extends Assessment {
  id: string;
  title: Milestone['title'];
  due: string;
  from: string;
  /** The reports in the milestone's window, oldest first (history apart: see `counts.history`). */
  timeline: TimelineEntry[];
}

export function milestoneStatus(milestone: Milestone, entries: readonly TimelineEntry[], names: ActorNames): MilestoneStatus {
  return {
    id: milestone.id,
    title: milestone.title,
    due: milestone.due,
    from: milestone.from,
    ...assess(entries, names),
    timeline: entries.filter((e) => !e.history).sort(byReport),
  };
}
