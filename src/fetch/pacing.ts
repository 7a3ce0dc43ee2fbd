import type { Redis } from 'ioredis';

/*
 * One key per host holds the earliest time (ms, Redis clock) the host's next request may go. Redis's own
 * clock is used so workers on machines with skewed clocks still agree. Each script touches one key.
 */

/** KEYS[1] host key; ARGV[1] interval ms. Takes the next free slot, moves it on by the interval; returns ms to wait. */
const RESERVE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1])) or 0)
local free = slot + tonumber(ARGV[1])
redis.call('SET', KEYS[1], free, 'PX', free - now + 1)
return slot - now
`;

/** KEYS[1] host key; ARGV[1] ms. Keeps the host free of requests for that long from now; returns ms until it is free. */
const BACKOFF_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local free = math.max(now + tonumber(ARGV[1]), tonumber(redis.call('GET', KEYS[1])) or 0)
redis.call('SET', KEYS[1], free, 'PX', free - now + 1)
return free - now
`;

interface PacingCommands {
  marsadPaceReserve(key: string, intervalMs: number): Promise<number>;
  marsadPaceBackoff(key: string, ms: number): Promise<number>;
}

/** Per-host pacing shared by every worker: at most one request per host per interval, wherever it runs. */
export class HostPacer {
  private readonly commands: PacingCommands;

  /** `prefix` carries a hash tag (e.g. "{marsad}"), like every marsad key. */
  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    if (!('marsadPaceReserve' in redis)) {
      redis.defineCommand('marsadPaceReserve', { numberOfKeys: 1, lua: RESERVE_LUA });
      redis.defineCommand('marsadPaceBackoff', { numberOfKeys: 1, lua: BACKOFF_LUA });
    }
    this.commands = redis as unknown as PacingCommands;
  }

  private key(host: string): string {
    return `${this.prefix}:pace:${host.toLowerCase()}`;
  }

  /**
   * Reserves the host's next slot: the returned ms is how long the caller must delay its request (0: go now).
   * The slot is taken either way, so a caller that gives up should still not request before it.
   */
  async reserve(host: string, intervalMs: number): Promise<number> {
    return this.commands.marsadPaceReserve(this.key(host), Math.max(0, Math.round(intervalMs)));
  }

  /** Pushes the host's next slot at least `ms` from now (after a 429 or 503); returns ms until the host is free. */
  async backoffHost(host: string, ms: number): Promise<number> {
    return this.commands.marsadPaceBackoff(this.key(host), Math.max(0, Math.round(ms)));
  }
}
