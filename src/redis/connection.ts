import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { clusterHashTag, isClusterUrl, parseClusterUrl, type ClusterAddress } from './cluster.js';
import { maskUrl, NoRedisError } from './errors.js';
import { adoptOrphan, recordOwner, stopOnExit, type RedisEndpoint } from './private-owner.js';

export type { RedisEndpoint };

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export { maskUrl, NoRedisError } from './errors.js';

/** Options for connections that BullMQ workers block on: BullMQ requires no per-request retry limit. */
export function redisOptions(kind: 'worker' | 'client'): RedisOptions {
  return {
    maxRetriesPerRequest: kind === 'worker' ? null : 3,
    enableReadyCheck: true,
    connectionName: `marsad-${kind}`,
  };
}

/**
 * A client for `url`: one server (redis://, rediss://), or ioredis' Cluster for redis+cluster:// and
 * rediss+cluster:// URLs. A Cluster is returned as a Redis because marsad is typed against Redis: it
 * takes the same commands, routes each by its keys, and marsad uses none of the one-server members.
 */
export function connect(url: string, kind: 'worker' | 'client' = 'client'): Redis {
  if (!isClusterUrl(url)) return new Redis(url, redisOptions(kind));
  const address = parseClusterUrl(url);
  return new Cluster(address.nodes, clusterOptions(address, redisOptions(kind))) as unknown as Redis;
}

function clusterOptions(address: ClusterAddress, nodeOptions: RedisOptions, extra: Partial<ClusterOptions> = {}): ClusterOptions {
  const { username, password, tls } = address;
  return {
    enableReadyCheck: true,
    // With TLS, connect to each node by the name the cluster gives (managed services give names that
    // match their certificates), rather than by the address ioredis would resolve it to first.
    ...(tls ? { dnsLookup: (name: string, callback: (err: null, address: string) => void) => callback(null, name) } : {}),
    ...extra,
    // Every node gets the credentials and TLS of the URL (the seed nodes tell the client about the others).
    redisOptions: { ...nodeOptions, ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }), ...(tls ? { tls: {} } : {}) },
  };
}

/** What answers at a URL: nothing, a Redis, one node of a cluster named by a one-server URL, or a cluster in state ok. */
type Probed = 'none' | 'server' | 'cluster-node' | 'cluster';

// disconnectTimeout 0: ioredis arms a (ref'd) timer on disconnect() that only a later 'close' clears,
// so after a refused connection (already closed) it would keep the process alive for 2 s.
const PROBE_OPTIONS = { maxRetriesPerRequest: 0, retryStrategy: () => null, disconnectTimeout: 0 } as const;

async function probe(url: string, timeoutMs: number): Promise<Probed> {
  if (isClusterUrl(url)) return probeCluster(parseClusterUrl(url), timeoutMs);
  const client = new Redis(url, { ...PROBE_OPTIONS, lazyConnect: true, connectTimeout: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    if ((await client.ping()) !== 'PONG') return 'none';
    const info = await client.info('cluster').catch(() => '');
    return /cluster_enabled:1/.test(info) ? 'cluster-node' : 'server';
  } catch {
    return 'none';
  } finally {
    client.disconnect();
  }
}

async function probeCluster(address: ClusterAddress, timeoutMs: number): Promise<Probed> {
  const client = new Cluster(
    address.nodes,
    clusterOptions(address, { ...PROBE_OPTIONS, connectTimeout: timeoutMs }, { lazyConnect: true, clusterRetryStrategy: () => null, slotsRefreshTimeout: timeoutMs }),
  );
  client.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  // A cluster whose nodes answer while some slots are unserved can keep ioredis refreshing: bound the wait.
  const timedOut = new Promise<Probed>((resolve) => (timer = setTimeout(() => resolve('none'), timeoutMs * 2)));
  const answered = (async (): Promise<Probed> => {
    await client.connect();
    return /cluster_state:ok/.test(String(await client.cluster('INFO'))) ? 'cluster' : 'none';
  })().catch((): Probed => 'none');
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** Whether a Redis answers PING at `url` within the timeout (a cluster: with cluster_state:ok); never throws, never retries. */
export async function redisAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  return (await probe(url, timeoutMs).catch((): Probed => 'none')) !== 'none';
}


function hasRedisServer(env: NodeJS.ProcessEnv): boolean {
  // With options.env, Node looks the command up in that env's PATH.
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore', env }).status === 0;
}

/** The port (default 6379) and host of a redis:// URL; the private server listens there. */
function endpointOf(url: string): { host: string; port: number } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new NoRedisError(`${maskUrl(url)} is not a Redis URL (expected e.g. redis://127.0.0.1:6379)`);
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  return { host, port: parsed.port ? Number(parsed.port) : 6379 };
}

