import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** A Redis marsad uses: one it was given, or a private redis-server it started (and owns). */
export interface RedisEndpoint {
  url: string;
  /** Set when marsad started its own redis-server; stop() shuts it down (its AOF keeps the data). */
  stop(): Promise<void>;
  privateServer: boolean;
}

/**
 * Who started the private redis-server of a data folder. A marsad that finds a Redis answering on the
 * default endpoint reads it to tell a private server left behind by a marsad that is gone (an orphan: it
 * takes it over, and stops it when it is done) from a Redis someone runs (external: never stopped) and
 * from the private server of a marsad still running (shared: that one stops it).
 */
const OWNER_FILE = 'redis-owner.json';

interface Owner {
  redisPid: number;
  ownerPid: number;
}

export function recordOwner(dataDir: string, redisPid: number): void {
  const owner: Owner = { redisPid, ownerPid: process.pid };
  writeFileSync(path.join(dataDir, OWNER_FILE), JSON.stringify(owner) + '\n');
}

function readOwner(dataDir: string): Owner | null {
  try {
    const owner = JSON.parse(readFileSync(path.join(dataDir, OWNER_FILE), 'utf8')) as Partial<Owner>;
    return Number.isInteger(owner.redisPid) && Number.isInteger(owner.ownerPid) ? (owner as Owner) : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is only not ours to signal.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process id of the Redis answering at `url` (INFO server), or null. */
async function serverPid(url: string): Promise<number | null> {
  const client = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, disconnectTimeout: 0, lazyConnect: true, connectTimeout: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const pid = /^process_id:(\d+)/m.exec(await client.info('server'))?.[1];
    return pid === undefined ? null : Number(pid);
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

/**
 * The pid of the redis-server answering at `url` when it is the private server a marsad started in
 * `dataDir` and that marsad is gone; else null (no record, its owner still runs, or another Redis answers).
 */
export async function orphanedServer(url: string, dataDir: string): Promise<number | null> {
  const owner = readOwner(dataDir);
  if (owner === null || owner.ownerPid === process.pid || isAlive(owner.ownerPid) || !isAlive(owner.redisPid)) return null;
  return (await serverPid(url)) === owner.redisPid ? owner.redisPid : null;
}

/** The endpoint of an orphaned private server at `url`, now owned (and stopped at the end) by this process; else null. */
export async function adoptOrphan(url: string, dataDir: string, log: Logger): Promise<RedisEndpoint | null> {
  const pid = await orphanedServer(url, dataDir);
  if (pid === null) return null;
  recordOwner(dataDir, pid);
  const unguard = stopOnExit(pid);
  log.info({ data_dir: dataDir, pid }, `the private redis-server on ${url} was left running by a marsad that is gone: this one takes it over and stops it when done`);
  return {
    url,
    privateServer: true,
    async stop() {
      unguard();
      await stopServer(pid);
    },
  };
}

/** SIGTERM (Redis writes its AOF and exits), then wait until the process is gone. */
export async function stopServer(pid: number, timeoutMs = 10_000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/**
 * Stops the server when this process exits without having stopped it (an error, process.exit), so that
 * no redis-server outlives the command that started it. Returns the function that removes the guard.
 */
export function stopOnExit(pid: number): () => void {
  const onExit = () => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Gone already.
    }
  };
  process.once('exit', onExit);
  return () => process.off('exit', onExit);
}
