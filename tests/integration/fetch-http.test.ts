import { readFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, FetchError, isPermanent, type HttpClient, type HttpClientOptions } from '../../src/fetch/http.js';
import { WAIT_MS } from '../support/limits.js';

const MB = 1024 * 1024;
const CAP = 1 * MB;
// The deadline and connect timeout guard the tests against a hang; only the deadline tests (with a client
// of their own) have one short enough to reach.
const OPTIONS: HttpClientOptions = {
  contact: 'mailto:ops@example.org',
  deadlineMs: WAIT_MS,
  connectTimeoutMs: WAIT_MS,
  maxBodyBytes: CAP,
  maxRedirects: 5,
  allowPrivateNetworks: true,
};
const DEADLINE_MS = 1500;

/** The FetchError a call fails with (fails the test when it succeeds or throws something else). */
async function failure(call: Promise<unknown>): Promise<FetchError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof FetchError) return err;
    throw err;
  }
  throw new Error('expected a FetchError');
}

let server: http.Server;
let silent: net.Server;
let base: string;
let silentBase: string;
const silentSockets = new Set<net.Socket>();
const hits = new Map<string, number>();
/** Bytes the /big route managed to write before the client hung up. */
let bigSent = 0;
/** A response the server is writing: what it has written so far, and when the client hung up or it ended. */
interface Served {
  sent: number;
  total: number;
  closed: Promise<void>;
}
/** The latest response of each streaming route (/big, /drip, /drip-gzip). */
const served = new Map<string, Served>();
function serving(path: string, res: http.ServerResponse, total: number): Served {
  const s: Served = { sent: 0, total, closed: new Promise((resolve) => res.once('close', () => resolve())) };
  served.set(path, s);
  return s;
}
const bomb = zlib.gzipSync(Buffer.alloc(64 * MB));
const timers = new Set<NodeJS.Timeout>();

function route(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname;
  hits.set(path, (hits.get(path) ?? 0) + 1);
  const chain = /^\/chain\/(\d+)$/.exec(path);
  if (chain) {
    const n = Number(chain[1]);
    if (n === 0) res.end('end of chain');
    else res.writeHead(302, { location: `/chain/${n - 1}` }).end();
    return;
  }
  const status = /^\/status\/(\d+)$/.exec(path);
  if (status) {
    const code = Number(status[1]);
    const headers: http.OutgoingHttpHeaders = {};
    if (code === 503) headers['retry-after'] = '120';
    if (code === 429) headers['retry-after'] = new Date(Date.now() + 30_000).toUTCString();
    res.writeHead(code, headers).end(`status ${code}`);
    return;
  }
  switch (path) {
    case '/ok':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', etag: '"v1"' }).end('<p>hello</p>');
      return;
    case '/ua':
      res.end(req.headers['user-agent']);
      return;
    case '/conditional':
      if (req.headers['if-none-match'] === '"v1"') res.writeHead(304, { etag: '"v1"' }).end();
      else res.writeHead(200, { etag: '"v1"' }).end('fresh');
      return;
    case '/gzip':
      res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync('gzip body'));
      return;
    case '/deflate':
      res.writeHead(200, { 'content-encoding': 'deflate' }).end(zlib.deflateSync('deflate body'));
      return;
    case '/br':
      res.writeHead(200, { 'content-encoding': 'br' }).end(zlib.brotliCompressSync('br body'));
      return;
    case '/bad-gzip':
      res.writeHead(200, { 'content-encoding': 'gzip' }).end('this is not gzip');
      return;
    case '/zstd':
      res.writeHead(200, { 'content-encoding': 'zstd' }).end('(zstd bytes)');
      return;
    case '/at-cap':
      res.end(Buffer.alloc(CAP, 0x61));
      return;
    case '/big': {
      // 50 MB, chunked (no content-length to refuse it by), written as fast as the client reads.
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const state = serving(path, res, 50 * MB);
      const pump = (): void => {
        while (bigSent < 50 * MB) {
          bigSent += chunk.length;
          state.sent = bigSent;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => {});
      pump();
      return;
    }
    case '/big-declared':
      res.writeHead(200, { 'content-length': String(50 * MB) });
      res.write(Buffer.alloc(1024));
      return;
    case '/bomb':
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(bomb.length) }).end(bomb);
      return;
    case '/drip':
    case '/drip-gzip': {
      // A byte a second; gzipped, the drip goes through the decoder.
      const gzip = path === '/drip-gzip';
      res.writeHead(200, gzip ? { 'content-encoding': 'gzip' } : { 'content-type': 'text/html' });
      const dripped = gzip ? zlib.gzipSync('<p>drip</p>') : Buffer.from('<p>drip</p>');
      const state = serving(path, res, dripped.length);
      let at = 0;
      res.write(dripped.subarray(at, ++at));
      state.sent = at;
      const timer = setInterval(() => {
        if (at < dripped.length) res.write(dripped.subarray(at, ++at));
        state.sent = at;
      }, 1000);
      timers.add(timer);
      res.on('close', () => clearInterval(timer));
      return;
    }
    case '/pdf':
      res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.7');
      return;
    case '/loop/a':
      res.writeHead(301, { location: '/loop/b' }).end();
      return;
    case '/loop/b':
      res.writeHead(301, { location: `${base}/loop/a#again` }).end();
      return;
    case '/to-unspecified':
      res.writeHead(302, { location: `http://0.0.0.0:${(server.address() as AddressInfo).port}/ok` }).end();
      return;
    case '/to-ftp':
      res.writeHead(302, { location: 'ftp://example.com/file' }).end();
      return;
    default:
      res.writeHead(404).end();
  }
}

