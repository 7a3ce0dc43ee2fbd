import type { App } from '../app.js';
import { STAGES, type Stage } from '../queues/names.js';
import { keys } from '../store/keys.js';

/**
 * A per-minute ring of each queue's waiting and failed counts, for the dashboard's last-hour sparklines (BullMQ
 * keeps no history of them). One Redis hash: field = the minute (epoch minutes), value = the counts of that
 * minute. The first server to sample a minute writes it (HSETNX), so several dashboards keep one ring, and
 * fields older than the window are dropped on each write: at most WINDOW_MINUTES + 1 fields.
 */
export const WINDOW_MINUTES = 60;
const MINUTE_MS = 60_000;

export type QueueSample = Record<Stage, { waiting: number; failed: number }>;

export interface SampleHistory {
  /** Per stage, the last WINDOW_MINUTES minutes oldest first; null where no server sampled that minute. */
  waiting: Record<Stage, (number | null)[]>;
  failed: Record<Stage, (number | null)[]>;
}

export function samplesKey(app: App): string {
  return keys(app.config.settings.redis.prefix).queueSamples;
}

/** Writes this minute's counts unless another server did; drops the minutes that left the window. */
export async function recordSample(app: App, counts: QueueSample, now = Date.now()): Promise<void> {
  const key = samplesKey(app);
  const minute = Math.floor(now / MINUTE_MS);
  const fields = await app.redis.hkeys(key);
  const old = fields.filter((f) => Number(f) <= minute - WINDOW_MINUTES || !Number.isFinite(Number(f)));
  const pipe = app.redis.multi().hsetnx(key, String(minute), JSON.stringify(counts));
  if (old.length > 0) pipe.hdel(key, ...old);
  await pipe.exec();
}

export async function readSamples(app: App, now = Date.now()): Promise<SampleHistory> {
  const minute = Math.floor(now / MINUTE_MS);
  const raw = await app.redis.hgetall(samplesKey(app));
  const empty = () => Object.fromEntries(STAGES.map((s) => [s, new Array<number | null>(WINDOW_MINUTES).fill(null)])) as Record<Stage, (number | null)[]>;
  const history: SampleHistory = { waiting: empty(), failed: empty() };
  for (const [field, json] of Object.entries(raw)) {
    const i = WINDOW_MINUTES - 1 - (minute - Number(field));
    if (!(i >= 0 && i < WINDOW_MINUTES)) continue;
    let sample: Partial<QueueSample>;
    try {
      sample = JSON.parse(json) as Partial<QueueSample>;
    } catch {
      continue;
    }
    for (const stage of STAGES) {
      const s = sample[stage];
      if (!s) continue;
      history.waiting[stage][i] = s.waiting;
      history.failed[stage][i] = s.failed;
    }
  }
  return history;
}

/** Samples every minute while the server runs (the first one at once); returns the stop function. */
export function startSampling(app: App, counts: () => Promise<QueueSample>): () => void {
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    counts()
      .then((c) => (stopped ? undefined : recordSample(app, c)))
      .catch((err: Error) => app.log.warn({ err: err.message }, 'dashboard could not sample the queue counts'));
  };
  tick();
  const timer = setInterval(tick, MINUTE_MS);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
