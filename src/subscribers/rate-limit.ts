import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/*
 * A sliding-window log per subscriber: a sorted set of the send times (ms, Redis clock, so that workers on
 * machines with skewed clocks agree) within the last window. It holds at most `max` entries.
 *
 * KEYS[1] the subscriber's log; ARGV[1] max, ARGV[2] window ms, ARGV[3] a unique member.
 * Returns {1, 0} and records the send when allowed; else {0, retryAt}: when enough entries have aged out
 * for one more (after lowering `max`, more than one may have to).
 */
const ALLOW_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < max then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], count - max, count - max, 'WITHSCORES')
return {0, tonumber(oldest[2]) + window}
`;

export interface RateLimit {
  max: number;
  perSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  /** When denied: epoch ms (Redis clock) from which a send will be allowed, e.g. for `job.moveToDelayed`. Null when allowed. */
  retryAtMs: number | null;
}

interface RateLimitCommands {
  marsadRateAllow(key: string, max: number, windowMs: number, member: string): Promise<[number, number]>;
}

/** At most `max` sends per `perSeconds` per subscriber, across every worker. */
export class RateLimiter {
  private readonly commands: RateLimitCommands;

  /** `prefix` carries a hash tag (e.g. "{marsad}"), like every marsad key. */
  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    if (!('marsadRateAllow' in redis)) redis.defineCommand('marsadRateAllow', { numberOfKeys: 1, lua: ALLOW_LUA });
    this.commands = redis as unknown as RateLimitCommands;
  }

  /** Takes one send from the subscriber's allowance when there is one left. */
  async allow(subscriberId: string, limit: RateLimit): Promise<RateDecision> {
    // Members must be distinct even for two sends in the same millisecond.
    const member = randomBytes(8).toString('hex');
    const [allowed, retryAt] = await this.commands.marsadRateAllow(`${this.prefix}:rate:${subscriberId}`, limit.max, limit.perSeconds * 1000, member);
    return allowed === 1 ? { allowed: true, retryAtMs: null } : { allowed: false, retryAtMs: retryAt };
  }
}