let client: HttpClient;
/** A client whose deadline the deadline tests reach. */
let deadlined: HttpClient;

beforeAll(async () => {
  server = http.createServer(route);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Accepts connections, reads the requests, never says a word.
  silent = net.createServer((socket) => {
    silentSockets.add(socket.resume());
    socket.on('close', () => silentSockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentBase = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  client = createHttpClient(OPTIONS);
  deadlined = createHttpClient({ ...OPTIONS, deadlineMs: DEADLINE_MS });
});

afterAll(async () => {
  await client.close();
  await deadlined.close();
  for (const timer of timers) clearInterval(timer);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  for (const socket of silentSockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

describe('createHttpClient', () => {
  it('gets a page with headers lower-cased and says who it is', async () => {
    const res = await client.get(`${base}/ok#fragment`);
    expect(res).toMatchObject({ url: `${base}/ok`, status: 200, redirects: [] });
    expect(res.body.toString()).toBe('<p>hello</p>');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.elapsedMs).toBeGreaterThan(0);

    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    expect((await client.get(`${base}/ua`)).body.toString()).toBe(`marsad/${version} (+mailto:ops@example.org)`);
    const anonymous = createHttpClient({ ...OPTIONS, contact: null });
    expect((await anonymous.get(`${base}/ua`)).body.toString()).toBe(`marsad/${version} (no contact configured)`);
    await anonymous.close();
  });

  it('returns 304 to a conditional GET', async () => {
    const res = await client.get(`${base}/conditional`, { headers: { 'If-None-Match': '"v1"' } });
    expect(res.status).toBe(304);
    expect(res.body.length).toBe(0);
  });

  it.each([
    ['/gzip', 'gzip body'],
    ['/deflate', 'deflate body'],
    ['/br', 'br body'],
  ])('decompresses %s', async (path, text) => {
    expect((await client.get(`${base}${path}`)).body.toString()).toBe(text);
  });

  it.each(['/bad-gzip', '/zstd'])('refuses a body it cannot decode (%s) as permanent', async (path) => {
    expect(await failure(client.get(`${base}${path}`))).toMatchObject({ reason: 'unsupported-content', kind: 'permanent' });
  });

  describe('redirects', () => {
    it('follows a chain of 3', async () => {
      const res = await client.get(`${base}/chain/3`);
      expect(res.url).toBe(`${base}/chain/0`);
      expect(res.redirects).toEqual([`${base}/chain/3`, `${base}/chain/2`, `${base}/chain/1`]);
      expect(res.body.toString()).toBe('end of chain');
    });

    it('follows exactly maxRedirects, refuses one more', async () => {
      expect((await client.get(`${base}/chain/5`)).status).toBe(200);
      const err = await failure(client.get(`${base}/chain/6`));
      expect(err).toMatchObject({ reason: 'too-many-redirects', kind: 'permanent' });
    });

    it('refuses a loop (fragments do not make a URL new)', async () => {
      const err = await failure(client.get(`${base}/loop/a`));
      expect(err).toMatchObject({ reason: 'redirect-loop', kind: 'permanent', url: `${base}/loop/b` });
    });

    it('re-checks every target: address and scheme', async () => {
      const before = hits.get('/ok') ?? 0;
      expect(await failure(client.get(`${base}/to-unspecified`))).toMatchObject({ reason: 'blocked-address', kind: 'permanent' });
      expect(await failure(client.get(`${base}/to-ftp`))).toMatchObject({ reason: 'bad-scheme', url: 'ftp://example.com/file' });
      expect(hits.get('/ok') ?? 0).toBe(before);
    });
  });

  describe('with private networks not allowed', () => {
    it('refuses loopback before connecting, as a literal or as a name resolving to it', async () => {
      const guarded = createHttpClient({ ...OPTIONS, allowPrivateNetworks: false });
      const port = (server.address() as AddressInfo).port;
      const before = hits.get('/ok') ?? 0;
      for (const url of [`${base}/ok`, `http://localhost:${port}/ok`, `http://[::ffff:127.0.0.1]:${port}/ok`]) {
        const err = await failure(guarded.get(url));
        expect(err, url).toMatchObject({ reason: 'blocked-address', kind: 'permanent' });
      }
      expect(hits.get('/ok') ?? 0).toBe(before);
      await guarded.close();
    });
  });

  describe('size cap', () => {
    it('takes a body of exactly the cap', async () => {
      expect((await client.get(`${base}/at-cap`)).body.length).toBe(CAP);
    });

    it('stops reading a 50 MB body at the cap', async () => {
      bigSent = 0;
      const err = await failure(client.get(`${base}/big`));
      expect(err).toMatchObject({ reason: 'too-large', kind: 'permanent' });
      // The client hung up: the server's response closes without having written it all. What the server
      // got out is the cap plus what the sockets buffer, nowhere near 50 MB.
      const big = served.get('/big')!;
      await big.closed;
      expect(big.sent).toBeLessThan(20 * MB);
    });

    it('refuses a declared content-length over the cap without reading', async () => {
      expect(await failure(client.get(`${base}/big-declared`))).toMatchObject({ reason: 'too-large' });
    });

    it('stops inflating a gzip bomb at the cap', async () => {
      expect(bomb.length).toBeLessThan(CAP);
      const heapBefore = process.memoryUsage().arrayBuffers;
      const err = await failure(client.get(`${base}/bomb`));
      expect(err).toMatchObject({ reason: 'too-large', kind: 'permanent' });
      // Inflating stopped at the cap: nowhere near the 64 MB the bomb holds was ever in memory.
      expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(16 * MB);
    });
  });

  describe('deadline', () => {
    // A byte a second never leaves the connection idle: only a deadline on the whole call ends it before
    // the server has dripped it all (seconds after the deadline). That is checked on the server's side,
    // not on the clock, which a loaded machine makes late.
    it.each(['/drip', '/drip-gzip'])('gives up on a slow drip (%s) at the deadline', async (path) => {
      const started = performance.now();
      const err = await failure(deadlined.get(`${base}${path}`));
      const elapsed = performance.now() - started;
      expect(err).toMatchObject({ reason: 'timeout', kind: 'transient', message: `no complete response within ${DEADLINE_MS} ms` });
      expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 100); // not before it
      const drip = served.get(path)!;
      await drip.closed;
      expect(drip.sent, 'bytes dripped before the client hung up').toBeLessThan(drip.total);
    });

    it('gives up on a server that accepts and never answers', async () => {
      const started = performance.now();
      const err = await failure(deadlined.get(`${silentBase}/`));
      expect(err).toMatchObject({ reason: 'timeout', kind: 'transient' });
      expect(performance.now() - started).toBeGreaterThanOrEqual(DEADLINE_MS - 100);
    });
  });

  describe('status classification', () => {
    it.each([
      [404, 'permanent'],
      [410, 'permanent'],
      [403, 'permanent'],
      [500, 'transient'],
    ])('HTTP %i is a %s failure', async (status, kind) => {
      const err = await failure(client.get(`${base}/status/${status}`));
      expect(err).toMatchObject({ reason: 'http-status', status, kind, url: `${base}/status/${status}` });
      expect(err.retryAfterMs).toBeUndefined();
      expect(isPermanent(err)).toBe(kind === 'permanent');
    });

    it('503 carries Retry-After in seconds', async () => {
      const err = await failure(client.get(`${base}/status/503`));
      expect(err).toMatchObject({ status: 503, kind: 'transient', retryAfterMs: 120_000 });
    });

    it('429 carries Retry-After as an HTTP-date', async () => {
      // The server dates it 30 s after its now (to the second, so up to 1 s less); the client counts from
      // its own now, later by however long the response took to come.
      const before = Date.now();
      const err = await failure(client.get(`${base}/status/429`));
      const took = Date.now() - before;
      expect(err).toMatchObject({ status: 429, kind: 'transient' });
      expect(err.retryAfterMs).toBeGreaterThan(29_000 - took);
      expect(err.retryAfterMs).toBeLessThanOrEqual(30_000);
    });
  });

  describe('what is refused before any request', () => {
    it.each([
      ['ftp://example.com/feed.xml', 'bad-scheme'],
      ['file:///etc/passwd', 'bad-scheme'],
      ['data:text/html,hi', 'bad-scheme'],
      ['::not a url::', 'invalid-url'],
    ])('%s', async (url, reason) => {
      expect(await failure(client.get(url))).toMatchObject({ reason, kind: 'permanent' });
    });
  });

  it('refuses a PDF when HTML is expected, takes it when anything is', async () => {
    expect(await failure(client.get(`${base}/pdf`, { expect: 'html' }))).toMatchObject({ reason: 'unsupported-content', kind: 'permanent' });
    expect(await failure(client.get(`${base}/pdf`, { expect: 'feed' }))).toMatchObject({ reason: 'unsupported-content' });
    expect((await client.get(`${base}/pdf`)).body.toString()).toBe('%PDF-1.7');
  });

  it('reports a refused connection as transient', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await failure(client.get(`http://127.0.0.1:${port}/`))).toMatchObject({ reason: 'connection', kind: 'transient' });
  });
});
