import { DelayedError, Queue, QueueEvents, UnrecoverableError, Worker, type DefaultJobOptions, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Settings } from '../config/settings.js';
import { DELIVERY_RETRY_OPTIONS, deliveryBackoffStrategy } from '../deliver/backoff.js';
import type { Logger } from '../log.js';
import { queuePrefix } from '../redis/cluster.js';
import { PermanentFailure } from './errors.js';
import { isRedisOutOfMemory } from '../redis/errors.js';
import { OutOfMemoryBackoff } from './oom-backoff.js';
import { jobIdFor, type JobData } from './jobs.js';
import { STAGES, type Stage } from './names.js';
import type { StageResult } from './pipeline.js';
import { perMinute } from './throughput.js';

/**
 * The door to the queues: the only module that calls BullMQ. Everything else enqueues, counts, runs
 * workers and keeps schedulers through it, by stage name and marsad ids, and never sees a BullMQ object
 * (except bull-board, which needs BullMQ's Queue objects: see queuesForBoard).
 */

export { PermanentFailure } from './errors.js';

/** Where a job is. `unknown`: no such job (never added, or removed by the retention bounds). */
export type JobState = 'waiting' | 'prioritized' | 'active' | 'delayed' | 'completed' | 'failed' | 'waiting-children' | 'unknown';

export interface QueueCounts {
  waiting: number;
  /** Jobs waiting with a priority (backfill): BullMQ keeps them apart from `waiting`. */
  prioritized: number;
  active: number;
  delayed: number;
  /** Completed jobs still kept (queues.keepCompletedCount bounds them). */
  completed: number;
  /** Failed jobs still kept (queues.keepFailedCount bounds them). */
  failed: number;
  /** Workers attached to the queue, in every process. */
  workers: number;
}

/** What a handler may do with its job besides returning: put it back until a given time. */
export interface JobControl {
  id: string;
  attemptsMade: number;
  /**
   * Moves the job back to delayed until `timestamp` (ms) without using up an attempt; never returns.
   * `data` is merged into the job's payload first, so the job knows on its return why it waited.
   */
  delayUntil(timestamp: number, data?: Record<string, unknown>): Promise<never>;
  /**
   * Aborted when the process hands its active jobs back at the shutdown deadline (handBack): pass it to
   * whatever may take long (HTTP requests). The job is then taken again at once, by another worker.
   */
  signal: AbortSignal;
}

/** A stage's work on one job: `data` is the payload as stored (validate it); throw PermanentFailure for no retries. */
export type StageProcessor = (data: unknown, job: JobControl) => Promise<StageResult>;

export interface WorkerHandle {
  stage: Stage;
  /** Takes no new jobs; resolves once the active ones are done. */
  pause(): Promise<void>;
  resume(): void;
  /** Lets the active jobs finish, then stops for good. */
  close(): Promise<void>;
}

/** A job that a worker of this process finished, for duration histograms. */
export interface JobDone {
  stage: Stage;
  outcome: 'completed' | 'failed';
  durationMs: number;
}

export interface EnqueueOptions {
  /** Lower runs first; none (0) runs before any priority. */
  priority?: number;
  /**
   * Run it again although a job with its id exists or existed: a new job under `<id>-replay-<now>`
   * (BullMQ ignores an add under an existing id, and ids must not repeat a removed job's).
   */
  replay?: boolean;
}

/** A job scheduler: a job added at each tick of `repeat`, under a fixed scheduler id. */
export interface ScheduleSpec {
  id: string;
  repeat: { every: number } | { pattern: string; tz: string };
  data: Record<string, unknown>;
}

/** Follows one stage's finished jobs, from before their jobs are added, so no result is missed. */
export interface ResultWatcher {
  /** The job's result once it completed; rejects with its failure reason, or after `timeoutMs`. */
  result(jobId: string, timeoutMs: number): Promise<StageResult>;
  close(): Promise<void>;
}

export interface QueueDoorOptions {
  /** Shared, non-blocking: queues' commands. */
  connection: Redis;
  /** A new connection for blocking reads (workers, queue events); made with `maxRetriesPerRequest: null`. */
  openConnection: () => Redis;
  settings: Settings;
  log: Logger;
}

/** Minutes of per-minute metrics kept per queue and state: a day (a list of 1,440 small integers, a few KB). */
const METRICS_MINUTES = 24 * 60;

