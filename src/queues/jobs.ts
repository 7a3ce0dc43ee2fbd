import { z } from 'zod';
import { KEBAB_ID } from '../config/schema-parts.js';
import type { Stage } from './names.js';

// Payloads carry ids; feed items, documents and articles live in the store.
const id = z.string().regex(/^[a-z0-9][a-z0-9-]{3,80}$/, 'expected a marsad id');
const configId = z.string().regex(KEBAB_ID, 'expected a feed or subscriber id');
const slotAt = z.number().int().positive().optional();

export const JOB_SCHEMAS = {
  /**
   * `force`: poll even when the feed is not due (marsad poll). `slot`: when a manual poll was asked for.
   * `slotAt` (here and in fetch): the host slot (ms) the pacer reserved before the job was delayed until then.
   */
  poll: z.object({ feedId: configId, force: z.boolean().optional(), slot: z.number().int().nonnegative().optional(), slotAt }).strict(),
  fetch: z.object({ documentId: id, slotAt }).strict(),
  clean: z.object({ documentId: id }).strict(),
  dedup: z.object({ articleId: id }).strict(),
  tag: z.object({ articleId: id }).strict(),
  story: z.object({ articleId: id }).strict(),
  alert: z.object({ articleId: id }).strict(),
  /** A digest subscriber's scheduler tick. */
  digest: z.object({ subscriberId: configId }).strict(),
  deliver: z.object({ deliveryId: id }).strict(),
} satisfies Record<Stage, z.ZodType>;

export type JobData<S extends Stage> = z.output<(typeof JOB_SCHEMAS)[S]>;

/** Job ids come from what the job is about, so a retried or replayed job never runs twice in parallel. */
export function jobIdFor(stage: Stage, data: JobData<Stage>): string {
  if ('feedId' in data) return `${stage}-${data.feedId}-${data.slot ?? 'now'}`;
  if ('subscriberId' in data) return `${stage}-${data.subscriberId}`;
  if ('deliveryId' in data) return `${stage}-${data.deliveryId}`;
  return `${stage}-${'documentId' in data ? data.documentId : data.articleId}`;
}

/** Stages that take the ids the previous stage hands on. */
export type ChainedStage = Exclude<Stage, 'poll' | 'digest'>;

/** The payload that hands item `id` to `stage`: documents until cleaned, articles after, then deliveries. */
export function payloadFor(stage: ChainedStage, id: string): JobData<ChainedStage> {
  if (stage === 'fetch' || stage === 'clean') return { documentId: id };
  if (stage === 'deliver') return { deliveryId: id };
  return { articleId: id };
}
