// Schemas for config/taxonomy.yaml and config/milestones.yaml. Pure: the config loader reads the YAML
// and parses it with these; the inferred types are what the gazetteer and the milestone matcher compile.
import { z } from 'zod';
import { kebabId } from '../config/schema-parts.js';
import { normalizeText } from '../text/arabic.js';

const Id = kebabId('ain-al-asad');

/**
 * A phrase: words separated by spaces, matched token by token. A word ending in `*` matches any token
 * that starts with it (ينسحب* matches ينسحبون, withdraw* matches withdrawal); the part before `*`
 * needs 3 characters or more so that a prefix never matches half the language.
 */
const Phrase = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .refine((p) => p.split(/\s+/).every((w) => /^[^*]+\*?$/.test(w) && (!w.endsWith('*') || w.length > 3)), {
    message: '`*` may only end a word, after at least 3 characters',
  });

/** Phrases per language. Arabic is matched with clitics and the article allowed on every word. */
const Phrases = z.strictObject({
  ar: z.array(Phrase).default([]),
  en: z.array(Phrase).default([]),
});

const Names = z.strictObject({ ar: z.string().min(1), en: z.string().min(1) });

/**
 * Words that make an `ambiguous` alias count when one of them is within `window` tokens in the same
 * sentence: "حرير" next to القوات الأمريكية is the base, "ثوب من الحرير" is silk.
 */
const Context = z.strictObject({
  window: z.number().int().min(1).max(20).default(4),
  ar: z.array(Phrase).default([]),
  en: z.array(Phrase).default([]),
  /**
   * Words that make an ambiguous alias the other thing when within the same window, whatever context
   * there is: "Bashar al-Asad", "President al-Asad", "محافظة القادسية".
   */
  exclude: z.strictObject({ ar: z.array(Phrase).default([]), en: z.array(Phrase).default([]) }).optional(),
});

const entryFields = {
  id: Id,
  name: Names,
  /** Names that tag on their own. */
  aliases: Phrases,
  /** Names that are also common words or other things (a town, a person): they tag only with `context`. */
  ambiguous: Phrases.optional(),
  context: Context.optional(),
  note: z.string().optional(),
};

const needsContext = (e: { ambiguous?: { ar: string[]; en: string[] } | undefined; context?: unknown }) =>
  !e.ambiguous || e.ambiguous.ar.length + e.ambiguous.en.length === 0 || e.context !== undefined;
const needsContextMessage = { message: '`ambiguous` aliases need a `context` list', path: ['context'] };

export const TopicSchema = z
  .strictObject({
    ...entryFields,
    /** Hits needed in the text for the topic to tag (one is enough when the title names it too). */
    min_hits: z.number().int().min(1).default(2),
  })
  .refine(needsContext, needsContextMessage);

export const BaseSchema = z
  .strictObject({ ...entryFields, country: z.enum(['iq', 'sy']) })
  .refine(needsContext, needsContextMessage);

export const TaxonomySchema = z
  .strictObject({
    topics: z.array(TopicSchema).min(1),
    bases: z.array(BaseSchema).min(1),
  })
  .superRefine((tax, ctx) => {
    const seen = new Map<string, string>();
    for (const [list, entries] of [['topics', tax.topics], ['bases', tax.bases]] as const) {
      entries.forEach((e, i) => {
        const other = seen.get(e.id);
        if (other) ctx.addIssue({ code: 'custom', path: [list, i, 'id'], message: `duplicate id "${e.id}" (also in ${other})` });
        seen.set(e.id, list);
      });
    }
    // The same name on two bases would make every mention of it tag both.
    const owner = new Map<string, string>();
    tax.bases.forEach((b, i) => {
      for (const lang of ['ar', 'en'] as const) {
        for (const alias of [...b.aliases[lang], ...(b.ambiguous?.[lang] ?? [])]) {
          const key = normalizeText(alias);
          const other = owner.get(key);
          if (other && other !== b.id) {
            ctx.addIssue({ code: 'custom', path: ['bases', i, 'aliases', lang], message: `alias "${alias}" is also an alias of base "${other}"` });
          }
          owner.set(key, b.id);
        }
      }
    });
  });

