import type { App } from '../app.js';
import { STAGES } from '../queues/names.js';
import { collectQueues, STUCK_AFTER_MS } from './overview.js';

/**
 * Why marsad is not ready, from the shared Redis: unreachable, an eviction policy that can drop queue
 * keys, a stage queue with no worker in any process, or a queue whose oldest waiting job is older than
 * STUCK_AFTER_MS. A Redis that forbids CONFIG (managed services) reports "unknown" and stays ready.
 */
export async function readiness(app: App): Promise<{ ready: boolean; reasons: string[]; maxmemoryPolicy: string }> {
  try {
    await app.redis.ping();
  } catch (err) {
    return { ready: false, reasons: [`Redis: ${(err as Error).message}`], maxmemoryPolicy: 'unknown' };
  }
  const reasons: string[] = [];
  let maxmemoryPolicy = 'unknown';
  try {
    [, maxmemoryPolicy] = (await app.redis.config('GET', 'maxmemory-policy')) as [string, string];
  } catch {
    // CONFIG forbidden: nothing to check.
  }
  if (maxmemoryPolicy !== 'unknown' && maxmemoryPolicy !== 'noeviction') reasons.push(`Redis maxmemory-policy is ${maxmemoryPolicy}, not noeviction: queue keys may be evicted`);
  const queues = await collectQueues(app);
  for (const stage of STAGES) {
    const q = queues[stage];
    const waiting = q.waiting + q.prioritized;
    if (q.workers === 0) reasons.push(`queue ${stage}: no worker attached${waiting > 0 ? ` and ${waiting} jobs waiting` : ''}`);
    else if (q.oldestWaitingSeconds !== null && q.oldestWaitingSeconds * 1000 > STUCK_AFTER_MS) reasons.push(`queue ${stage}: a job has waited ${Math.round(q.oldestWaitingSeconds / 60)} min`);
  }
  return { ready: reasons.length === 0, reasons, maxmemoryPolicy };
}
