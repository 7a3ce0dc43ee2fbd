import { describe, expect, it } from 'vitest';
import { hashTagOf, isClusterUrl, parseClusterUrl, queuePrefix } from '../../src/redis/cluster.js';

describe('cluster URLs', () => {
  it.each([
    ['redis+cluster://h1:7000,h2:7001', { nodes: [{ host: 'h1', port: 7000 }, { host: 'h2', port: 7001 }], tls: false }],
    ['rediss+cluster://h1:7000', { nodes: [{ host: 'h1', port: 7000 }], tls: true }],
    ['REDIS+CLUSTER://h1/', { nodes: [{ host: 'h1', port: 6379 }], tls: false }],
    ['redis+cluster://[::1]:7000,127.0.0.1:7001/0', { nodes: [{ host: '::1', port: 7000 }, { host: '127.0.0.1', port: 7001 }], tls: false }],
    ['redis+cluster://ops:p%40ss:w@h1:7000', { nodes: [{ host: 'h1', port: 7000 }], username: 'ops', password: 'p@ss:w', tls: false }],
    ['redis+cluster://:secret@h1:7000', { nodes: [{ host: 'h1', port: 7000 }], password: 'secret', tls: false }],
    ['redis+cluster://secret@h1:7000', { nodes: [{ host: 'h1', port: 7000 }], password: 'secret', tls: false }],
    ['redis+cluster://ops:pa/ss@w@h1:7000', { nodes: [{ host: 'h1', port: 7000 }], username: 'ops', password: 'pa/ss@w', tls: false }],
  ])('%s', (url, expected) => {
    expect(isClusterUrl(url)).toBe(true);
    expect(parseClusterUrl(url)).toEqual(expected);
  });

  it('tells one server from a cluster', () => {
    for (const url of ['redis://127.0.0.1:6379', 'rediss://h:6380/2', 'redis+sentinel://h:26379']) expect(isClusterUrl(url)).toBe(false);
  });

  it.each([
    ['redis+cluster://', 'a host is missing'],
    ['redis+cluster://h1:7000,,h2:7001', 'a host is missing'],
    ['redis+cluster://h1:7000,', 'a host is missing'],
    ['redis+cluster://h1:99999', '"h1:99999" is not host:port'],
    ['redis+cluster://h1:port', '"h1:port" is not host:port'],
    ['redis+cluster://h1:7000/3', 'a cluster has only database 0'],
    ['redis+cluster://h1:7000?tls=true', 'marsad reads no options here'],
    ['redis+cluster://u:%zz@h1:7000', 'broken %-escape'],
    ['redis://h1:7000', 'does not start with redis+cluster://'],
  ])('%s: a one-line error saying what is wrong', (url, why) => {
    let message = '';
    try {
      parseClusterUrl(url);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(why);
    expect(message).toContain('expected e.g. redis+cluster://host1:6379,host2:6379');
    expect(message).not.toContain('\n');
  });

  it('masks the credentials in its errors, even a password with "/" or "@" in it', () => {
    expect(() => parseClusterUrl('redis+cluster://ops:pa/ss@w@h1:7000,')).toThrow('REDIS_URL=redis+cluster://***@h1:7000, ');
    expect(() => parseClusterUrl('redis+cluster://ops:pa/ss@w@h1:7000,')).not.toThrow(/pa\/ss|ss@w/);
    expect(() => parseClusterUrl('redis+cluster://ops:hunter2@h1:7000/5')).toThrow('REDIS_URL=redis+cluster://***@h1:7000/5 ');
    expect(() => parseClusterUrl('redis+cluster://ops:hunter2@h1:7000/5')).not.toThrow(/hunter2/);
  });
});

describe('queue prefixes', () => {
  it('are marsad\'s prefix, unchanged, on one server: existing keys stay where they are', () => {
    expect(queuePrefix('{marsad}', 'poll', false)).toBe('{marsad}');
    expect(queuePrefix('marsad', 'poll', false)).toBe('marsad');
  });

  it('give each queue a hash tag of its own on a cluster, apart from the store\'s', () => {
    expect(queuePrefix('{marsad}', 'poll', true)).toBe('{marsad:poll}');
    expect(queuePrefix('app{marsad}x', 'dedup', true)).toBe('app{marsad:dedup}x');
    expect(hashTagOf(`${queuePrefix('{marsad}', 'poll', true)}:poll:wait`)).toBe('marsad:poll');
    expect(hashTagOf(`${queuePrefix('{marsad}', 'fetch', true)}:fetch:wait`)).toBe('marsad:fetch');
    expect(hashTagOf('{marsad}:article:1')).toBe('marsad');
  });

  it('need a hash tag in marsad\'s prefix on a cluster, and say so', () => {
    expect(() => queuePrefix('marsad', 'poll', true)).toThrow('make redis.prefix (or MARSAD_PREFIX) "{marsad}" instead of "marsad"');
    expect(() => queuePrefix('{}marsad', 'poll', true)).toThrow('needs a hash tag');
  });
});

describe('hash tags', () => {
  it.each([
    ['{marsad}:doc:1', 'marsad'],
    ['a{b}c{d}', 'b'],
    ['{}{x}', null],
    ['{open', null],
    ['plain', null],
  ])('%s -> %s', (key, tag) => expect(hashTagOf(key)).toBe(tag));
});
