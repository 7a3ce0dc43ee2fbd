// Redis Cluster addressing, I/O-free: the cluster URL and the key prefixes that keep marsad's atomic
// operations in one slot each.
import { maskUrl, NoRedisError } from './errors.js';

export interface ClusterAddress {
  /** The seed nodes; the client learns the others (and the slot map) from them. */
  nodes: { host: string; port: number }[];
  username?: string;
  password?: string;
  tls: boolean;
}

const CLUSTER_SCHEMES = { 'redis+cluster:': false, 'rediss+cluster:': true } as const;

const EXAMPLE = 'expected e.g. redis+cluster://host1:6379,host2:6379 (rediss+cluster:// for TLS, user:password@ before the hosts)';

/** Whether the URL names a Redis Cluster (redis+cluster:// or rediss+cluster://) rather than one server. */
export function isClusterUrl(url: string): boolean {
  return /^rediss?\+cluster:\/\//i.test(url.trim());
}

/**
 * The seed nodes and credentials of a `redis+cluster://[user[:password]@]host:port,host:port…` URL
 * (`rediss+cluster://` for TLS; a port defaults to 6379, IPv6 hosts in brackets). Throws a NoRedisError,
 * with the credentials masked, for anything else: a cluster has one database, and no query options are read.
 */
export function parseClusterUrl(url: string): ClusterAddress {
  const bad = (why: string) => new NoRedisError(`REDIS_URL=${maskUrl(url)} is not a Redis Cluster URL: ${why} (${EXAMPLE})`);
  // Credentials run to the last "@" (a password may hold "/" or "@"), as maskUrl hides them.
  const match = /^([a-z+]+:)\/\/(?:(.*)@)?([^@/?#]*)(.*)$/i.exec(url.trim());
  const scheme = match?.[1]?.toLowerCase();
  if (!match || !scheme || !(scheme in CLUSTER_SCHEMES)) throw bad('it does not start with redis+cluster:// or rediss+cluster://');
  const [, , credentials, hostList = '', rest = ''] = match;
  if (rest !== '' && rest !== '/' && rest !== '/0') throw bad(`"${rest}" after the hosts (a cluster has only database 0 and marsad reads no options here)`);
  const hosts = hostList.split(',').map((h) => h.trim());
  if (hosts.length === 0 || hosts.some((h) => h === '')) throw bad('a host is missing (hosts are separated by single commas)');
  const nodes = hosts.map((h) => {
    const node = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+))(?::(\d+))?$/i.exec(h);
    const port = node?.[3] === undefined ? 6379 : Number(node[3]);
    if (!node || !Number.isInteger(port) || port < 1 || port > 65535) throw bad(`"${h}" is not host:port`);
    return { host: node[1] ?? node[2]!, port };
  });
  const address: ClusterAddress = { nodes, tls: CLUSTER_SCHEMES[scheme as keyof typeof CLUSTER_SCHEMES] };
  if (credentials !== undefined) {
    const colon = credentials.indexOf(':');
    const [user, password] = colon < 0 ? [credentials, undefined] : [credentials.slice(0, colon), credentials.slice(colon + 1)];
    try {
      // As in redis:// URLs: a user alone is the password of the default user (Redis before ACLs).
      if (password === undefined) address.password = decodeURIComponent(user);
      else {
        if (user !== '') address.username = decodeURIComponent(user);
        address.password = decodeURIComponent(password);
      }
    } catch {
      throw bad('the credentials have a broken %-escape');
    }
  }
  return address;
}

/** The hash tag of a key or prefix: what Redis Cluster hashes instead of the whole key, when there is one. */
export function hashTagOf(key: string): string | null {
  const open = key.indexOf('{');
  if (open < 0) return null;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : null;
}

/**
 * The key prefix of one BullMQ queue. On a single Redis it is marsad's prefix, unchanged (queue names are
 * in every existing key). On a cluster each queue gets a hash tag of its own, as BullMQ advises for
 * several queues: `{marsad}` becomes `{marsad:poll}` for the poll queue, so each queue's keys stay in one
 * slot (BullMQ's scripts need that) while the queues spread over the shards, apart from the store's
 * `{marsad}` slot. On a cluster the prefix must carry a hash tag: the store's scripts need one slot too.
 */
export function queuePrefix(prefix: string, queueName: string, cluster: boolean): string {
  if (!cluster) return prefix;
  const tag = clusterHashTag(prefix);
  const at = prefix.indexOf(`{${tag}}`);
  return `${prefix.slice(0, at)}{${tag}:${queueName}}${prefix.slice(at + tag.length + 2)}`;
}

/** The prefix's hash tag, which a cluster needs (the store's multi-key scripts run in its one slot); a NoRedisError saying how to add one when it has none. */
export function clusterHashTag(prefix: string): string {
  const tag = hashTagOf(prefix);
  if (tag === null) {
    throw new NoRedisError(`REDIS_URL names a Redis Cluster, where the key prefix needs a hash tag in braces: make redis.prefix (or MARSAD_PREFIX) "{${prefix}}" instead of "${prefix}"`);
  }
  return tag;
}
