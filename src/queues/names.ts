/**
 * Queue names. They are stored in Redis as part of every key: never rename one, add new ones.
 * The order is the pipeline's order.
 */
export const STAGES = ['clean', 'dedup', 'tag'] as const;
export type Stage = (typeof STAGES)[number];

export function isStage(name: string): name is Stage {
  return (STAGES as readonly string[]).includes(name);
}
