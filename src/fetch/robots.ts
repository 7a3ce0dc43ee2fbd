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

// robots-parser's types declare an ES default export, but the package is CommonJS (module.exports = fn),
// which is what Node hands an ESM default import.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;

/**
 * robots.txt rules per origin (RFC 9309), cached in Redis so that all workers ask each site once per
 * robotsCacheSeconds.
 */
export class RobotsPolicy {
  private readonly cacheSeconds: number;
  private readonly unreachableSeconds: number;
  /** Concurrent checks of one origin in this process share one fetch. */
  private readonly inflight = new Map<string, Promise<CachedRobots>>();

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
    const robotsUrl = `${target.origin}/robots.txt`;
    const cached = await this.load(target.origin, robotsUrl);
    switch (interpret(cached)) {
      case 'allow-all':
        return { allowed: true };
      case 'unreachable':
        return { allowed: false, reason: 'unreachable' };
      case 'rules': {
        const robot = robotsParser(robotsUrl, cached.text ?? '');
        const delaySeconds = robot.getCrawlDelay(ROBOTS_TOKEN);
        const crawlDelay = delaySeconds !== undefined && delaySeconds > 0 ? { crawlDelayMs: Math.round(delaySeconds * 1000) } : {};
        // isAllowed is undefined only for another origin, which cannot happen here.
        return robot.isAllowed(target.href, ROBOTS_TOKEN) === false
          ? { allowed: false, reason: 'disallowed', ...crawlDelay }
          : { allowed: true, ...crawlDelay };
      }
    }
  }

  private key(origin: string): string {
    return `${this.prefix}:robots:${origin}`;
  }

  private async load(origin: string, robotsUrl: string): Promise<CachedRobots> {
    const raw = await this.redis.get(this.key(origin));
    if (raw !== null) return JSON.parse(raw) as CachedRobots;
    let pending = this.inflight.get(origin);
    if (!pending) {
      pending = this.fetchAndCache(origin, robotsUrl).finally(() => this.inflight.delete(origin));
      this.inflight.set(origin, pending);
    }
    return pending;
  }

  private async fetchAndCache(origin: string, robotsUrl: string): Promise<CachedRobots> {
    let entry: CachedRobots;
    try {
      const res = await this.client.get(robotsUrl, { accept: 'text/plain,*/*;q=0.5' });
      entry = { status: res.status, text: res.body.toString('utf8').replace(/^\uFEFF/, '') };
    } catch (err) {
      if (!(err instanceof FetchError)) throw err;
      entry = err.status !== undefined ? { status: err.status } : { error: err.reason };
    }
    const ttl = interpret(entry) === 'unreachable' ? this.unreachableSeconds : this.cacheSeconds;
    await this.redis.set(this.key(origin), JSON.stringify(entry), 'EX', ttl);
    return entry;
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
