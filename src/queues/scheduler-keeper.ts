import type { App } from '../app.js';
import type { Logger } from '../log.js';
import { keys } from '../store/keys.js';
import type { Stage } from './names.js';
import { syncDigestSchedulers, syncPollSchedulers, tickMs } from './schedulers.js';

/**
 * Job schedulers live in Redis. A Redis emptied under marsad (FLUSHALL, a restart without persistence, a
 * failover to an empty replica) loses them, and polling would stop silently. The process that runs the
 * poll (or digest) workers puts them in place at start and leaves a marker key; it then checks the marker
 * every CHECK_EVERY_MS and, when the marker is gone, puts the schedulers (and the subscribers of
 * subscribers.yaml) back, says so in the log once, and leaves a note /readyz shows for NOTE_SECONDS.
 */
export const CHECK_EVERY_MS = 15_000;
const NOTE_SECONDS = 3600;

export interface SchedulerKeeper {
  stop(): void;
}

/** Puts the schedulers of `stages` in place now, then keeps them there (see above). */
export async function keepSchedulers(app: App, stages: readonly Stage[], log: Logger): Promise<SchedulerKeeper> {
  const polls = stages.includes('poll');
  const digests = stages.includes('digest');
  const k = keys(app.config.settings.redis.prefix);
  const putInPlace = async () => {
    const poll = polls ? await syncPollSchedulers(app.queues, app.config.feeds, app.config.settings) : null;
    const subscribers = await app.subscribers.syncFromConfig(app.config.subscribers);
    if (digests) await syncDigestSchedulers(app.queues, await app.subscribers.list());
    if (polls || digests) await app.redis.set(k.schedulersInPlace, new Date().toISOString());
    return { poll, subscribers };
  };

  const { poll, subscribers } = await putInPlace();
  if (poll) log.info({ feeds: poll.added, removed: poll.removed, tick_ms: tickMs(app.config.settings) }, 'poll schedulers in place');
  log.info({ added: subscribers.added, updated: subscribers.updated, removed: subscribers.removed }, 'subscribers from subscribers.yaml in place');
  if (!polls && !digests) return { stop() {} };

  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    void (async () => {
      if ((await app.redis.exists(k.schedulersInPlace)) === 1) return;
      await putInPlace();
      const at = new Date().toISOString();
      await app.redis.set(k.schedulersRecreated, at, 'EX', NOTE_SECONDS);
      log.warn({ poll: polls, digest: digests }, 'Redis lost the job schedulers (emptied, or restarted without persistence): poll and digest schedulers and subscribers re-created');
    })()
      // Redis down or full: the next check tries again (the connection logs its own errors).
      .catch((err: Error) => log.debug({ err: err.message }, 'scheduler check failed'))
      .finally(() => (checking = false));
  }, CHECK_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** What /readyz notes about the schedulers: that they were re-created lately, after Redis lost them. */
export async function schedulerNotes(app: App): Promise<string[]> {
  const recreated = await app.redis.get(keys(app.config.settings.redis.prefix).schedulersRecreated);
  return recreated ? [`job schedulers re-created at ${recreated} after Redis lost them`] : [];
}
