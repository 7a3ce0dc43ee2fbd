import type { StageDeps } from './deps.js';
import type { JobControl } from '../queues/door.js';

/** A job may go this early for its reserved slot: the delayed-job timer is not exact. */
const SLOT_TOLERANCE_MS = 250;

/**
 * Waits for the host's next free slot without sleeping: reserves it (shared by every worker through
 * Redis) and, when it is in the future, puts the job back until then with the slot in its payload,
 * so that on its return the job goes without reserving a second slot.
 */
export async function paceHost(pacer: StageDeps['pacer'], job: JobControl, host: string, intervalMs: number, slotAt: number | undefined): Promise<void> {
  if (slotAt !== undefined && Date.now() >= slotAt - SLOT_TOLERANCE_MS) return;
  const wait = await pacer.reserve(host, intervalMs);
  if (wait > 0) await job.delayUntil(Date.now() + wait, { slotAt: Date.now() + wait });
}
