import { JOB_SCHEMAS, payloadFor, type JobData } from '../queues/jobs.js';
import { PermanentFailure, type JobControl, type QueueDoor, type StageProcessor, type WorkerHandle } from '../queues/door.js';
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

async function handOn(queues: QueueDoor, stage: Stage, result: StageResult): Promise<void> {
  const next = NEXT_STAGE[stage];
  if (next === null || result.status === 'skipped') return;
  await queues.enqueueMany(next, result.next.map((id) => payloadFor(next, id)));
  await queues.enqueueMany(next, (result.later ?? []).map((id) => payloadFor(next, id)), { priority: BACKFILL_PRIORITY });
}

/**
 * The thin part of every worker: validate the payload at the boundary, run the stage, hand the
 * result to the next stage. Invalid payloads can never succeed, so they fail without retries.
 */
export function processorFor<S extends Stage>(stage: S, deps: StageDeps, queues: QueueDoor): StageProcessor {
  return async (data, job) => {
    const parsed = JOB_SCHEMAS[stage].safeParse(data);
    if (!parsed.success) {
      throw new PermanentFailure(`invalid ${stage} job payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const log = deps.log.child({ stage, job_id: job.id });
    const result = await HANDLERS[stage](parsed.data as JobData<S>, { ...deps, log }, job);
    await handOn(queues, stage, result);
    log.debug({ status: result.status, next: result.next.length, note: result.note }, 'stage done');
    return result;
  };
}

export function startWorkers(stages: readonly Stage[], deps: StageDeps, queues: QueueDoor): WorkerHandle[] {
  return stages.map((stage) => queues.startWorker(stage, processorFor(stage, deps, queues)));
}
