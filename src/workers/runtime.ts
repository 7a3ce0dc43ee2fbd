import { UnrecoverableError, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_SCHEMAS, jobIdFor, type JobData } from '../queues/jobs.js';
import { createWorker, type Job, type StageQueues } from '../queues/factory.js';
import type { Stage } from '../queues/names.js';
import { nextJob, type StageResult } from '../queues/pipeline.js';
import type { StageDeps } from './deps.js';
import { handleClean } from './clean.js';
import { handleDedup } from './dedup.js';
import { handleTag } from './tag.js';

type Handler<S extends Stage> = (data: JobData<S>, deps: StageDeps) => Promise<StageResult>;

// One handler per stage, checked by the compiler: a stage without a handler does not build.
const HANDLERS: { [S in Stage]: Handler<S> } = {
  clean: handleClean,
  dedup: handleDedup,
  tag: handleTag,
};

/** Enqueues a stage's job with its business-key id; adding a job that exists is a no-op. */
export async function enqueue<S extends Stage>(queues: StageQueues, stage: S, data: JobData<S>): Promise<void> {
  const jobId = jobIdFor(stage, data);
  await queues[stage].add(stage, data, { jobId });
}

/**
 * The thin part of every worker: validate the payload at the boundary, run the stage, hand the
 * result to the next stage. Invalid payloads can never succeed, so they fail without retries.
 */
export function processorFor<S extends Stage>(stage: S, deps: StageDeps, queues: StageQueues) {
  return async (job: Job): Promise<StageResult> => {
    const parsed = JOB_SCHEMAS[stage].safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(`invalid ${stage} job payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const log = deps.log.child({ stage, job_id: job.id });
    const result = await HANDLERS[stage](parsed.data as JobData<S>, { ...deps, log });
    const next = nextJob(stage, result);
    if (next) await enqueue(queues, next.stage, next.data);
    log.debug({ article_id: result.articleId, status: result.status, note: result.note }, 'stage done');
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
