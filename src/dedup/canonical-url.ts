/**
 * URL canonicalization for the dedup stage.
 *
 * Two levels, on purpose:
 * - `canonicalUrl` keeps only changes that cannot point at a different resource (case of scheme/host, default
 *   port, fragment, known tracking parameters, parameter order, percent-encoding form, trailing slash). It is safe
 *   to store and to fetch.
 * - `urlKey` is the seen-index key: it also folds renderings of the same article (http/https, `www.`, mobile and
 *   AMP hosts and paths). It is a key, not a URL, so it carries no scheme.
 */

export class InvalidUrlError extends Error {
  override readonly name = 'InvalidUrlError';
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`invalid URL ${JSON.stringify(input.slice(0, 200))}: ${reason}`);
  }
}

/**
 * Query parameters that only identify the campaign or click, never the article. Compared case-insensitively.
 * Kept to names whose meaning is unambiguous; `ref` is included because news sites use it only for referral
 * tracking. Everything else is kept: dropping a parameter that selects content would merge distinct articles.
 */
const TRACKING_PARAMS: ReadonlySet<string> = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'yclid',
  'twclid',
  'ttclid',
  'igshid',
  'mc_cid',
  'mc_eid',
  '_ga',
  '_gl',
  'ref',
  'ref_src',
  'cmpid',
  'at_medium',
  'at_campaign',
]);
const TRACKING_PREFIXES: readonly string[] = ['utm_'];

/** Host prefixes that serve the same articles as the bare host (folded by `urlKey` only). */
const HOST_VARIANT_PREFIXES: readonly string[] = ['www.', 'm.', 'mobile.', 'amp.'];

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * Decodes escapes of unreserved characters and upper-cases the hex of the rest (RFC 3986 §6.2.2.1–2). The WHATWG
 * parser already encodes raw non-ASCII (an Arabic slug) as upper-case UTF-8 escapes, so after this step a slug
 * written raw, encoded upper-case or encoded lower-case serializes identically. Reserved escapes such as `%2F` stay
 * encoded: decoding them could change the meaning.
 */
function normalizePercentEncoding(s: string): string {
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
  });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function isTrackingParam(name: string): boolean {
  const key = safeDecode(name).toLowerCase();
  return TRACKING_PARAMS.has(key) || TRACKING_PREFIXES.some((p) => key.startsWith(p));
}

interface QueryPair {
  readonly name: string;
  readonly raw: string;
}

/**
 * Splits the query by hand instead of using URLSearchParams, whose form-encoding serializer would rewrite `%20` as
 * `+` and `/` as `%2F` and so change bytes the origin server may care about.
 */
function parseQuery(search: string): QueryPair[] {
  const query = search.startsWith('?') ? search.slice(1) : search;
  const pairs: QueryPair[] = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const raw = normalizePercentEncoding(part);
    const eq = raw.indexOf('=');
    pairs.push({ name: eq === -1 ? raw : raw.slice(0, eq), raw });
  }
  return pairs;
}

function serializeQuery(pairs: readonly QueryPair[]): string {
  if (pairs.length === 0) return '';
  // Stable sort by name only: the relative order of repeated names (a=1&a=2) can be meaningful.
  const sorted = [...pairs].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return `?${sorted.map((p) => p.raw).join('&')}`;
}

function trimTrailingSlashes(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

interface ParsedCanonical {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: string;
  readonly path: string;
  readonly query: QueryPair[];
}

function parseCanonical(input: string): ParsedCanonical {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new InvalidUrlError(input, 'not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidUrlError(input, `scheme ${url.protocol} is not http(s)`);
  }
  // The parser already lower-cases scheme and host, punycodes IDNs, drops default ports and resolves dot segments.
  // A trailing dot names the same DNS host. Credentials never identify an article and must not reach the store.
  const hostname = url.hostname.replace(/\.$/, '');
  if (hostname === '') throw new InvalidUrlError(input, 'empty host');
  return {
    protocol: url.protocol,
    hostname,
    port: url.port,
    path: trimTrailingSlashes(normalizePercentEncoding(url.pathname)),
    query: parseQuery(url.search).filter((p) => !isTrackingParam(p.name)),
  };
}

function hostWithPort(hostname: string, port: string): string {
  return port === '' ? hostname : `${hostname}:${port}`;
}

/**
 * Canonical form of an http(s) URL. Idempotent: `canonicalUrl(canonicalUrl(u)) === canonicalUrl(u)`.
 * @throws InvalidUrlError when the input does not parse or is not http(s).
 */
export function canonicalUrl(input: string): string {
  const c = parseCanonical(input);
  return `${c.protocol}//${hostWithPort(c.hostname, c.port)}${c.path}${serializeQuery(c.query)}`;
}

/** True for AMP switches in the query: `?amp`, `?amp=1`, `?amp=true`, `?output=amp`. */
function isAmpParam(p: QueryPair): boolean {
  const value = p.raw.slice(p.name.length + 1).toLowerCase();
  const name = p.name.toLowerCase();
  if (name === 'amp') return value === '' || value === '1' || value === 'true';
  return name === 'output' && value === 'amp';
}

function stripHostVariant(hostname: string): string {
  for (const prefix of HOST_VARIANT_PREFIXES) {
    const rest = hostname.slice(prefix.length);
    // Keep the prefix when it is the registrable name itself (m.com, amp.dev).
    if (hostname.startsWith(prefix) && rest.includes('.')) return rest;
  }
  return hostname;
}

/** `/amp/…` (Al Arabiya, many WordPress AMP plugins) and `…/amp` both mark the AMP rendering. */
function stripAmpPath(path: string): string {
  let p = path;
  if (p === '/amp') return '/';
  if (p.startsWith('/amp/')) p = p.slice(4);
  if (p.endsWith('/amp')) p = p.slice(0, -4);
  return trimTrailingSlashes(p === '' ? '/' : p);
}

/**
 * Seen-index key: `host[:port]/path[?query]` of the canonical URL with http/https folded, one `www.`/`m.`/`mobile.`/
 * `amp.` host prefix dropped and AMP path or query markers removed, so the desktop, mobile and AMP renderings of
 * one article share one key.
 * @throws InvalidUrlError when the input does not parse or is not http(s).
 */
export function urlKey(input: string): string {
  const c = parseCanonical(input);
  const host = hostWithPort(stripHostVariant(c.hostname), c.port);
  return `${host}${stripAmpPath(c.path)}${serializeQuery(c.query.filter((p) => !isAmpParam(p)))}`;
}
