import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { FetchError } from './errors.js';

/**
 * Which addresses marsad may connect to. Everything that is not global unicast is refused: a feed or an
 * article link must never make a worker talk to its own machine, its LAN or its cloud's metadata service.
 */

/** Ranges that `allowPrivateNetworks` opens, for local setups and tests. Link-local stays shut (cloud metadata). */
const PRIVATE_RANGES: ReadonlySet<string> = new Set(['loopback', 'private', 'carrierGradeNat', 'uniqueLocal']);

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

/**
 * What to add to a refusal: loopback and LAN addresses are refused only because private networks are shut by
 * default, and an operator testing a local feed or webhook needs to know the switch exists.
 */
export function privateNetworkHint(range: string): string {
  return PRIVATE_RANGES.has(range) ? '; private and loopback addresses are refused unless MARSAD_ALLOW_PRIVATE_NETWORKS=true (or fetch.allowPrivateNetworks: true in settings.yaml)' : '';
}

export type AddressVerdict = { allowed: true } | { allowed: false; range: string };

/** The range an address belongs to, judging IPv6 forms that embed an IPv4 address by that IPv4 address. */
function rangeOf(addr: ipaddr.IPv4 | ipaddr.IPv6): string {
  if (addr.kind() === 'ipv4') return addr.range();
  const v6 = addr as ipaddr.IPv6;
  const range = v6.range();
  const bytes = v6.toByteArray();
  switch (range) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d
      return rangeOf(new ipaddr.IPv4(bytes.slice(12)));
    case 'rfc6052':
      // 64:ff9b::/96 carries the IPv4 address in its last 32 bits; the local-use 64:ff9b:1::/48 may put it
      // anywhere, so it is not judged and stays refused.
      return v6.match(NAT64_WELL_KNOWN) ? rangeOf(new ipaddr.IPv4(bytes.slice(12))) : range;
    case '6to4': // 2002:aabb:ccdd::/48 routes to a.b.c.d
      return rangeOf(new ipaddr.IPv4(bytes.slice(2, 6)));
    default:
      // ipaddr.js calls everything it has no name for "unicast" (the deprecated IPv4-compatible ::7f00:1 too);
      // only 2000::/3 is assigned for global unicast.
      return range === 'unicast' && !v6.match(GLOBAL_UNICAST_V6) ? 'unassigned' : range;
  }
}

/** Whether an IP address (as DNS or a URL gives it) may be contacted. */
export function checkAddress(address: string, allowPrivateNetworks: boolean): AddressVerdict {
  const bare = address.replace(/^\[|\]$/g, '');
  // net.isIP is strict; ipaddr.parse alone would also read "127.1" or "0x7f.1" as addresses.
  if (net.isIP(bare) === 0) return { allowed: false, range: 'invalid' };
  const range = rangeOf(ipaddr.parse(bare));
  if (range === 'unicast' || (allowPrivateNetworks && PRIVATE_RANGES.has(range))) return { allowed: true };
  return { allowed: false, range };
}

/**
 * Parses and checks a URL before any connection: the scheme, and the host when it is an IP literal (those
 * never reach the connect-time lookup, so this is where they are judged). Throws a permanent FetchError.
 */
export function checkUrl(url: string | URL, allowPrivateNetworks: boolean): URL {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    throw new FetchError('invalid-url', String(url), `not a URL: ${String(url).slice(0, 200)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new FetchError('bad-scheme', parsed.href, `only http and https are fetched, not ${parsed.protocol}`);
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host) !== 0) {
    const verdict = checkAddress(host, allowPrivateNetworks);
    if (!verdict.allowed) {
      throw new FetchError('blocked-address', parsed.href, `refusing to connect to ${host} (${verdict.range})${privateNetworkHint(verdict.range)}`);
    }
  }
  return parsed;
}

/** Raised inside the connect-time lookup; the client turns it into a FetchError for the request's URL. */
export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError';
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(`${hostname} resolves to ${address} (${range}), which marsad does not contact${privateNetworkHint(range)}`);
  }
}

/**
 * A `net` lookup that resolves and drops refused addresses. Because the socket connects to exactly what this
 * returns, the address checked is the address connected to (no DNS-rebinding window between check and use).
 */
export function guardedLookup(allowPrivateNetworks: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      let refused: { address: string; range: string } | undefined;
      const allowed = addresses.filter((a) => {
        const verdict = checkAddress(a.address, allowPrivateNetworks);
        if (!verdict.allowed) refused ??= { address: a.address, range: verdict.range };
        return verdict.allowed;
      });
      const first = allowed[0];
      if (!first) {
        return callback(new BlockedAddressError(hostname, refused?.address ?? '', refused?.range ?? 'none'), '');
      }
      if (options.all) callback(null, allowed);
      else callback(null, first.address, first.family);
    });
  };
}
