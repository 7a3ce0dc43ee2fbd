import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from '../../src/fetch/http.js';
import { RobotsPolicy } from '../../src/fetch/robots.js';
import { WAIT_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';

const prefix = testPrefix('fetch-robots');
const CACHE_SECONDS = 3600;

/**
 * Runs `steps` (which set a key's expiry, then read its TTL) and checks that TTL against `seconds` as set
 * at some time during the steps: however long they took, not within a fixed few seconds.
 */
async function expectTtlSetDuring(seconds: number, steps: () => Promise<number>): Promise<void> {
  const started = performance.now();
  const ttl = await steps();
  const elapsed = performance.now() - started;
  // Redis rounds a TTL to the nearest second.
  expect(ttl).toBeGreaterThanOrEqual(seconds - Math.ceil(elapsed / 1000) - 1);
  expect(ttl).toBeLessThanOrEqual(seconds);
}

interface Site {
  origin: string;
  /** Requests for /robots.txt so far. */
  hits: () => number;
  close: () => Promise<void>;
}

const sites: Site[] = [];

/** A site (its own port, so its own origin) answering /robots.txt with `status` and `text`. */
async function site(status: number, text = ''): Promise<Site> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/robots.txt') hits++;
    res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const s: Site = {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  sites.push(s);
  return s;
}

const RULES = `# a comment
User-agent: *
Disallow: /private

User-agent: marsad
Disallow: /no-marsad
Allow: /no-marsad/but-this
Crawl-delay: 3

Sitemap: https://example.com/sitemap.xml
`;

let redis: Redis;
let client: HttpClient;
let robots: RobotsPolicy;

beforeAll(() => {
  redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 3 });
  // Guards against a hang: a robots.txt that comes late on a loaded machine is still one that answered.
  client = createHttpClient({
    contact: 'mailto:ops@example.org',
    deadlineMs: WAIT_MS,
    connectTimeoutMs: WAIT_MS,
    maxBodyBytes: 1024 * 1024,
    maxRedirects: 5,
    allowPrivateNetworks: true,
  });
  robots = new RobotsPolicy(redis, prefix, client, { robotsCacheSeconds: CACHE_SECONDS });
});

afterAll(async () => {
  await Promise.all(sites.map((s) => s.close()));
  await client.close();
  await deleteKeys(testRedisUrl(), prefix);
  redis.disconnect();
});

describe('RobotsPolicy', () => {
  it('applies the group for marsad, with its crawl-delay', async () => {
    const s = await site(200, RULES);
    expect(await robots.isAllowed(`${s.origin}/news/1`)).toEqual({ allowed: true, crawlDelayMs: 3000 });
    expect(await robots.isAllowed(`${s.origin}/no-marsad/x`)).toEqual({ allowed: false, reason: 'disallowed', crawlDelayMs: 3000 });
    expect(await robots.isAllowed(`${s.origin}/no-marsad/but-this`)).toMatchObject({ allowed: true });
    // The * group is not marsad's once a group names marsad.
    expect(await robots.isAllowed(`${s.origin}/private`)).toMatchObject({ allowed: true });
  });

  it('falls back to the * group', async () => {
    const s = await site(200, 'User-agent: *\nDisallow: /private\n');
    expect(await robots.isAllowed(`${s.origin}/private/a`)).toEqual({ allowed: false, reason: 'disallowed' });
    expect(await robots.isAllowed(`${s.origin}/public`)).toEqual({ allowed: true });
  });

  it('asks each site once, across policies (workers), and caches for robotsCacheSeconds', async () => {
    const s = await site(200, 'User-agent: *\nDisallow: /private\n');
    await expectTtlSetDuring(CACHE_SECONDS, async () => {
      await robots.isAllowed(`${s.origin}/a`);
      await robots.isAllowed(`${s.origin}/private`);
      const otherWorker = new RobotsPolicy(redis, prefix, client, { robotsCacheSeconds: CACHE_SECONDS });
      expect(await otherWorker.isAllowed(`${s.origin}/private`)).toMatchObject({ allowed: false });
      expect(s.hits()).toBe(1);
      return redis.ttl(`${prefix}:robots:${s.origin}`);
    });
  });

  it('keeps the parsed rules in the process until the Redis copy expires', async () => {
    const s = await site(200, 'User-agent: *\nDisallow: /private\n');
    const key = `${prefix}:robots:${s.origin}`;
    const shortLived = new RobotsPolicy(redis, prefix, client, { robotsCacheSeconds: 1 });
    expect(await shortLived.isAllowed(`${s.origin}/private`)).toMatchObject({ allowed: false });
    // Another worker's answer written to Redis meanwhile: this process still uses the rules it parsed.
    await redis.set(key, JSON.stringify({ status: 404 }), 'KEEPTTL');
    expect(await shortLived.isAllowed(`${s.origin}/private`)).toMatchObject({ allowed: false });
    expect(await new RobotsPolicy(redis, prefix, client, { robotsCacheSeconds: 1 }).isAllowed(`${s.origin}/private`)).toEqual({ allowed: true });
    // Once the Redis copy has expired, the process asks again.
    const deadline = Date.now() + WAIT_MS;
    while ((await redis.exists(key)) === 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await redis.exists(key)).toBe(0);
    await redis.set(key, JSON.stringify({ status: 404 }), 'EX', 60);
    expect(await shortLived.isAllowed(`${s.origin}/private`)).toEqual({ allowed: true });
    expect(s.hits()).toBe(1);
  });

  it('shares one fetch among concurrent checks', async () => {
    const s = await site(200, 'User-agent: *\nAllow: /\n');
    const verdicts = await Promise.all(Array.from({ length: 5 }, (_, i) => robots.isAllowed(`${s.origin}/${i}`)));
    expect(verdicts.every((v) => v.allowed)).toBe(true);
    expect(s.hits()).toBe(1);
  });

  it.each([404, 410, 401, 403])('allows everything when robots.txt answers %i', async (status) => {
    const s = await site(status, 'User-agent: *\nDisallow: /\n');
    expect(await robots.isAllowed(`${s.origin}/a`)).toEqual({ allowed: true });
    await robots.isAllowed(`${s.origin}/b`);
    expect(s.hits()).toBe(1);
  });

  it.each([500, 503, 429])('disallows everything, briefly, when robots.txt answers %i', async (status) => {
    const s = await site(status);
    await expectTtlSetDuring(600, async () => {
      expect(await robots.isAllowed(`${s.origin}/a`)).toEqual({ allowed: false, reason: 'unreachable' });
      return redis.ttl(`${prefix}:robots:${s.origin}`);
    });
  });

  it('disallows everything when the site does not answer at all', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await robots.isAllowed(`http://127.0.0.1:${port}/a`)).toEqual({ allowed: false, reason: 'unreachable' });
  });
});
