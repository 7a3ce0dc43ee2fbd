import { performance } from 'node:perf_hooks';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { Agent, type Dispatcher } from 'undici';
import type { Settings } from '../config/settings.js';
import { BlockedAddressError, checkUrl, guardedLookup } from './address-guard.js';
import { FetchError, parseRetryAfter, type FetchErrorReason } from './errors.js';
import { userAgent } from './user-agent.js';

export { FetchError, isPermanent, type FetchErrorKind, type FetchErrorReason } from './errors.js';

export type HttpClientOptions = Pick<
  Settings['fetch'],
  'contact' | 'deadlineMs' | 'connectTimeoutMs' | 'maxBodyBytes' | 'maxRedirects' | 'allowPrivateNetworks'
>;

/** What the caller means to do with the body: it sets the default Accept and which content types are refused. */
export type Expect = 'html' | 'feed' | 'any';

export interface GetOptions {
  /** Extra request headers, e.g. If-None-Match / If-Modified-Since for a conditional GET. */
  headers?: Record<string, string>;
  /** The Accept header; by default one that suits `expect`. */
  accept?: string;
  /** Default 'any': no content-type check. */
  expect?: Expect;
  /** Cuts the request when aborted (a shutdown handing its jobs back); it then throws the signal's reason. */
  signal?: AbortSignal;
}

export interface HttpResponse {
  /** The final URL, after redirects, without its fragment. */
  url: string;
  /** 2xx, or 304 for a conditional GET. */
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Decompressed, at most maxBodyBytes; not decoded to text (charsets are the caller's). */
  body: Buffer;
  /** The URLs that answered with a redirect, in order, starting with the requested one; empty when none. */
  redirects: string[];
  elapsedMs: number;
}

export interface HttpClient {
  readonly userAgent: string;
  /** Throws FetchError for every failure, including statuses other than 2xx and 304. */
  get(url: string, options?: GetOptions): Promise<HttpResponse>;
  close(): Promise<void>;
}

const ACCEPT: Record<Expect, string> = {
  html: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
  feed: 'application/rss+xml,application/atom+xml,application/feed+json,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5',
  any: '*/*',
};

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

const DISCARD_LIMIT = 64 * 1024;

/**
 * Lenient on purpose: servers label feeds text/html, text/plain or application/octet-stream often enough;
 * what is refused is what cannot be a page or a feed (PDFs, images, archives...).
 */
function contentTypeFits(expect: Expect, contentType: string | undefined): boolean {
  if (expect === 'any' || !contentType) return true;
  const mime = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (mime.startsWith('text/') || mime.endsWith('/xml') || mime.endsWith('+xml')) return true;
  return expect === 'feed' && ['application/json', 'application/feed+json', 'application/octet-stream'].includes(mime);
}

/** Decoders as browsers configure them: a body whose compressed stream lacks its final block still decodes. */
const gunzip = (): Transform =>
  zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
const DECODERS = new Map<string, () => Transform>([
  ['gzip', gunzip],
  ['x-gzip', gunzip],
  ['deflate', () => zlib.createInflate({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH })],
  [
    'br',
    () => zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH }),
  ],
]);

function flattenHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function errorCodes(err: unknown): { codes: Set<string>; blocked?: BlockedAddressError } {
  const codes = new Set<string>();
  let blocked: BlockedAddressError | undefined;
  // undici and stream.pipeline wrap the error that matters; walk the cause chain (bounded, causes can cycle).
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof BlockedAddressError) blocked = e;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.add(code);
  }
  return blocked ? { codes, blocked } : { codes };
}