/**
 * Events kept in each queue's events stream (BullMQ's default is 10,000: at about 114 bytes an event,
 * 1.1 MB a queue of memory that serves no one). Readers (the dashboard's live counts, watchResults) follow the
 * stream as it grows and only need what came since they last read.
 */
const EVENTS_KEPT = 1000;

/**
 * Retry and retention defaults: transient failures retry with jittered exponential backoff; failed
 * jobs are kept (bounded) so operators can see and retry them; completed ones only briefly (by count
 * and age: marsad's own store holds what a job did, and kept jobs cost Redis memory per article).
 */
function defaultJobOptions(settings: Settings): DefaultJobOptions {
  const q = settings.queues;
  return {
    attempts: q.attempts,
    backoff: { type: 'exponential', delay: q.backoffDelayMs, jitter: 0.5 },
    ...retention(settings),
  };
}

function retention(settings: Settings): Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> {
  const q = settings.queues;
  return { removeOnComplete: { age: q.keepCompletedSeconds, count: q.keepCompletedCount }, removeOnFail: { count: q.keepFailedCount } };
}

export class QueueDoor {
  private readonly queues: { [S in Stage]: Queue };
  private readonly workers: { worker: Worker; stage: Stage }[] = [];
  private readonly doneListeners = new Set<(done: JobDone) => void>();
  private readonly watchers = new Set<() => Promise<void>>();
  private workerConnection: Redis | null = null;
  private closing: Promise<void> | null = null;
  private readonly outOfMemory = new OutOfMemoryBackoff();
  private readonly handingBack = new AbortController();

