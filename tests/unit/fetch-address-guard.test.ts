import { describe, expect, it } from 'vitest';
import { checkAddress, checkUrl } from '../../src/fetch/address-guard.js';
import { FetchError, isPermanent, parseRetryAfter } from '../../src/fetch/errors.js';

describe('checkAddress', () => {
  // [address, range when refused (null: allowed), allowed when allowPrivateNetworks is on]
  const table: [string, string | null, boolean][] = [
    ['93.184.215.14', null, true],
    ['8.8.8.8', null, true],
    ['2606:4700:4700::1111', null, true],
    ['127.0.0.1', 'loopback', true],
    ['127.255.255.254', 'loopback', true],
    ['10.1.2.3', 'private', true],
    ['172.16.0.1', 'private', true],
    ['172.31.255.255', 'private', true],
    ['172.32.0.1', null, true],
    ['192.168.1.1', 'private', true],
    ['100.64.0.1', 'carrierGradeNat', true],
    ['100.127.255.255', 'carrierGradeNat', true],
    ['169.254.169.254', 'linkLocal', false],
    ['0.0.0.0', 'unspecified', false],
    ['0.1.2.3', 'unspecified', false],
    ['255.255.255.255', 'broadcast', false],
    ['224.0.0.1', 'multicast', false],
    ['239.255.255.250', 'multicast', false],
    ['192.0.2.1', 'reserved', false],
    ['198.18.0.1', 'reserved', false],
    ['198.51.100.7', 'reserved', false],
    ['203.0.113.9', 'reserved', false],
    ['240.0.0.1', 'reserved', false],
    ['::1', 'loopback', true],
    ['::', 'unspecified', false],
    ['fc00::1', 'uniqueLocal', true],
    ['fd12:3456::1', 'uniqueLocal', true],
    ['fe80::1', 'linkLocal', false],
    ['fe80::1%eth0', 'linkLocal', false],
    ['ff02::1', 'multicast', false],
    ['2001:db8::1', 'reserved', false],
    // IPv4-mapped and -translated IPv6: judged by the IPv4 address inside.
    ['::ffff:127.0.0.1', 'loopback', true],
    ['::ffff:7f00:1', 'loopback', true],
    ['::ffff:10.0.0.1', 'private', true],
    ['::ffff:169.254.169.254', 'linkLocal', false],
    ['::ffff:8.8.8.8', null, true],
    ['::ffff:0:127.0.0.1', 'loopback', true],
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) embed an IPv4 address too.
    ['64:ff9b::127.0.0.1', 'loopback', true],
    ['64:ff9b::8.8.8.8', null, true],
    ['64:ff9b:1::1', 'rfc6052', false],
    ['2002:c0a8:0101::1', 'private', true],
    ['2002:0808:0808::1', null, true],
    ['2001::1', 'teredo', false],
    // The deprecated IPv4-compatible form: ipaddr.js reads the dotted spelling as IPv4-mapped; the hex one
    // falls outside 2000::/3 like the rest of the unassigned space.
    ['::127.0.0.1', 'loopback', true],
    ['::7f00:1', 'unassigned', false],
    ['4000::1', 'unassigned', false],
    ['100::1', 'discard', false],
    // Not addresses at all (the URL parser normalizes "127.1" before it gets here).
    ['127.1', 'invalid', false],
    ['localhost', 'invalid', false],
    ['', 'invalid', false],
  ];

  it.each(table)('%s', (address, range, allowedWhenPrivateAllowed) => {
    expect(checkAddress(address, false)).toEqual(range === null ? { allowed: true } : { allowed: false, range });
    expect(checkAddress(address, true).allowed).toBe(allowedWhenPrivateAllowed);
  });
});

