import type { JobData } from './jobs.js';
import type { Stage } from './names.js';

/**
 * What each stage hands to the next: the one place where the pipeline is chained.
 * A stage that returns `skipped` ends the article's way through the pipeline.
 */
export const NEXT_STAGE: { [S in Stage]: Stage | null } = {
  clean: 'dedup',
  dedup: 'tag',
  tag: null,
};

export interface StageResult {
  status: 'done' | 'skipped';
  articleId: string;
  /** Short reason shown in job results, e.g. "duplicate of 3f2a…" or "unchanged". */
  note?: string;
}

export function nextJob(stage: Stage, result: StageResult): { stage: Stage; data: JobData<Stage> } | null {
  const next = NEXT_STAGE[stage];
  if (next === null || result.status === 'skipped') return null;
  return { stage: next, data: { articleId: result.articleId } };
}