/** ISO date (2025-09-15) or month (2025-09). */
const Due = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/, 'must be an ISO date (YYYY-MM-DD) or month (YYYY-MM)');

export const MilestoneSchema = z.strictObject({
  id: Id,
  title: Names,
  due: Due,
  /**
   * Start of the window in which reporting can be about this milestone: the date of the agreement it
   * belongs to. Mentions of events before it (the 2011 withdrawal, the 2021 end of combat operations)
   * are history: kept and shown as such, never counted or alerted.
   */
  from: z
    .string({ error: 'must be an ISO date (YYYY-MM-DD): the date of the agreement the milestone belongs to' })
    .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be an ISO date (YYYY-MM-DD)'),
  phase: z.number().int().min(1).optional(),
  /** Bases whose withdrawal statement is a mention of the milestone. */
  bases: z.array(Id).default([]),
  /**
   * Other subjects that count: each item is a list of `terms` ids that must all occur in one sentence
   * (e.g. [coalition, mission]: the coalition's mission, named without a base).
   */
  scope: z.array(z.array(Id).min(1)).default([]),
  /** `terms` ids that void the scope matches of a sentence ("… redeployed to Erbil" for the Kurdistan milestone). */
  unless: z.array(Id).optional(),
  note: z.string().optional(),
});

export const MilestonesSchema = z
  .strictObject({
    /** Withdrawal, handover, closure, relocation and timeline words: what makes a sentence a statement. */
    statements: Phrases,
    /** Closing words ("closure", "إغلاق"): statements only in a sentence that also has a `military` word. */
    closures: Phrases.optional(),
    military: Phrases.optional(),
    /** Words before a subject that make it where forces go ("إلى قاعدة حرير", "redeployed to Erbil"). */
    destinations: Phrases.optional(),
    /** Named word lists that milestone scopes refer to. */
    terms: z.record(Id, Phrases).default({}),
    /**
     * `terms` ids a scope item may find in the sentence before instead ("… قالت واشنطن. وسيبقى عدد من
     * المستشارين في أربيل حتى …": the advisers are the ones just named).
     */
    carry: z.array(Id).optional(),
    /**
     * `terms` ids that are only the frame of a sentence naming a base: they name a subject only in a
     * sentence that names no base ("سلّمت القوات قاعدة عين الأسد … ضمن خطة الانسحاب الكامل من العراق" is
     * about the base, not about leaving the whole country).
     */
    frames: z.array(Id).optional(),
    /**
     * Words that stand for the base named a sentence or two before, in the same paragraph ("… عين الأسد.
     * وكانت القاعدة قد …", "… Al Asad. The base, which U.S. troops left …"): `terms` ids, and the ones that
     * void such a word where it overlaps it ("تنظيم القاعدة" is al-Qaeda).
     */
    anaphors: z.strictObject({ terms: z.array(Id).min(1), unless: z.array(Id).default([]), reach: z.number().int().min(1).max(3).default(2) }).optional(),
    milestones: z.array(MilestoneSchema).min(1),
  })
  .superRefine((cfg, ctx) => {
    const ids = new Set<string>();
    cfg.milestones.forEach((m, i) => {
      if (ids.has(m.id)) ctx.addIssue({ code: 'custom', path: ['milestones', i, 'id'], message: `duplicate id "${m.id}"` });
      ids.add(m.id);
      if (m.bases.length === 0 && m.scope.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['milestones', i], message: 'needs `bases` or `scope`, or it can never be mentioned' });
      }
      m.scope.forEach((group, j) =>
        group.forEach((term, k) => {
          if (!(term in cfg.terms)) {
            ctx.addIssue({ code: 'custom', path: ['milestones', i, 'scope', j, k], message: `unknown term list "${term}": add it under \`terms:\`` });
          }
        }),
      );
      (m.unless ?? []).forEach((term, k) => {
        if (!(term in cfg.terms)) {
          ctx.addIssue({ code: 'custom', path: ['milestones', i, 'unless', k], message: `unknown term list "${term}": add it under \`terms:\`` });
        }
      });
    });
  });

