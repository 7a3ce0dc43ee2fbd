// A small pool of worker threads for the CPU-heavy per-document cores (clean, tag), so that a process
// serving HTTP (and renewing its queue locks) keeps its event loop free while a big page is processed.
// Each task has a deadline and each thread a heap limit: a task past either ends its thread and fails.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ComputeReply, ComputeTask } from './protocol.js';

export interface PoolOptions {
  /** Threads (default: one per spare core, at most two). */
  size?: number;
  /** Per task, from the moment a thread takes it. */
  deadlineMs: number;
  /** V8 old-generation limit of each thread. */
  maxHeapMb: number;
}

/** A task that ran past its deadline or out of its thread's memory; the same input would again. */
export class ComputeLimitError extends Error {
  override name = 'ComputeLimitError';
}

interface Pending {
  task: ComputeTask;
  transfer: (thread: Thread) => ComputeTask;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

interface Thread {
  worker: Worker;
  busy: Pending | null;
  timer: NodeJS.Timeout | null;
  /** Cores already sent to this thread, by key (they are sent once, then named). */
  cores: Set<string>;
}

/**
 * The thread's entry. Built, it is worker.js. Under tsx or vitest this module is TypeScript, and so is the
 * worker: a small bootstrap registers tsx's loader in the thread first (a dev dependency, never in dist).
 */
function workerEntry(): { entry: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { entry: new URL('./worker.js', import.meta.url), eval: false };
  // The ESM build of tsx's API (require.resolve gives the CommonJS one, which cannot register in a thread).
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const worker = new URL('./worker.ts', import.meta.url).href;
  return { entry: `import(${JSON.stringify(tsx)}).then((m) => m.register()).then(() => import(${JSON.stringify(worker)}))`, eval: true };
}

export class ComputePool {
  private readonly threads: Thread[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private readonly size: number;

  constructor(private readonly options: PoolOptions) {
    this.size = options.size ?? Math.max(1, Math.min(2, availableParallelism() - 1));
  }

  /**
   * Runs `task` on a thread. `transfer` may rewrite the task for the thread that takes it (to leave out
   * what that thread already holds). Rejects with ComputeLimitError past the deadline or the heap limit,
   * and with the task's own error (same message) when the core throws.
   */
  run<T>(task: ComputeTask, transfer: (thread: { cores: Set<string> }) => ComputeTask = () => task): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ task, transfer, resolve: resolve as (v: unknown) => void, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let thread = this.threads.find((t) => t.busy === null);
      if (!thread && this.threads.length < this.size) thread = this.spawn();
      if (!thread) return;
      const pending = this.queue.shift()!;
      this.start(thread, pending);
    }
  }

  private spawn(): Thread {
    const { entry, eval: isEval } = workerEntry();
    const worker = new Worker(entry, {
      eval: isEval,
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb },
    });
    const thread: Thread = { worker, busy: null, timer: null, cores: new Set() };
    worker.on('message', (reply: ComputeReply) => this.settle(thread, reply));
    worker.on('error', (err: Error & { code?: string }) => {
      const limit = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.fail(thread, limit ? new ComputeLimitError(`ran out of its ${this.options.maxHeapMb} MB of memory`) : err);
    });
    worker.on('exit', () => this.fail(thread, new Error('the compute thread exited')));
    worker.unref();
    this.threads.push(thread);
    return thread;
  }

  private start(thread: Thread, pending: Pending): void {
    thread.busy = pending;
    thread.worker.ref();
    const task = { ...pending.transfer(thread), id: this.nextId++ };
    thread.timer = setTimeout(() => {
      this.fail(thread, new ComputeLimitError(`took longer than ${this.options.deadlineMs / 1000} s`));
    }, this.options.deadlineMs);
    thread.worker.postMessage(task);
  }

  private settle(thread: Thread, reply: ComputeReply): void {
    const pending = thread.busy;
    if (!pending) return;
    this.release(thread);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(Object.assign(new Error(reply.message), { name: reply.name }));
    this.dispatch();
  }

  /** Ends the thread (its state is unknown) and fails its task, if any; the next task gets a new thread. */
  private fail(thread: Thread, err: Error): void {
    const index = this.threads.indexOf(thread);
    if (index < 0) return;
    this.threads.splice(index, 1);
    const pending = thread.busy;
    this.release(thread);
    void thread.worker.terminate();
    pending?.reject(err);
    this.dispatch();
  }

  private release(thread: Thread): void {
    if (thread.timer) clearTimeout(thread.timer);
    thread.timer = null;
    thread.busy = null;
    thread.worker.unref();
  }

  /** Stops every thread (tasks in flight fail). */
  async close(): Promise<void> {
    const threads = this.threads.splice(0);
    for (const t of threads) {
      if (t.timer) clearTimeout(t.timer);
      t.busy?.reject(new Error('the compute pool was closed'));
    }
    for (const p of this.queue.splice(0)) p.reject(new Error('the compute pool was closed'));
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }
}
