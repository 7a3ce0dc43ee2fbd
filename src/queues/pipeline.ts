import type { ChainedStage } from './jobs.js';
import type { Stage } from './names.js';

/** What each stage hands to the next: the one place where the pipeline is chained. */
export const NEXT_STAGE: { [S in Stage]: ChainedStage | null } = {
  poll: 'fetch',
  fetch: 'clean',
  clean: 'dedup',
  dedup: 'tag',
  tag: 'story',
  story: 'alert',
  alert: 'deliver',
  digest: 'deliver',
  deliver: null,
};

export interface StageResult {
  /** `skipped`: nothing to do (a feed not due, an unchanged feed); nothing goes on. */
  status: 'done' | 'skipped';
  /** Ids handed to the next stage, one job each. */
  next: string[];
  /** Ids handed on at low priority (backfill found at a feed's first poll). */
  later?: string[];
  /** Short reason shown in job results, e.g. "duplicate of 3f2a…" or "304 not modified". */
  note?: string;
}