export const STANCES = ['scheduled', 'started', 'completed', 'delayed', 'denied', 'unclear'] as const;
export type Stance = (typeof STANCES)[number];

const Actor = z.strictObject({
  id: Id,
  /** How summaries name it ("first by the Joint Operations Command"). */
  name: Names,
  ar: z.array(Phrase).default([]),
  en: z.array(Phrase).default([]),
  /** How many words from a speech verb these names may stand (default: the rule's own reach). */
  reach: z.number().int().min(0).max(8).optional(),
});

/** config/stance.yaml: the cue lexicons of the stance rules (see the file's header for how they combine). */
export const StanceSchema = z
  .strictObject({
    stances: z.strictObject({
      completed: Phrases,
      started: Phrases,
      delayed: Phrases,
      denied: Phrases,
      scheduled: Phrases,
      unclear: Phrases,
      /** "will remain until …": scheduled when on or before the due date, delayed otherwise. */
      stay: Phrases,
      /** "repositioning": a denial when contrasted ("merely …"), a move under way otherwise. */
      reposition: Phrases,
      /** Present tense: under way, or planned when the sentence gives a plan or date. */
      ongoing: Phrases,
      /** "Nothing has changed": `scheduled` when the sentence is about a timetable, `denied` otherwise. */
      unchanged: Phrases.optional(),
    }),
    future: Phrases,
    negation: Phrases,
    yet: Phrases,
    contrast: Phrases,
    hedges: Phrases,
    speech: Phrases,
    /** "according to", "بحسب": attribution only with an actor right after. */
    according: Phrases,
    actors: z.array(Actor).min(1),
    background: Phrases,
    history: Phrases,
    /** A demand or question before a statement: the mention is `unclear` ("طالبت بخروج …"). */
    demands: Phrases.optional(),
    /** Part of the forces ("قسم من", "some"): a completed move is only `started`. */
    partial: Phrases.optional(),
    /** Before a date: forces stay until it ("حتى", "until"). */
    until: Phrases.optional(),
    /** Before a date: later than it ("لما بعد", "beyond", "into"). */
    beyond: Phrases.optional(),
    /** Verbs that announce ("أعلنت", "declared"): with an `endings` noun after them, the ending happened. */
    announce: Phrases.optional(),
    /** Nouns of an ending ("انتهاء", "اكتمال", "the end of"): completed when announced with nothing ahead. */
    endings: Phrases.optional(),
    /** Anonymity ("on condition of anonymity", "طلب عدم الكشف عن اسمه"): hedges, and the speaker is an unnamed source. */
    anonymity: Phrases.optional(),
    /** Reports as a noun ("reports", "أنباء", "تقارير"): hedge only a mention no named actor speaks ("the Embassy denied reports …" is not hedged). */
    reports: Phrases.optional(),
  })
  .superRefine((cfg, ctx) => {
    const ids = new Set<string>();
    cfg.actors.forEach((a, i) => {
      if (ids.has(a.id)) ctx.addIssue({ code: 'custom', path: ['actors', i, 'id'], message: `duplicate id "${a.id}"` });
      ids.add(a.id);
    });
  });

export type Phrases = z.infer<typeof Phrases>;
export type StanceLexicon = z.infer<typeof StanceSchema>;
export type Topic = z.infer<typeof TopicSchema>;
export type Base = z.infer<typeof BaseSchema>;
export type Taxonomy = z.infer<typeof TaxonomySchema>;
export type Milestone = z.infer<typeof MilestoneSchema>;
export type Milestones = z.infer<typeof MilestonesSchema>;

/** Problems that span both files: milestone bases that the taxonomy does not define. */
export function crossCheck(taxonomy: Taxonomy, milestones: Milestones): string[] {
  const bases = new Set(taxonomy.bases.map((b) => b.id));
  const problems: string[] = [];
  milestones.milestones.forEach((m, i) => {
    for (const base of m.bases) {
      if (!bases.has(base)) {
        problems.push(`milestones.yaml: milestones[${i}] (${m.id}): base "${base}" is not in taxonomy.yaml bases; add it there or fix the id`);
      }
    }
  });
  return problems;
}