async function startPrivateServer(url: string, dataDir: string, log: Logger, env: NodeJS.ProcessEnv): Promise<RedisEndpoint> {
  const { host, port } = endpointOf(url);
  mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(dataDir, 'redis.log');
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', host, '--dir', dataDir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', '--save', '', '--logfile', logFile],
    { stdio: 'ignore', env },
  );
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  for (let i = 0; i < 50; i++) {
    if (child.exitCode === null && child.signalCode === null && (await redisAnswers(url, 200))) {
      log.info({ data_dir: dataDir, pid: child.pid, port }, `no Redis answered on ${url}: started a private redis-server with AOF in ${dataDir}`);
      recordOwner(dataDir, child.pid!);
      const unguard = stopOnExit(child.pid!);
      return {
        url,
        privateServer: true,
        async stop() {
          unguard();
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (child.exitCode !== null || child.signalCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
  // Another marsad may have started its private server on this port a moment before us: use that one.
  if (await redisAnswers(url, 500)) return { url, stop: async () => {}, privateServer: false };
  throw new NoRedisError(`no Redis answered on ${url} and the private redis-server did not start on port ${port}; see ${logFile}`);
}

const NO_REDIS_HELP = `marsad needs Redis 7 and none was found. Three ways to get one:
  1. point REDIS_URL at a running Redis, e.g. REDIS_URL=redis://127.0.0.1:6379
  2. install redis-server (Debian: apt-get install redis-server) and marsad starts a private one with its data in ./data
  3. docker compose up -d redis   (the docker-compose.yml in this repository)`;

export interface ResolveOptions {
  /** Where to look (and start a private server) when REDIS_URL is not set; default redis://127.0.0.1:6379. */
  defaultUrl?: string;
  /** Environment for finding and running redis-server (its PATH); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** marsad's key prefix (redis.prefix): checked for the hash tag a cluster needs before connecting. */
  keyPrefix?: string;
}

/**
 * REDIS_URL when set (it must answer); else the default endpoint when something answers there (a private
 * server left running by a marsad that is gone is taken over, and stopped at the end); else a
 * private redis-server from PATH on the default endpoint's port, with AOF under `dataDir`; else a
 * NoRedisError naming the three ways.
 */
export async function resolveRedis(redisUrl: string | undefined, dataDir: string, log: Logger, options: ResolveOptions = {}): Promise<RedisEndpoint> {
  const { defaultUrl = DEFAULT_REDIS_URL, env = process.env, keyPrefix } = options;
  const none = async () => {};
  if (redisUrl) {
    const cluster = isClusterUrl(redisUrl);
    if (cluster) {
      parseClusterUrl(redisUrl); // a malformed cluster URL is said so, not reported as silent
      if (keyPrefix !== undefined) clusterHashTag(keyPrefix);
    }
    const found = await probe(redisUrl, 5000);
    if (found === 'none' && cluster) throw new NoRedisError(`REDIS_URL=${maskUrl(redisUrl)}: no Redis Cluster with cluster_state:ok answers there. Check the nodes (redis-cli -c -h HOST -p PORT cluster info), or unset REDIS_URL.`);
    if (found === 'none') throw new NoRedisError(`REDIS_URL=${maskUrl(redisUrl)} does not answer. Start that Redis, or unset REDIS_URL.\n${NO_REDIS_HELP}`);
    if (found === 'cluster-node') throw new NoRedisError(`REDIS_URL=${maskUrl(redisUrl)} is a node of a Redis Cluster: name the cluster with REDIS_URL=redis+cluster://host1:port1,host2:port2 (rediss+cluster:// for TLS).`);
    return { url: redisUrl, stop: none, privateServer: false };
  }
  if (await redisAnswers(defaultUrl)) return (await adoptOrphan(defaultUrl, dataDir, log)) ?? { url: defaultUrl, stop: none, privateServer: false };
  if (hasRedisServer(env)) return startPrivateServer(defaultUrl, dataDir, log, env);
  throw new NoRedisError(`No REDIS_URL is set, nothing answers on ${maskUrl(defaultUrl)} and there is no redis-server on the PATH.\n${NO_REDIS_HELP}`);
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
