import { readFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, FetchError, isPermanent, type HttpClient, type HttpClientOptions } from '../../src/fetch/http.js';

const MB = 1024 * 1024;
const CAP = 1 * MB;
const OPTIONS: HttpClientOptions = {
  contact: 'mailto:ops@example.org',
  deadlineMs: 1500,
  connectTimeoutMs: 1000,
  maxBodyBytes: CAP,
  maxRedirects: 5,
  allowPrivateNetworks: true,
};

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
      const pump = (): void => {
        while (bigSent < 50 * MB) {
          bigSent += chunk.length;
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
      let at = 0;
      res.write(dripped.subarray(at, ++at));
      const timer = setInterval(() => res.write(dripped.subarray(at, ++at)), 1000);
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
});

afterAll(async () => {
  await client.close();
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
      const started = performance.now();
      const err = await failure(client.get(`${base}/big`));
      expect(err).toMatchObject({ reason: 'too-large', kind: 'permanent' });
      expect(performance.now() - started).toBeLessThan(1000);
      // What the server got out is the cap plus what the sockets buffer, nowhere near 50 MB.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(bigSent).toBeLessThan(20 * MB);
    });

    it('refuses a declared content-length over the cap without reading', async () => {
      expect(await failure(client.get(`${base}/big-declared`))).toMatchObject({ reason: 'too-large' });
    });

    it('stops inflating a gzip bomb at the cap', async () => {
      expect(bomb.length).toBeLessThan(CAP);
      const heapBefore = process.memoryUsage().arrayBuffers;
      const started = performance.now();
      const err = await failure(client.get(`${base}/bomb`));
      expect(err).toMatchObject({ reason: 'too-large', kind: 'permanent' });
      expect(performance.now() - started).toBeLessThan(1000);
      expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(16 * MB);
    });
  });

  describe('deadline', () => {
    it.each(['/drip', '/drip-gzip'])('gives up on a slow drip (%s) at the deadline', async (path) => {
      const started = performance.now();
      const err = await failure(client.get(`${base}${path}`));
      const elapsed = performance.now() - started;
      expect(err).toMatchObject({ reason: 'timeout', kind: 'transient' });
      expect(elapsed).toBeGreaterThanOrEqual(1400);
      expect(elapsed).toBeLessThan(2500);
    });

    it('gives up on a server that accepts and never answers', async () => {
      const started = performance.now();
      const err = await failure(client.get(`${silentBase}/`));
      expect(err).toMatchObject({ reason: 'timeout', kind: 'transient' });
      expect(performance.now() - started).toBeLessThan(2500);
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
      const err = await failure(client.get(`${base}/status/429`));
      expect(err).toMatchObject({ status: 429, kind: 'transient' });
      expect(err.retryAfterMs).toBeGreaterThan(27_000);
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
