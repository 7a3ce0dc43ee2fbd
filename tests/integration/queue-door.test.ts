// The queue door (src/queues/door.ts) on a real Redis: ids, replays, requeues, permanent failures,
// delays, results, schedulers, change events and the per-minute throughput from BullMQ's metrics.
// Workers here run processors of the test's own on the `tag` queue, so no stage handler is involved.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openApp, type App } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { PermanentFailure, type JobDone, type StageProcessor } from '../../src/queues/door.js';
import type { Stage } from '../../src/queues/names.js';
import { INTERVAL_MS, WAIT_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';

let url: string;
let prefix: string;
let app: App;
/** What the test's `tag` processor does with each article id. */
const behaviour = new Map<string, 'done' | 'permanent' | 'transient-once' | 'delay-once'>();
const seen = new Map<string, number>();
const done: JobDone[] = [];

const processor: StageProcessor = async (data, job) => {
  const { articleId } = data as { articleId: string };
  const runs = (seen.get(articleId) ?? 0) + 1;
  seen.set(articleId, runs);
  const mode = behaviour.get(articleId) ?? 'done';
  if (mode === 'permanent' && runs === 1) throw new PermanentFailure(`${articleId} can never succeed`);
  if (mode === 'transient-once' && runs === 1) throw new Error('a transient failure');
  if (mode === 'delay-once' && runs === 1) await job.delayUntil(Date.now() + 50, { waited: true });
  return { status: 'done', next: [], note: `run ${runs} of ${articleId}` };
};

const tag = (articleId: string) => ({ articleId });
const waitState = (stage: Stage, articleId: string, state: string) =>
  vi.waitFor(async () => expect(await app.queues.jobState(stage, tag(articleId))).toBe(state), { timeout: WAIT_MS, interval: INTERVAL_MS });

beforeAll(async () => {
  url = testRedisUrl();
  prefix = testPrefix('queue-door');
  const env = { ...process.env, REDIS_URL: url, MARSAD_PREFIX: prefix, MARSAD_LOG_LEVEL: 'silent' };
  app = await openApp({ log: createLogger(env), env });
  app.queues.onJobDone((d) => done.push(d));
});

afterAll(async () => {
  await app?.close();
  if (url) await deleteKeys(url, prefix);
});

describe('the queue door', () => {
  it('adds a job once per business key, and a replay under a new id', async () => {
    const first = await app.queues.enqueue('tag', tag('door-article-0001'));
    const again = await app.queues.enqueue('tag', tag('door-article-0001'));
    expect(first).toBe('tag-door-article-0001');
    expect(again).toBe(first);
    expect((await app.queues.jobCounts('tag')).waiting).toBe(1);
    const replay = await app.queues.enqueue('tag', tag('door-article-0001'), { replay: true });
    expect(replay).toMatch(/^tag-door-article-0001-replay-\d+$/);
    expect((await app.queues.jobCounts('tag')).waiting).toBe(2);
    expect(await app.queues.oldestWaiting('tag')).toBeLessThanOrEqual(Date.now());
    expect(await app.queues.counts('tag')).toMatchObject({ waiting: 2, active: 0, workers: 0 });
  });

  it('runs a worker: results, permanent failures without retries, delays, and a requeue with fresh attempts', async () => {
    behaviour.set('door-article-0002', 'permanent');
    behaviour.set('door-article-0003', 'delay-once');
    behaviour.set('door-article-0004', 'transient-once');
    const results = await app.queues.watchResults('tag');
    try {
      app.queues.startWorker('tag', processor);
      await vi.waitFor(async () => expect(await app.queues.workersCount('tag')).toBe(1), { timeout: WAIT_MS, interval: INTERVAL_MS });
      expect(app.queues.runsWorker('tag')).toBe(true);
      const [ok, permanent, delayed] = await app.queues.enqueueMany('tag', [tag('door-article-0005'), tag('door-article-0002'), tag('door-article-0003')]);
      expect(await results.result(ok!, WAIT_MS)).toEqual({ status: 'done', next: [], note: 'run 1 of door-article-0005' });
      await expect(results.result(permanent!, WAIT_MS)).rejects.toThrow('door-article-0002 can never succeed');
      expect(await app.queues.failure('tag', tag('door-article-0002'))).toBe('door-article-0002 can never succeed');
      expect(seen.get('door-article-0002')).toBe(1);
      // Moved back to delayed without using up an attempt, then run again.
      expect(await results.result(delayed!, WAIT_MS)).toMatchObject({ note: 'run 2 of door-article-0003' });

      // A failed job runs again with a fresh set of attempts.
      expect(await app.queues.requeue('tag', tag('door-article-0002'))).toBe('retried');
      await waitState('tag', 'door-article-0002', 'completed');
      expect(await app.queues.failure('tag', tag('door-article-0002'))).toBeNull();
      // A completed one is replayed under a new id.
      expect(await app.queues.requeue('tag', tag('door-article-0005'))).toBe('replayed');
      await vi.waitFor(() => expect(seen.get('door-article-0005')).toBe(2), { timeout: WAIT_MS, interval: INTERVAL_MS });

      // A transient failure is retried on the queue's backoff (5 s by default): a delayed job is promoted.
      await app.queues.enqueue('tag', tag('door-article-0004'));
      await waitState('tag', 'door-article-0004', 'delayed');
      expect(await app.queues.requeue('tag', tag('door-article-0004'))).toBe('promoted');
      await waitState('tag', 'door-article-0004', 'completed');
    } finally {
      await results.close();
    }
    expect(done.some((d) => d.stage === 'tag' && d.outcome === 'failed')).toBe(true);
    expect(done.filter((d) => d.stage === 'tag' && d.outcome === 'completed').length).toBeGreaterThanOrEqual(5);
    expect(done.every((d) => d.durationMs >= 0)).toBe(true);
  });

  it('counts finished jobs per minute from BullMQ metrics', async () => {
    const completed = (await app.queues.jobCounts('tag')).completed;
    await vi.waitFor(
      async () => {
        const { completed: perMinute, failed } = await app.queues.throughput('tag', 60);
        expect(perMinute).toHaveLength(60);
        // Every completed job of this test (all within the hour), and the one permanent failure (a retried attempt is not a finished job).
        expect(perMinute.reduce((a, b) => a + b, 0)).toBe(completed);
        expect(failed.reduce((a, b) => a + b, 0)).toBe(1);
      },
      { timeout: WAIT_MS, interval: INTERVAL_MS },
    );
  });

  it('keeps exactly the wanted job schedulers of a kind', async () => {
    const spec = (id: string) => ({ id: `poll-${id}`, repeat: { every: 3_600_000 }, data: { feedId: id } });
    expect(await app.queues.syncSchedulers('poll', 'poll-', [spec('door-feed-a'), spec('door-feed-b')])).toEqual({ added: 2, removed: 0 });
    expect(await app.queues.syncSchedulers('poll', 'poll-', [spec('door-feed-b')])).toEqual({ added: 1, removed: 1 });
    const kept = await app.queues.queuesForBoard().poll.getJobSchedulers(0, -1);
    expect(kept.map((s) => s.key)).toEqual(['poll-door-feed-b']);
  });

  it('tells watchers when a queue changes', async () => {
    const changed: Stage[] = [];
    const watch = await app.queues.watchChanges(['clean'], (stage) => changed.push(stage));
    try {
      await app.queues.enqueue('clean', { documentId: 'door-document-0001' });
      await vi.waitFor(() => expect(changed).toContain('clean'), { timeout: WAIT_MS, interval: INTERVAL_MS });
    } finally {
      await watch.close();
    }
  });
});
