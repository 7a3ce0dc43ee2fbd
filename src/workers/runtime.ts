import { DelayedError, UnrecoverableError, type Worker } from 'bullmq';
import { DELIVERY_RETRY_OPTIONS } from '../deliver/backoff.js';
import type { Redis } from 'ioredis';
import { JOB_SCHEMAS, jobIdFor, payloadFor, type JobData } from '../queues/jobs.js';
import { createWorker, type Job, type StageQueues } from '../queues/factory.js';
import type { Stage } from '../queues/names.js';
import { NEXT_STAGE, type StageResult } from '../queues/pipeline.js';
import type { StageDeps } from './deps.js';
import { handleClean } from './clean.js';
import { handleDedup } from './dedup.js';
import { handleFetch } from './fetch.js';
import { handlePoll } from './poll.js';
import { handleTag } from './tag.js';
import { handleStory } from './story.js';
import { handleAlert } from './alert.js';
import { handleDeliver } from './deliver.js';
import { handleDigest } from './digest.js';

/** What a handler may do with its job besides returning: put it back until a given time. */
export interface JobControl {
  id: string;
  attemptsMade: number;
  /**
   * Moves the job back to delayed until `timestamp` (ms) without using up an attempt; never returns.
   * `data` is merged into the job's payload first, so the job knows on its return why it waited.
   */
  delayUntil(timestamp: number, data?: Record<string, unknown>): Promise<never>;
}

type Handler<S extends Stage> = (data: JobData<S>, deps: StageDeps, job: JobControl) => Promise<StageResult>;

// One handler per stage, checked by the compiler: a stage without a handler does not build.
const HANDLERS: { [S in Stage]: Handler<S> } = {
  poll: handlePoll,
  fetch: handleFetch,
  clean: handleClean,
  dedup: handleDedup,
  tag: handleTag,
  story: handleStory,
  alert: handleAlert,
  digest: handleDigest,
  deliver: handleDeliver,
};

/** Low priority for backfill: BullMQ runs lower numbers first, and 0 (no priority) before all. */
const BACKFILL_PRIORITY = 100;

/** Enqueues a stage's job with its business-key id; adding a job that exists is a no-op. */
export async function enqueue<S extends Stage>(queues: StageQueues, stage: S, data: JobData<S>, priority?: number): Promise<void> {
  const jobId = jobIdFor(stage, data);
  // Deliveries retry on their own schedule (5 s … 10 h), the other stages on the queue's default.
  await queues[stage].add(stage, data, { jobId, ...(priority ? { priority } : {}), ...(stage === 'deliver' ? DELIVERY_RETRY_OPTIONS : {}) });
}

async function handOn(queues: StageQueues, stage: Stage, result: StageResult): Promise<void> {
  const next = NEXT_STAGE[stage];
  if (next === null || result.status === 'skipped') return;
  for (const id of result.next) await enqueue(queues, next, payloadFor(next, id));
  for (const id of result.later ?? []) await enqueue(queues, next, payloadFor(next, id), BACKFILL_PRIORITY);
}

/**
 * The thin part of every worker: validate the payload at the boundary, run the stage, hand the
 * result to the next stage. Invalid payloads can never succeed, so they fail without retries.
 */
export function processorFor<S extends Stage>(stage: S, deps: StageDeps, queues: StageQueues) {
  return async (job: Job, token?: string): Promise<StageResult> => {
    const parsed = JOB_SCHEMAS[stage].safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(`invalid ${stage} job payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const log = deps.log.child({ stage, job_id: job.id });
    const control: JobControl = {
      id: job.id ?? '',
      attemptsMade: job.attemptsMade,
      async delayUntil(timestamp, data) {
        if (data) await job.updateData({ ...job.data, ...data });
        await job.moveToDelayed(timestamp, token);
        throw new DelayedError();
      },
    };
    const result = await HANDLERS[stage](parsed.data as JobData<S>, { ...deps, log }, control);
    await handOn(queues, stage, result);
    log.debug({ status: result.status, next: result.next.length, note: result.note }, 'stage done');
    return result;
  };
}

export function startWorkers(stages: readonly Stage[], deps: StageDeps, queues: StageQueues, connection: Redis): Worker[] {
  return stages.map((stage) => {
    const worker = createWorker(stage, processorFor(stage, deps, queues), connection, deps.config.settings);
    worker.on('failed', (job, err) => {
      deps.log.warn({ stage, job_id: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed');
    });
    worker.on('error', (err) => deps.log.error({ stage, err: err.message }, 'worker error'));
    return worker;
  });
}
