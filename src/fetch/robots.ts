import type { Redis } from 'ioredis';
import robotsParserModule from 'robots-parser';
import { FetchError } from './errors.js';
import type { HttpClient } from './http.js';
import { ROBOTS_TOKEN } from './user-agent.js';

export interface RobotsOptions {
  /** How long a fetched robots.txt (or its absence) is trusted. */
  robotsCacheSeconds: number;
  /** How long "unreachable, so disallow everything" lasts before robots.txt is asked for again. */
  unreachableCacheSeconds?: number;
}

export interface RobotsVerdict {
  allowed: boolean;
  /**
   * Why not: 'disallowed' by the site's rules (do not fetch this URL), or robots.txt 'unreachable' (5xx,
   * 429, network failure: try again later).
   */
  reason?: 'disallowed' | 'unreachable';
  /** The site's Crawl-delay for marsad, when it sets one; the pacer uses the larger of it and hostIntervalMs. */
  crawlDelayMs?: number;
}

/** What is cached per origin: the answer to GET /robots.txt, or the reason there was none. */
interface CachedRobots {
  status?: number;
  text?: string;
  error?: string;
}

const DEFAULT_UNREACHABLE_SECONDS = 600;
/** Origins whose parsed rules a process keeps; past it, the oldest entry makes room. */
const MAX_REMEMBERED_ORIGINS = 1000;

// robots-parser's types declare an ES default export, but the package is CommonJS (module.exports = fn),
// which is what Node hands an ESM default import.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;
type Robot = ReturnType<typeof robotsParser>;

/** A cached answer read and parsed once, kept in the process until the Redis copy it came from expires. */
type Rules = { kind: 'allow-all' | 'unreachable' } | { kind: 'rules'; robot: Robot };
interface RememberedRules {
  rules: Rules;
  /** Epoch ms; never later than the Redis copy's expiry, so a process does not outlive what all workers share. */
  expiresAt: number;
}

/**
 * robots.txt rules per origin (RFC 9309), cached in Redis so that all workers ask each site once per
 * robotsCacheSeconds, and kept parsed in each process until that Redis copy expires.
 */
export class RobotsPolicy {
  private readonly cacheSeconds: number;
  private readonly unreachableSeconds: number;
  /** Concurrent checks of one origin in this process share one Redis read (and fetch). */
  private readonly inflight = new Map<string, Promise<Rules>>();
  /** Parsed rules per origin, so that a process reads and parses a site's robots.txt once per cache period, not per fetch. */
  private readonly remembered = new Map<string, RememberedRules>();

  /** `prefix` carries a hash tag (e.g. "{marsad}"), like every marsad key. */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly client: Pick<HttpClient, 'get'>,
    options: RobotsOptions,
  ) {
    this.cacheSeconds = options.robotsCacheSeconds;
    this.unreachableSeconds = Math.min(options.unreachableCacheSeconds ?? DEFAULT_UNREACHABLE_SECONDS, this.cacheSeconds);
  }

  async isAllowed(url: string): Promise<RobotsVerdict> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new FetchError('invalid-url', url, `not a URL: ${url.slice(0, 200)}`);
    }
    const rules = await this.rules(target.origin);
    switch (rules.kind) {
      case 'allow-all':
        return { allowed: true };
      case 'unreachable':
        return { allowed: false, reason: 'unreachable' };
      case 'rules': {
        const delaySeconds = rules.robot.getCrawlDelay(ROBOTS_TOKEN);
        const crawlDelay = delaySeconds !== undefined && delaySeconds > 0 ? { crawlDelayMs: Math.round(delaySeconds * 1000) } : {};
        // isAllowed is undefined only for another origin, which cannot happen here.
        return rules.robot.isAllowed(target.href, ROBOTS_TOKEN) === false
          ? { allowed: false, reason: 'disallowed', ...crawlDelay }
          : { allowed: true, ...crawlDelay };
      }
    }
  }

  private key(origin: string): string {
    return `${this.prefix}:robots:${origin}`;
  }

  /** The origin's rules: from this process' memory, else Redis, else the site (one fetch shared by concurrent checks). */
  private async rules(origin: string): Promise<Rules> {
    const kept = this.remembered.get(origin);
    if (kept && kept.expiresAt > Date.now()) return kept.rules;
    this.remembered.delete(origin);
    let pending = this.inflight.get(origin);
    if (!pending) {
      pending = this.load(origin).finally(() => this.inflight.delete(origin));
      this.inflight.set(origin, pending);
    }
    return pending;
  }

  private async load(origin: string): Promise<Rules> {
    const robotsUrl = `${origin}/robots.txt`;
    // The copy and its remaining life in one round trip: the process keeps it no longer than Redis does.
    const startedAt = Date.now();
    const replies = (await this.redis.pipeline().get(this.key(origin)).pttl(this.key(origin)).exec()) ?? [];
    const failed = replies.find(([err]) => err)?.[0];
    if (failed) throw failed;
    const raw = replies[0]?.[1] as string | null;
    const ttlMs = replies[1]?.[1] as number;
    let entry: CachedRobots;
    let lifeMs: number;
    if (raw !== null) {
      entry = JSON.parse(raw) as CachedRobots;
      lifeMs = ttlMs;
    } else {
      entry = await this.fetchEntry(robotsUrl);
      const seconds = interpret(entry) === 'unreachable' ? this.unreachableSeconds : this.cacheSeconds;
      await this.redis.set(this.key(origin), JSON.stringify(entry), 'EX', seconds);
      lifeMs = seconds * 1000;
    }
    const kind = interpret(entry);
    const rules: Rules = kind === 'rules' ? { kind, robot: robotsParser(robotsUrl, entry.text ?? '') } : { kind };
    // A key without expiry (-1) or gone meanwhile (-2) is not kept: the next check reads Redis again.
    if (lifeMs > 0) this.remember(origin, { rules, expiresAt: startedAt + lifeMs });
    return rules;
  }

  private remember(origin: string, entry: RememberedRules): void {
    if (this.remembered.size >= MAX_REMEMBERED_ORIGINS) this.remembered.delete(this.remembered.keys().next().value!);
    this.remembered.set(origin, entry);
  }

  private async fetchEntry(robotsUrl: string): Promise<CachedRobots> {
    try {
      const res = await this.client.get(robotsUrl, { accept: 'text/plain,*/*;q=0.5' });
      return { status: res.status, text: res.body.toString('utf8').replace(/^\uFEFF/, '') };
    } catch (err) {
      if (!(err instanceof FetchError)) throw err;
      return err.status !== undefined ? { status: err.status } : { error: err.reason };
    }
  }
}

/** RFC 9309 §2.3.1: 2xx gives rules; 4xx means "no robots.txt"; 5xx (and 429, and no answer) "unreachable". */
function interpret(entry: CachedRobots): 'rules' | 'allow-all' | 'unreachable' {
  const { status, error } = entry;
  if (status !== undefined) {
    if (status >= 200 && status < 300) return 'rules';
    if (status >= 400 && status < 500 && status !== 429) return 'allow-all';
    return 'unreachable';
  }
  // §2.3.1.2: a robots.txt behind too many redirects may be taken as unavailable.
  return error === 'too-many-redirects' || error === 'redirect-loop' ? 'allow-all' : 'unreachable';
}
