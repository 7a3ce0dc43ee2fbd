import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export class NoRedisError extends Error {
  override name = 'NoRedisError';
}

/** Options for connections that BullMQ workers block on: BullMQ requires no per-request retry limit. */
export function redisOptions(kind: 'worker' | 'client'): RedisOptions {
  return {
    maxRetriesPerRequest: kind === 'worker' ? null : 3,
    enableReadyCheck: true,
    connectionName: `marsad-${kind}`,
  };
}

export function connect(url: string, kind: 'worker' | 'client' = 'client'): Redis {
  return new Redis(url, redisOptions(kind));
}

async function answers(url: string, timeoutMs = 1500): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export interface RedisEndpoint {
  url: string;
  /** Set when marsad started its own redis-server; stop() shuts it down (its AOF keeps the data). */
  stop(): Promise<void>;
  privateServer: boolean;
}

function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function startPrivateServer(dataDir: string, log: Logger): Promise<RedisEndpoint> {
  mkdirSync(dataDir, { recursive: true });
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', '6379', '--bind', '127.0.0.1', '--dir', dataDir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', '--save', '', '--logfile', path.join(dataDir, 'redis.log')],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; i < 50; i++) {
    if (await answers(DEFAULT_REDIS_URL, 200)) {
      log.info({ data_dir: dataDir, pid: child.pid }, `no Redis answered on ${DEFAULT_REDIS_URL}: started a private redis-server with AOF in ${dataDir}`);
      return {
        url: DEFAULT_REDIS_URL,
        privateServer: true,
        async stop() {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new NoRedisError(`redis-server did not start; see ${path.join(dataDir, 'redis.log')}`);
}

const NO_REDIS_HELP = `marsad needs Redis 7 and none was found. Three ways to get one:
  1. point REDIS_URL at a running Redis, e.g. REDIS_URL=redis://127.0.0.1:6379
  2. install redis-server (Debian: apt-get install redis-server) and marsad starts a private one with its data in ./data
  3. docker compose up -d redis   (the docker-compose.yml in this repository)`;

/**
 * REDIS_URL when set (it must answer); else the default port when something answers there; else a
 * private redis-server from PATH with AOF under `dataDir`; else a NoRedisError naming the three ways.
 */
export async function resolveRedis(redisUrl: string | undefined, dataDir: string, log: Logger): Promise<RedisEndpoint> {
  const none = async () => {};
  if (redisUrl) {
    if (!(await answers(redisUrl, 5000))) throw new NoRedisError(`REDIS_URL=${maskUrl(redisUrl)} does not answer. Start that Redis, or unset REDIS_URL.\n${NO_REDIS_HELP}`);
    return { url: redisUrl, stop: none, privateServer: false };
  }
  if (await answers(DEFAULT_REDIS_URL)) return { url: DEFAULT_REDIS_URL, stop: none, privateServer: false };
  if (hasRedisServer()) return startPrivateServer(dataDir, log);
  throw new NoRedisError(NO_REDIS_HELP);
}

/** BullMQ loses jobs when Redis evicts keys: say so loudly when the server would. */
export async function checkEvictionPolicy(redis: Redis, log: Logger): Promise<void> {
  try {
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    if (policy !== 'noeviction') {
      log.warn({ maxmemory_policy: policy }, 'Redis maxmemory-policy is not noeviction: Redis may evict queue keys under memory pressure. Set maxmemory-policy noeviction.');
    }
  } catch {
    // Managed Redis services often forbid CONFIG; nothing to check then.
  }
}

export function maskUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
