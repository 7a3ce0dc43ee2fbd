import { z } from 'zod';
import type { Config } from '../config/load.js';
import { DELIVERY_STATUSES } from '../ops/overview.js';
import { STORY_ID } from '../stories/read.js';
import { subscriberEntrySchema, unknownFilterIds } from '../subscribers/schema.js';

/** An article id as the API and the pages take it: 16 hex digits. */
export const ARTICLE_ID = /^[0-9a-f]{16}$/;

const limit = (max: number, fallback: number) =>
  z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(max, `must be at most ${max}`).default(fallback);

const idOf = (kind: string, ids: readonly string[]) =>
  z.string().refine((id) => ids.includes(id), { error: (issue) => `unknown ${kind} "${String(issue.input)}"; known: ${ids.join(', ')}` }).meta({ enum: [...ids] });

/** The API's inputs, from the configuration's ids (so that a typo is a 400, not an empty list); openapi.ts documents them. */
export function apiSchemas(config: Config) {
  const bases = config.taxonomy.bases.map((b) => b.id);
  const topics = config.taxonomy.topics.map((t) => t.id);
  const milestones = config.milestones.milestones.map((m) => m.id);
  return {
    articlesQuery: z.strictObject({
      base: idOf('base', bases).optional(),
      topic: idOf('topic', topics).optional(),
      milestone: idOf('milestone', milestones).optional(),
      language: z.enum(['ar', 'en', 'und']).optional(),
      outlet: z.string().trim().min(1).max(200).optional().describe('the outlet as articles credit it ("Erem News") or its slug ("erem-news")'),
      limit: limit(100, 20),
      cursor: z.string().regex(/^[1-9]\d{0,15}$/, 'must be the nextCursor of a previous page').optional().describe('nextCursor of the previous page'),
    }),
    articleParams: z.strictObject({ id: z.string().regex(ARTICLE_ID, 'must be 16 hex digits') }),
    /** Not checked against the ids here: an unknown milestone is a 404 naming the known ones. */
    milestoneParams: z.strictObject({ id: z.string().min(1).max(100).meta({ enum: [...milestones] }) }),
    storiesQuery: z.strictObject({ milestone: idOf('milestone', milestones).optional(), limit: limit(100, 20) }),
    storyParams: z.strictObject({ id: z.string().regex(STORY_ID, 'must be a story id (st- and 16 hex digits)') }),
    listQuery: z.strictObject({ limit: limit(100, 50) }),
    deliveriesQuery: z.strictObject({ limit: limit(100, 50), status: z.enum(DELIVERY_STATUSES).optional() }),
    deliveryParams: z.strictObject({ id: z.string().regex(/^dl-[0-9a-f]{16}$/, 'must be a delivery id (dl- and 16 hex digits)') }),
    subscriberParams: z.strictObject({ id: z.string().min(1).max(100) }),
    /** As in subscribers.yaml, minus `secret_file`: the API must not read files on the server. */
    subscriberBody: subscriberEntrySchema().superRefine((entry, ctx) => {
      for (const u of unknownFilterIds(entry.filters, { bases, topics, milestones })) ctx.addIssue({ code: 'custom', path: ['filters', u.filter, u.index], message: u.message });
    }),
  };
}
