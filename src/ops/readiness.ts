import type { App } from '../app.js';
import type { Redis } from 'ioredis';
import { STAGES } from '../queues/names.js';
import { schedulerNotes } from '../queues/scheduler-keeper.js';
import { collectQueues, STUCK_AFTER_MS } from './overview.js';

export interface Readiness {
  ready: boolean;
  reasons: string[];
  maxmemoryPolicy: string;
  /** What an operator should know that does not make marsad unready (e.g. job schedulers re-created). */
  notes: string[];
}

/** The last connection error of each connection asked about, until it is ready again. */
const lastErrors = new WeakMap<Redis, string | null>();

/**
 * Why a request cannot use Redis now, at once and without asking it: the connection is not ready
 * (down, reconnecting), with its last error. Null when it is connected. The first call starts
 * following the connection's errors.
 */
export function redisUnavailable(redis: Redis): string | null {
  if (!lastErrors.has(redis)) {
    lastErrors.set(redis, null);
    redis.on('error', (err: Error) => lastErrors.set(redis, err.message));
    redis.on('ready', () => lastErrors.set(redis, null));
  }
  if (redis.status === 'ready') return null;
  const last = lastErrors.get(redis);
  return `Redis is not connected (${redis.status}${last ? `: ${last}` : ''})`;
}

/** How long `marsad status` waits for the checks; /readyz passes less (it answers within a second). */
const STATUS_DEADLINE_MS = 10_000;

/**
 * Why marsad is not ready, from the shared Redis: not connected (said at once), not answering within
 * `deadlineMs`, out of memory (writes refused), an eviction policy that can drop queue keys, a stage queue
 * with no worker in any process, or a queue whose oldest waiting job is older than STUCK_AFTER_MS. A Redis
 * that forbids CONFIG (managed services) reports "unknown" and stays ready.
 */
export async function readiness(app: App, deadlineMs = STATUS_DEADLINE_MS): Promise<Readiness> {
  const down = redisUnavailable(app.redis);
  if (down) return { ready: false, reasons: [down], maxmemoryPolicy: 'unknown', notes: [] };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reasons: [`Redis did not answer within ${deadlineMs} ms`], maxmemoryPolicy: 'unknown', notes: [] }), deadlineMs);
  });
  try {
    return await Promise.race([check(app), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Redis at maxmemory (with noeviction it refuses every write): a reason, or null. */
function outOfMemory(info: string): string | null {
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  const used = field('used_memory');
  const max = field('maxmemory');
  if (max === 0 || used < max * 0.99) return null;
  const mb = (n: number) => (n / 1048576).toFixed(1);
  return `Redis is out of memory (${mb(used)} MB used of maxmemory ${mb(max)} MB): writes are refused`;
}

async function check(app: App): Promise<Readiness> {
  try {
    await app.redis.ping();
  } catch (err) {
    return { ready: false, reasons: [`Redis: ${(err as Error).message}`], maxmemoryPolicy: 'unknown', notes: [] };
  }
  const reasons: string[] = [];
  const full = outOfMemory(await app.redis.info('memory'));
  if (full) reasons.push(full);
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
  return { ready: reasons.length === 0, reasons, maxmemoryPolicy, notes: await schedulerNotes(app) };
}