  constructor(private readonly options: QueueDoorOptions) {
    const { connection, settings, log } = options;
    const queueOptions = { connection, defaultJobOptions: defaultJobOptions(settings), streams: { events: { maxLen: EVENTS_KEPT } } };
    this.queues = Object.fromEntries(STAGES.map((s) => [s, new Queue(s, { ...queueOptions, prefix: queuePrefix(settings.redis.prefix, s, connection.isCluster) })])) as { [S in Stage]: Queue };
    // A Queue re-emits its connection's errors; with no listener BullMQ prints them with console.error, raw
    // multi-line stacks in the JSON log. The connection's own listener logs connection errors already:
    // here they go to debug, anything else to error.
    for (const queue of Object.values(this.queues)) {
      queue.on('error', (err: Error & { code?: string }) => {
        const connectionError = typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code);
        log[connectionError ? 'debug' : 'error']({ err: err.message, queue: queue.name }, 'queue error');
      });
    }
  }

  /** Adds `stage`'s job for `data` under its business-key id (see jobIdFor): adding a job that exists is a no-op. Returns the job id. */
  async enqueue<S extends Stage>(stage: S, data: JobData<S>, opts: EnqueueOptions = {}): Promise<string> {
    const [id] = await this.enqueueMany(stage, [data], opts);
    return id!;
  }

  /** enqueue for many payloads of one stage, in one round trip. */
  async enqueueMany<S extends Stage>(stage: S, data: readonly JobData<S>[], opts: EnqueueOptions = {}): Promise<string[]> {
    if (data.length === 0) return [];
    const replayAt = Date.now();
    const jobs = data.map((d) => {
      const jobId = opts.replay ? `${jobIdFor(stage, d)}-replay-${replayAt}` : jobIdFor(stage, d);
      // Deliveries retry on their own schedule (5 s … 10 h), the other stages on the queue's default.
      return { name: stage, data: d, opts: { jobId, ...(opts.priority ? { priority: opts.priority } : {}), ...(stage === 'deliver' ? DELIVERY_RETRY_OPTIONS : {}) } };
    });
    if (jobs.length === 1) await this.queues[stage].add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts);
    else await this.queues[stage].addBulk(jobs);
    return jobs.map((j) => j.opts.jobId);
  }

  /** Where the job for `data` (its business-key id) is. */
  async jobState(stage: Stage, data: JobData<Stage>): Promise<JobState> {
    return this.queues[stage].getJobState(jobIdFor(stage, data));
  }

  /** Why the job for `data` failed for good; null when it has not (or is no longer kept). */
  async failure(stage: Stage, data: JobData<Stage>): Promise<string | null> {
    const jobId = jobIdFor(stage, data);
    // The state first, then the job: a job read before it failed would carry no failedReason yet.
    if ((await this.queues[stage].getJobState(jobId)) !== 'failed') return null;
    const job = await this.queues[stage].getJob(jobId);
    return job?.failedReason || 'failed';
  }

  /**
   * Runs the job for `data` again, now: a failed one is retried with a fresh set of attempts, a delayed
   * one (a retry scheduled for later) is promoted, a finished or no longer kept one is replayed under a
   * new id. A job still on its way (waiting, active) is left alone: its state is returned.
   */
  async requeue<S extends Stage>(stage: S, data: JobData<S>): Promise<'retried' | 'promoted' | 'replayed' | JobState> {
    const job = await this.queues[stage].getJob(jobIdFor(stage, data));
    const state: JobState = job ? await job.getState() : 'unknown';
    if (job && state === 'failed') {
      // Without the reset BullMQ counts the used-up attempts and the first failure is final again.
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      return 'retried';
    }
    if (job && state === 'delayed') {
      await job.promote();
      return 'promoted';
    }
    if (state === 'completed' || state === 'unknown') {
      await this.enqueue(stage, data, { replay: true });
      return 'replayed';
    }
    return state;
  }

  async counts(stage: Stage): Promise<QueueCounts> {
    const queue = this.queues[stage];
    const [c, workers] = await Promise.all([queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'), queue.getWorkersCount()]);
    return { waiting: c.waiting ?? 0, prioritized: c.prioritized ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0, workers };
  }

  /** The job counts alone (no worker count, which lists Redis clients): for frequent reads. */
  async jobCounts(stage: Stage): Promise<Omit<QueueCounts, 'workers'>> {
    const c = await this.queues[stage].getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
    return { waiting: c.waiting ?? 0, prioritized: c.prioritized ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0 };
  }

  async workersCount(stage: Stage): Promise<number> {
    return this.queues[stage].getWorkersCount();
  }

  /** When the longest-waiting job became runnable (ms): after its delay, or after its last attempt when it is a retry; null when none waits. */
  async oldestWaiting(stage: Stage): Promise<number | null> {
    const queue = this.queues[stage];
    // asc: the oldest of the wait list first; prioritized jobs are ordered by priority, so the first is an estimate.
    const jobs = [...(await queue.getJobs(['wait'], 0, 0, true)), ...(await queue.getJobs(['prioritized'], 0, 0, true))];
    const since = jobs.filter(Boolean).map((j) => Math.max(j.timestamp + (j.delay ?? 0), j.processedOn ?? 0));
    return since.length > 0 ? Math.min(...since) : null;
  }

  /**
   * Jobs completed and failed per minute over the last `minutes` minutes (oldest first, the last one
   * is the current minute so far), from BullMQ's metrics, which every worker started here records.
   */
  async throughput(stage: Stage, minutes: number, now = Date.now()): Promise<{ completed: number[]; failed: number[] }> {
    const queue = this.queues[stage];
    // A minute may still be open (prevTS) up to METRICS_MINUTES back: read the whole list it can index.
    const [completed, failed] = await Promise.all([queue.getMetrics('completed', 0, METRICS_MINUTES), queue.getMetrics('failed', 0, METRICS_MINUTES)]);
    return { completed: perMinute(completed, minutes, now), failed: perMinute(failed, minutes, now) };
  }

  /**
   * Keeps `stage`'s job schedulers whose ids start with `idPrefix` to exactly `wanted`: upserts each
   * (idempotent, so every process may call this at start and each tick still adds one job) and removes
   * the others.
   */
  async syncSchedulers(stage: Stage, idPrefix: string, wanted: readonly ScheduleSpec[]): Promise<{ added: number; removed: number }> {
    const queue = this.queues[stage];
    for (const spec of wanted) {
      await queue.upsertJobScheduler(spec.id, spec.repeat, { name: stage, data: spec.data, opts: retention(this.options.settings) });
    }
    const ids = new Set(wanted.map((s) => s.id));
    let removed = 0;
    for (const scheduler of await queue.getJobSchedulers(0, -1)) {
      if (scheduler.key.startsWith(idPrefix) && !ids.has(scheduler.key)) {
        await queue.removeJobScheduler(scheduler.key);
        removed++;
      }
    }
    return { added: wanted.length, removed };
  }

  /** Starts a worker for `stage` in this process (concurrency from settings.concurrency). */
  startWorker(stage: Stage, processor: StageProcessor): WorkerHandle {
    const { settings, log } = this.options;
    if (!this.workerConnection) {
      // Workers block on their connection: one of their own, shared by this process's workers.
      this.workerConnection = this.options.openConnection();
      this.workerConnection.on('error', (err) => log.error({ err: err.message }, 'redis worker connection error'));
    }
    const worker = new Worker(stage, (job: Job, token?: string) => this.process(processor, job, token), {
      connection: this.workerConnection,
      prefix: queuePrefix(settings.redis.prefix, stage, this.workerConnection.isCluster),
      concurrency: settings.concurrency[stage],
      autorun: true,
      metrics: { maxDataPoints: METRICS_MINUTES },
      settings: { backoffStrategy: deliveryBackoffStrategy },
    });
    worker.on('failed', (job, err) => {
      if (isRedisOutOfMemory(err)) this.backOff(worker, stage, err);
      else {
        this.writesAgain(stage);
        log.warn({ stage, job_id: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed');
      }
      this.done(stage, 'failed', job);
    });
    worker.on('completed', (job) => {
      this.writesAgain(stage);
      this.done(stage, 'completed', job);
    });
    worker.on('error', (err) => (isRedisOutOfMemory(err) ? this.backOff(worker, stage, err) : log.error({ stage, err: err.message }, 'worker error')));
    this.workers.push({ worker, stage });
    return { stage, pause: () => worker.pause(), resume: () => worker.resume(), close: () => worker.close() };
  }

  /** Redis refused a write for lack of memory: this worker stops taking jobs for a while, said once per interval (oom-backoff.ts). */
  private backOff(worker: Worker, stage: Stage, err: Error): void {
    const step = this.outOfMemory.refused(Date.now());
    if (step.log) {
      this.options.log.error(
        { stage, err: err.message, refusals: step.refusals, backoff_ms: step.pauseMs },
        'Redis is out of memory (maxmemory reached): workers back off and try again; free memory or raise maxmemory (marsad status, /readyz)',
      );
    }
    if (worker.isPaused() || this.closing) return;
    void worker.pause(true).then(() => {
      setTimeout(() => {
        if (!this.closing) void worker.resume();
      }, step.pauseMs).unref();
    });
  }

  /** A job finished (its move was written): the end of a back-off, said once. */
  private writesAgain(stage: Stage): void {
    if (this.outOfMemory.recovered()) this.options.log.info({ stage }, 'Redis accepts writes again: workers take jobs again');
  }

  private async process(processor: StageProcessor, job: Job, token: string | undefined): Promise<StageResult> {
    const control: JobControl = {
      id: job.id ?? '',
      attemptsMade: job.attemptsMade,
      signal: this.handingBack.signal,
      async delayUntil(timestamp, data) {
        if (data) await job.updateData({ ...job.data, ...data });
        await job.moveToDelayed(timestamp, token);
        // Tells the worker the job was moved (not finished nor failed).
        throw new DelayedError();
      },
    };
    try {
      return await processor(job.data, control);
    } catch (err) {
      if (this.handingBack.signal.aborted && !(err instanceof DelayedError)) {
        // Cut at the shutdown deadline: back to the queue, due now, without using up an attempt.
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      if (err instanceof PermanentFailure) throw new UnrecoverableError(err.message);
      throw err;
    }
  }

  private done(stage: Stage, outcome: JobDone['outcome'], job: Job | undefined): void {
    if (!job?.processedOn || !job.finishedOn || this.doneListeners.size === 0) return;
    const done: JobDone = { stage, outcome, durationMs: job.finishedOn - job.processedOn };
    for (const listener of this.doneListeners) listener(done);
  }

  /** Calls `listener` for every job a worker of this process finishes (also workers started later); returns its removal. */
  onJobDone(listener: (done: JobDone) => void): () => void {
    this.doneListeners.add(listener);
    return () => this.doneListeners.delete(listener);
  }

  /** Whether this process runs a worker for `stage`. */
  runsWorker(stage: Stage): boolean {
    return this.workers.some((w) => w.stage === stage);
  }

  /**
   * Follows BullMQ's events for one queue, on a connection of its own (they block on XREAD), from the
   * newest event now: by default QueueEvents starts at the first XREAD, which may come after the jobs
   * the caller adds next, and their events would be missed.
   */
  private async follow(stage: Stage, on: (events: QueueEvents) => void): Promise<() => Promise<void>> {
    const [newest] = await this.options.connection.xrevrange(this.queues[stage].keys.events!, '+', '-', 'COUNT', 1);
    const connection = this.options.openConnection();
    connection.on('error', (err) => this.options.log.warn({ err: err.message, stage }, 'queue events connection error'));
    const events = new QueueEvents(stage, {
      connection,
      prefix: queuePrefix(this.options.settings.redis.prefix, stage, connection.isCluster),
      lastEventId: newest?.[0] ?? '0-0',
    });
    on(events);
    const stop = async () => {
      this.watchers.delete(stop);
      await events.close().catch(() => {});
      // disconnect() ends a pending XREAD BLOCK at once (quit would wait for it).
      connection.disconnect();
    };
    this.watchers.add(stop);
    try {
      await events.waitUntilReady();
    } catch (err) {
      await stop();
      throw err;
    }
    return stop;
  }

  /** Calls `onChange(stage)` when a job of one of `stages` is added, completes or fails (in any process), until closed. */
  async watchChanges(stages: readonly Stage[], onChange: (stage: Stage) => void): Promise<{ close(): Promise<void> }> {
    const stops: (() => Promise<void>)[] = [];
    const close = async () => {
      await Promise.all(stops.map((s) => s()));
    };
    try {
      for (const stage of stages) {
        stops.push(await this.follow(stage, (events) => {
          for (const name of ['completed', 'failed', 'waiting'] as const) events.on(name, () => onChange(stage));
        }));
      }
    } catch (err) {
      await close();
      throw err;
    }
    return { close };
  }

  /** Follows `stage`'s finished jobs from now on: open it before adding the jobs whose results you wait for. */
  async watchResults(stage: Stage): Promise<ResultWatcher> {
    type Outcome = { ok: true; value: StageResult } | { ok: false; reason: string };
    const finished = new Map<string, Outcome>();
    const waiting = new Map<string, (o: Outcome) => void>();
    const settle = (jobId: string, outcome: Outcome) => {
      const resolve = waiting.get(jobId);
      if (resolve) resolve(outcome);
      else finished.set(jobId, outcome);
    };
    const stop = await this.follow(stage, (events) => {
      events.on('completed', ({ jobId, returnvalue }) => settle(jobId, { ok: true, value: returnvalue as unknown as StageResult }));
      events.on('failed', ({ jobId, failedReason }) => settle(jobId, { ok: false, reason: failedReason }));
    });
    const queue = this.queues[stage];
    return {
      result: async (jobId, timeoutMs) => {
        let outcome = finished.get(jobId);
        finished.delete(jobId);
        if (!outcome) {
          outcome = await new Promise<Outcome>((resolve) => {
            const timer = setTimeout(() => {
              waiting.delete(jobId);
              resolve({ ok: false, reason: `${stage} job ${jobId} not finished within ${Math.round(timeoutMs / 1000)} s (are the workers running? see marsad status)` });
            }, timeoutMs);
            waiting.set(jobId, (o) => {
              clearTimeout(timer);
              waiting.delete(jobId);
              resolve(o);
            });
            // A job that finished before this watcher started: read it once. The state first, then the job:
            // a job read before it finished would carry no result yet.
            void (async () => {
              const state = await queue.getJobState(jobId);
              if (state !== 'completed' && state !== 'failed') return;
              const job = await queue.getJob(jobId);
              if (job) waiting.get(jobId)?.(state === 'completed' ? { ok: true, value: job.returnvalue as StageResult } : { ok: false, reason: job.failedReason || 'failed' });
            })().catch(() => {});
          });
        }
        if (!outcome.ok) throw new Error(outcome.reason);
        return outcome.value;
      },
      close: stop,
    };
  }

  /**
   * BullMQ's Queue objects, one per stage. Only for bull-board (its adapter takes Queue objects) and
   * tests that inspect jobs: everything else goes through the door's methods.
   */
  queuesForBoard(): { readonly [S in Stage]: Queue } {
    return this.queues;
  }

  /**
   * At the shutdown deadline: aborts the active jobs' signals (their HTTP requests are cut) and puts each
   * job that then ends in error back in its queue, due at once, for another worker. Returns how many jobs
   * were active in this process's workers.
   */
  handBack(): number {
    this.handingBack.abort(new Error('shutting down: the job is handed back to the queue'));
    return this.workers.reduce((n, { worker }) => n + ((worker as unknown as { jobsInProgress?: Set<unknown> }).jobsInProgress?.size ?? 0), 0);
  }

  /** Closes workers (letting active jobs finish), watchers and queues; safe to call twice. The shared connection stays the caller's. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all(this.workers.map(({ worker }) => worker.close()));
      await Promise.all([...this.watchers].map((stop) => stop()));
      await Promise.all(Object.values(this.queues).map((q) => q.close()));
      await this.workerConnection?.quit().catch(() => this.workerConnection?.disconnect());
    })();
    return this.closing;
  }
}
