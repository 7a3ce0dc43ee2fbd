// Schema of config/stories.yaml: the window, thresholds and bilingual lexicon that group articles into stories.
import { z } from 'zod';
import { kebabId } from '../config/schema-parts.js';

const Id = kebabId('green-zone');
const Phrase = z.string().trim().min(1, 'must not be empty');

export const ENTITY_KINDS = ['place', 'event', 'person'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

const Weights = z.strictObject({
  milestone: z.number().min(0),
  base: z.number().min(0),
  place: z.number().min(0),
  event: z.number().min(0),
  actor: z.number().min(0),
  person: z.number().min(0),
  number: z.number().min(0),
});

export const StoriesSchema = z
  .strictObject({
    /** Two reports of one event are at most this many days apart (event dates, else report dates). */
    window_days: z.number().int().min(0).max(30),
    reprint: z.strictObject({
      /** Word 3-shingle Jaccard at or above which one text is a rewrite of the other. */
      jaccard: z.number().min(0).max(1),
      /** Share of the shorter text's shingles found in the longer one (an excerpt, a cut reprint). */
      containment: z.number().min(0).max(1),
    }),
    same_event: z.strictObject({
      /** Sum of the weights of the shared concepts needed to call two separate reports one event. */
      min_score: z.number().min(0),
      weights: Weights,
      /** Taken off when the two leads quote different speakers (a statement and a reaction to it). */
      other_speaker: z.number().min(0),
      /** Taken off per milestone on which the two reports say different things (started and completed). */
      other_stance: z.number().min(0),
      /** Taken off when the leads name kinds of event and none in common (a convoy, a drone attack). */
      other_event: z.number().min(0),
      /** Added when both leads quote the same speaker. */
      same_speaker: z.number().min(0),
    }),
    entities: z.array(
      z.strictObject({
        id: Id,
        kind: z.enum(ENTITY_KINDS),
        /** Overrides the kind's weight: a common word weighs less (every report here mentions a withdrawal). */
        weight: z.number().min(0).optional(),
        /** Kinds of event that every report of such an event names in its lead (an attack, a visit). */
        defining: z.boolean().default(false),
        ar: z.array(Phrase).default([]),
        en: z.array(Phrase).default([]),
      }),
    ),
  })
  .superRefine((cfg, ctx) => {
    const ids = new Set<string>();
    cfg.entities.forEach((e, i) => {
      if (ids.has(e.id)) ctx.addIssue({ code: 'custom', path: ['entities', i, 'id'], message: `duplicate id "${e.id}"` });
      ids.add(e.id);
    });
  });

export type StoriesConfig = z.infer<typeof StoriesSchema>;
