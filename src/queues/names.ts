/**
 * Queue names. They are stored in Redis as part of every key: never rename one, add new ones.
 * The order is the pipeline's order.
 */
export const STAGES = ['poll', 'fetch', 'clean', 'dedup', 'tag', 'story', 'alert', 'digest', 'deliver'] as const;
export type Stage = (typeof STAGES)[number];

/** The stages a document goes through once it is in the store (what `marsad seed` needs). */
export const DOCUMENT_STAGES = ['clean', 'dedup', 'tag', 'story', 'alert'] as const satisfies readonly Stage[];

export function isStage(name: string): name is Stage {
  return (STAGES as readonly string[]).includes(name);
}
