import { z } from 'zod';
import type { Stage } from './names.js';

// Payloads carry ids; feed items, documents and articles live in the store.
const id = z.string().regex(/^[a-z0-9][a-z0-9-]{3,80}$/, 'expected a marsad id');
const feedId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected a feed id');

export const JOB_SCHEMAS = {
  /** `force`: poll even when the feed is not due (marsad poll). `slot`: when a manual poll was asked for. */
  poll: z.object({ feedId, force: z.boolean().optional(), slot: z.number().int().nonnegative().optional() }).strict(),
  /** `slotAt`: the host slot (ms) the pacer reserved for this job before it was delayed until then. */
  fetch: z.object({ documentId: id, slotAt: z.number().int().positive().optional() }).strict(),
  clean: z.object({ documentId: id }).strict(),
  dedup: z.object({ articleId: id }).strict(),
  tag: z.object({ articleId: id }).strict(),
} satisfies Record<Stage, z.ZodType>;

export type JobData<S extends Stage> = z.output<(typeof JOB_SCHEMAS)[S]>;

/** Job ids come from what the job is about, so a retried or replayed job never runs twice in parallel. */
export function jobIdFor<S extends Stage>(stage: S, data: JobData<S>): string {
  if ('feedId' in data) return `${stage}-${data.feedId}-${data.slot ?? 'scheduled'}`;
  return `${stage}-${'documentId' in data ? data.documentId : data.articleId}`;
}

/** The payload that hands item `id` to `stage`: documents until cleaned, articles after. */
export function payloadFor(stage: Exclude<Stage, 'poll'>, id: string): JobData<typeof stage> {
  return stage === 'fetch' || stage === 'clean' ? { documentId: id } : { articleId: id };
}