/** Maps whatever undici, DNS, zlib or the abort signal threw to a FetchError about `url`. */
function toFetchError(err: unknown, url: string, signal: AbortSignal, deadlineMs: number): FetchError {
  if (err instanceof FetchError) return err;
  if (signal.aborted) return new FetchError('timeout', url, `no complete response within ${deadlineMs} ms`, { cause: err });
  const { codes, blocked } = errorCodes(err);
  const message = err instanceof Error ? err.message : String(err);
  const fail = (reason: FetchErrorReason, text = message) => new FetchError(reason, url, text, { cause: err });
  if (blocked) return fail('blocked-address', blocked.message);
  if (codes.has('UND_ERR_CONNECT_TIMEOUT')) return fail('connect-timeout');
  if (codes.has('UND_ERR_HEADERS_TIMEOUT') || codes.has('UND_ERR_BODY_TIMEOUT')) return fail('timeout');
  if (codes.has('UND_ERR_RES_EXCEEDED_MAX_SIZE')) return fail('too-large');
  if (codes.has('UND_ERR_INVALID_ARG')) return fail('invalid-url');
  if ([...codes].some((c) => c === 'ENOTFOUND' || c === 'ENODATA' || c.startsWith('EAI_'))) return fail('dns');
  // zlib's codes (Z_DATA_ERROR) and brotli's (ERR__ERROR_FORMAT_...): a body that does not decode, and will not.
  if ([...codes].some((c) => c.startsWith('Z_') || c.startsWith('ERR__ERROR_'))) return fail('unsupported-content');
  return fail('connection');
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { deadlineMs, maxBodyBytes, maxRedirects, allowPrivateNetworks } = options;
  const ua = userAgent(options.contact);
  const agent = new Agent({
    connect: { timeout: options.connectTimeoutMs, lookup: guardedLookup(allowPrivateNetworks) },
    // The deadline below is the real limit; these only stop undici's 300 s defaults from outliving it.
    headersTimeout: deadlineMs,
    bodyTimeout: deadlineMs,
    // Caps the bytes on the wire; the decoded size is capped while reading (see readBody).
    maxResponseSize: maxBodyBytes,
    // Pacing keeps it to about one request per host at a time; this bounds a burst (as browsers do).
    connections: 6,
  });

  /** The request's signal destroys `body` at the deadline; the error then runs down the pipeline like any other. */
  async function readBody(body: Readable, decoder: Transform | undefined, url: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    let overflow: FetchError | undefined;
    const collect = async (source: AsyncIterable<Buffer>): Promise<void> => {
      for await (const chunk of source) {
        size += chunk.length;
        if (size > maxBodyBytes) {
          // Throwing destroys every stream of the pipeline: the socket stops being read at the cap.
          overflow = new FetchError('too-large', url, `body larger than ${maxBodyBytes} bytes`);
          throw overflow;
        }
        chunks.push(chunk);
      }
    };
    try {
      await (decoder ? pipeline(body, decoder, collect) : collect(body));
    } catch (err) {
      // pipeline may report the teardown (an AbortError) rather than the error that caused it.
      throw overflow ?? err;
    }
    return Buffer.concat(chunks, size);
  }

  async function get(input: string, getOptions: GetOptions = {}): Promise<HttpResponse> {
    const started = performance.now();
    const expect = getOptions.expect ?? 'any';
    // One deadline for the whole call, redirects included: a job knows the most a fetch can take.
    const cancel = getOptions.signal;
    const signal = cancel ? AbortSignal.any([AbortSignal.timeout(deadlineMs), cancel]) : AbortSignal.timeout(deadlineMs);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(getOptions.headers ?? {})) headers[name.toLowerCase()] = value;
    headers['user-agent'] = ua;
    headers['accept'] = getOptions.accept ?? ACCEPT[expect];
    headers['accept-encoding'] = 'gzip, deflate, br';

    let url = checkUrl(input, allowPrivateNetworks);
    const redirects: string[] = [];
    const seen = new Set<string>();
    for (;;) {
      // The fragment is never sent; without it, the URLs reported and compared are the ones requested.
      url.hash = '';
      const href = url.href;
      seen.add(href);
      try {
        const res = await agent.request({ origin: url.origin, path: url.pathname + url.search, method: 'GET', headers, signal });
        const resHeaders = flattenHeaders(res.headers);
        const status = res.statusCode;
        const location = resHeaders['location'];

        if (REDIRECT_STATUSES.has(status) && location) {
          await discard(res.body, signal);
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            throw new FetchError('invalid-url', href, `redirect to an invalid URL: ${location.slice(0, 200)}`);
          }
          next.hash = '';
          if (seen.has(next.href)) throw new FetchError('redirect-loop', href, `redirect loop back to ${next.href}`);
          redirects.push(href);
          if (redirects.length > maxRedirects) {
            throw new FetchError('too-many-redirects', href, `more than ${maxRedirects} redirects`);
          }
          url = checkUrl(next, allowPrivateNetworks);
          continue;
        }

        if (!((status >= 200 && status < 300) || status === 304)) {
          await discard(res.body, signal);
          const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(resHeaders['retry-after']) : undefined;
          throw new FetchError('http-status', href, `HTTP ${status}`, { status, retryAfterMs });
        }
        if (status !== 304 && !contentTypeFits(expect, resHeaders['content-type'])) {
          abandon(res.body);
          throw new FetchError('unsupported-content', href, `content-type ${resHeaders['content-type']} is not ${expect}`, { status });
        }
        const declared = Number(resHeaders['content-length']);
        if (declared > maxBodyBytes) {
          abandon(res.body);
          throw new FetchError('too-large', href, `content-length ${declared} exceeds ${maxBodyBytes} bytes`, { status });
        }
        const codings = (resHeaders['content-encoding'] ?? '')
          .toLowerCase()
          .split(',')
          .map((e) => e.trim())
          .filter((e) => e !== '' && e !== 'identity');
        const coding = codings[0];
        const decoder = coding === undefined ? undefined : DECODERS.get(coding);
        // Stacked codings ("gzip, br") are legal but unseen in practice; we only ask for one.
        if (codings.length > 1 || (coding !== undefined && !decoder)) {
          abandon(res.body);
          throw new FetchError('unsupported-content', href, `unsupported content-encoding ${codings.join(', ')}`, { status });
        }
        const body = await readBody(res.body, decoder?.(), href);
        return { url: href, status, headers: resHeaders, body, redirects, elapsedMs: performance.now() - started };
      } catch (err) {
        if (cancel?.aborted) throw cancel.reason;
        throw toFetchError(err, href, signal, deadlineMs);
      }
    }
  }

  return {
    userAgent: ua,
    get,
    close: () => agent.close(),
  };
}

/** Reads an unwanted body (redirect, error) a little so the connection can be reused; a larger one is cut off. */
async function discard(body: Dispatcher.ResponseData['body'], signal: AbortSignal): Promise<void> {
  await body.dump({ limit: DISCARD_LIMIT, signal });
}

/** Cuts a body off unread; undici reports that as an error on the body, which nobody is reading any more. */
function abandon(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {}).destroy();
}
