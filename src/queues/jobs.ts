import { z } from 'zod';
import type { Stage } from './names.js';

// Payloads carry ids; documents and articles live in the store.
const id = z.string().regex(/^[a-z0-9][a-z0-9-]{3,80}$/, 'expected a marsad id');

export const JOB_SCHEMAS = {
  clean: z.object({ documentId: id }).strict(),
  dedup: z.object({ articleId: id }).strict(),
  tag: z.object({ articleId: id }).strict(),
} satisfies Record<Stage, z.ZodType>;

export type JobData<S extends Stage> = z.output<(typeof JOB_SCHEMAS)[S]>;

/** Job ids come from what the job is about, so a retried or replayed job never runs twice in parallel. */
export function jobIdFor<S extends Stage>(stage: S, data: JobData<S>): string {
  const key = 'documentId' in data ? data.documentId : data.articleId;
  return `${stage}-${key}`;
}
