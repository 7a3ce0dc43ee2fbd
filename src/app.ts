import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { loadConfig, type Config } from './config/load.js';
import { compileCores, type Cores } from './cores.js';
import type { Logger } from './log.js';
import { QueueDoor, type WorkerHandle } from './queues/door.js';
import type { Stage } from './queues/names.js';
import { checkEvictionPolicy, connect, resolveRedis, type RedisEndpoint } from './redis/connection.js';
import { Store } from './store/store.js';
import { createHttpClient } from './fetch/http.js';
import { HostPacer } from './fetch/pacing.js';
import { RobotsPolicy } from './fetch/robots.js';
import { createMailer, smtpUrlFrom, type Mailer } from './deliver/email-transport.js';
import { AlertStore } from './store/alert-store.js';
import { keys } from './store/keys.js';
import { RateLimiter } from './subscribers/rate-limit.js';
import { SubscriberRegistry } from './subscribers/registry.js';
import { StoryStore } from './store/story-store.js';
import { startWorkers } from './workers/runtime.js';

/** Everything a command needs to talk to marsad's Redis, opened once and closed once. */
export interface App {
  config: Config;
  cores: Cores;
  log: Logger;
  endpoint: RedisEndpoint;
  redis: Redis;
  store: Store;
  alerts: AlertStore;
  stories: StoryStore;
  subscribers: SubscriberRegistry;
  /**
   * The key that signs and checks one-click unsubscribe links. Only processes that sign or check
   * links (workers, the HTTP server) call it: it may create the key in Redis on first use, so
   * read-only commands never write (they would fail against a Redis at maxmemory).
   */
  unsubscribeKey(): Promise<Buffer>;
  /** The door to the queues: the only way to BullMQ (enqueue, counts, workers, schedulers, events). */
  queues: QueueDoor;
  workers: WorkerHandle[];
  startWorkers(stages: readonly Stage[]): WorkerHandle[];
  /** Runs `hook` first when the app closes (e.g. stop an HTTP server before the workers). */
  onClose(hook: () => Promise<unknown>): void;
  /** Closes workers (letting active jobs finish), queues and connections; safe to call twice. */
  close(): Promise<void>;
}

export interface OpenOptions {
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** Where a private redis-server keeps its AOF when marsad has to start one. */
  dataDir?: string;
  /** Configuration the caller has already loaded (and checked its arguments against). */
  config?: Config;
}

export async function openApp({ log, env = process.env, dataDir = path.resolve('data'), config = loadConfig(env) }: OpenOptions): Promise<App> {
  const cores = compileCores(config);
  const endpoint = await resolveRedis(config.redisUrl, dataDir, log, { keyPrefix: config.settings.redis.prefix });
  const redis = connect(endpoint.url, 'client');
  redis.on('error', (err) => log.error({ err: err.message }, 'redis connection error'));
  await checkEvictionPolicy(redis, log);
  // Workers and queue events block on their connections, so they get their own ones without a retry limit.
  const queues = new QueueDoor({ connection: redis, openConnection: () => connect(endpoint.url, 'worker'), settings: config.settings, log });
  const store = new Store(redis, config.settings.redis.prefix, { dedupWindowDays: config.settings.dedup.windowDays });
  const http = createHttpClient(config.settings.fetch);
  const robots = new RobotsPolicy(redis, config.settings.redis.prefix, http, config.settings.fetch);
  const pacer = new HostPacer(redis, config.settings.redis.prefix);
  const alerts = new AlertStore(redis, config.settings.redis.prefix);
  const stories = new StoryStore(redis, config.settings.redis.prefix);
  const subscribers = new SubscriberRegistry(redis, config.settings.redis.prefix);
  const rateLimiter = new RateLimiter(redis, config.settings.redis.prefix);
  let unsubscribeKeyLoading: Promise<Buffer> | null = null;
  const unsubscribeKey = (): Promise<Buffer> => {
    unsubscribeKeyLoading ??= loadUnsubscribeKey(redis, config.settings.redis.prefix, env).catch((err: unknown) => {
      // Not cached: the next link signed tries again (e.g. once Redis has memory again).
      unsubscribeKeyLoading = null;
      throw err;
    });
    return unsubscribeKeyLoading;
  };
  const smtpUrl = smtpUrlFrom(env, config.settings);
  let mailer: Mailer | null = null;
  const getMailer = () => {
    if (smtpUrl !== null) mailer ??= createMailer({ ...config.settings.smtp, url: smtpUrl });
    return mailer;
  };
  const workers: WorkerHandle[] = [];
  let closing: Promise<void> | null = null;
  const closeHooks: (() => Promise<unknown>)[] = [];

  const app: App = {
    config,
    cores,
    log,
    endpoint,
    redis,
    store,
    alerts,
    stories,
    subscribers,
    unsubscribeKey,
    queues,
    workers,
    startWorkers(stages) {
      const started = startWorkers(
        stages,
        { store, config, cores, http, robots, pacer, alerts, stories, subscribers, rateLimiter, mailer: getMailer, unsubscribeKey, log },
        queues,
      );
      workers.push(...started);
      return started;
    },
    onClose(hook) {
      closeHooks.push(hook);
    },
    close() {
      closing ??= (async () => {
        for (const hook of closeHooks) await hook();
        await queues.close();
        await http.close();
        mailer?.close();
        await redis.quit().catch(() => redis.disconnect());
        await endpoint.stop();
      })();
      return closing;
    },
  };
  return app;
}

/**
 * The key that signs unsubscribe links: MARSAD_UNSUBSCRIBE_KEY (or the file in
 * MARSAD_UNSUBSCRIBE_KEY_FILE) when set, else one generated once and kept in Redis, so every
 * process signs and checks with the same key.
 */
async function loadUnsubscribeKey(redis: Redis, prefix: string, env: NodeJS.ProcessEnv): Promise<Buffer> {
  const given = env.MARSAD_UNSUBSCRIBE_KEY ?? (env.MARSAD_UNSUBSCRIBE_KEY_FILE ? readFileSync(env.MARSAD_UNSUBSCRIBE_KEY_FILE, 'utf8').trim() : undefined);
  if (given) return Buffer.from(given);
  const key = keys(prefix).unsubscribeKey;
  const existing = await redis.get(key);
  if (existing) return Buffer.from(existing);
  await redis.set(key, randomBytes(32).toString('base64url'), 'NX');
  return Buffer.from((await redis.get(key))!);
}