describe('checkUrl', () => {
  const reasonOf = (url: string, allowPrivate = false): string | null => {
    try {
      checkUrl(url, allowPrivate);
      return null;
    } catch (err) {
      return err instanceof FetchError ? err.reason : 'not a FetchError';
    }
  };

  it.each([
    ['https://example.com/a', null],
    ['http://example.com:8080/a', null],
    ['ftp://example.com/file', 'bad-scheme'],
    ['file:///etc/passwd', 'bad-scheme'],
    ['gopher://127.0.0.1:6379/_INFO', 'bad-scheme'],
    ['javascript:alert(1)', 'bad-scheme'],
    ['not a url', 'invalid-url'],
    ['http://127.0.0.1/', 'blocked-address'],
    // The WHATWG parser turns these spellings of 127.0.0.1 into 127.0.0.1 before the check.
    ['http://2130706433/', 'blocked-address'],
    ['http://0x7f.1/', 'blocked-address'],
    ['http://127.1/', 'blocked-address'],
    ['http://[::1]/', 'blocked-address'],
    ['http://[::ffff:127.0.0.1]/', 'blocked-address'],
    ['http://[::ffff:169.254.169.254]/latest/meta-data', 'blocked-address'],
    ['http://0.0.0.0:8080/', 'blocked-address'],
    // Names are judged at connect time, on the address they resolve to.
    ['http://localhost/', null],
  ])('%s', (url, reason) => {
    expect(reasonOf(url)).toBe(reason);
  });

  it('names MARSAD_ALLOW_PRIVATE_NETWORKS when it refuses a loopback or private address, not a link-local one', () => {
    expect(() => checkUrl('http://127.0.0.1:8081/feed.xml', false)).toThrow(/MARSAD_ALLOW_PRIVATE_NETWORKS=true/);
    expect(() => checkUrl('http://10.0.0.5/', false)).toThrow(/MARSAD_ALLOW_PRIVATE_NETWORKS/);
    expect(() => checkUrl('http://169.254.169.254/', true)).not.toThrow(/MARSAD_ALLOW_PRIVATE_NETWORKS/);
  });

  it('lets loopback through only with allowPrivateNetworks, and never the unspecified address', () => {
    expect(reasonOf('http://127.0.0.1/', true)).toBeNull();
    expect(reasonOf('http://[::ffff:127.0.0.1]/', true)).toBeNull();
    expect(reasonOf('http://0.0.0.0/', true)).toBe('blocked-address');
  });
});

describe('FetchError', () => {
  it.each([
    [404, 'permanent'],
    [410, 'permanent'],
    [400, 'permanent'],
    [401, 'permanent'],
    [403, 'permanent'],
    [451, 'permanent'],
    [408, 'transient'],
    [429, 'transient'],
    [500, 'transient'],
    [503, 'transient'],
  ])('HTTP %i is %s', (status, kind) => {
    const err = new FetchError('http-status', 'https://example.com/', `HTTP ${status}`, { status });
    expect(err.kind).toBe(kind);
    expect(isPermanent(err)).toBe(kind === 'permanent');
  });

  it.each([
    ['timeout', 'transient'],
    ['connect-timeout', 'transient'],
    ['dns', 'transient'],
    ['connection', 'transient'],
    ['blocked-address', 'permanent'],
    ['bad-scheme', 'permanent'],
    ['too-large', 'permanent'],
    ['too-many-redirects', 'permanent'],
    ['redirect-loop', 'permanent'],
  ] as const)('%s is %s', (reason, kind) => {
    expect(new FetchError(reason, 'https://example.com/', reason).kind).toBe(kind);
  });

  it('treats unknown errors as worth a retry', () => {
    expect(isPermanent(new Error('boom'))).toBe(false);
    expect(isPermanent('boom')).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-09-01T12:00:00Z');
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Mon, 01 Sep 2025 12:00:30 GMT', 30_000],
    ['Monday, 01-Sep-25 12:01:00 GMT', 60_000],
    ['Mon, 01 Sep 2025 11:00:00 GMT', 0],
    ['-5', undefined],
    ['1.5', undefined],
    ['2025-09-01T12:00:30Z', undefined],
    ['soon', undefined],
    [undefined, undefined],
  ])('%s', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});
