import { Queue, QueueEvents, Worker, type DefaultJobOptions, type Job, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Settings } from '../config/settings.js';
import { deliveryBackoffStrategy } from '../deliver/backoff.js';
import { STAGES, type Stage } from './names.js';

export type StageQueues = { [S in Stage]: Queue };

/**
 * Retry and retention defaults: transient failures retry with jittered exponential backoff; failed
 * jobs are kept (bounded) so operators can see and retry them; completed ones expire by age and count.
 */
export function defaultJobOptions(settings: Settings): DefaultJobOptions {
  const q = settings.queues;
  return {
    attempts: q.attempts,
    backoff: { type: 'exponential', delay: q.backoffDelayMs, jitter: 0.5 },
    removeOnComplete: { age: q.keepCompletedSeconds, count: q.keepCompletedCount },
    removeOnFail: { count: q.keepFailedCount },
  };
}

export function createQueues(connection: Redis, settings: Settings): StageQueues {
  const options = { connection, prefix: settings.redis.prefix, defaultJobOptions: defaultJobOptions(settings) };
  return Object.fromEntries(STAGES.map((s) => [s, new Queue(s, options)])) as StageQueues;
}

/** `connection` must have been created with `maxRetriesPerRequest: null` (see redis/connection.ts). */
export function createWorker(stage: Stage, processor: Processor, connection: Redis, settings: Settings): Worker {
  return new Worker(stage, processor, {
    connection,
    prefix: settings.redis.prefix,
    concurrency: settings.concurrency[stage],
    autorun: true,
    settings: { backoffStrategy: deliveryBackoffStrategy },
  });
}

export function createQueueEvents(stage: Stage, connection: Redis, settings: Settings): QueueEvents {
  return new QueueEvents(stage, { connection, prefix: settings.redis.prefix });
}

export type { Job };
