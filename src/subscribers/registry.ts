import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { EmailSubscriber, Subscriber, WebhookSubscriber } from '../alerts/model.js';
import { ConfigError } from '../config/yaml-file.js';
import { maskUrlSecrets } from './mask-url.js';
import { SECRET_PREFIX, type SubscriberEntry } from './schema.js';

/** A fresh Standard Webhooks secret: `whsec_` + 32 random bytes, base64. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** For display: enough of a secret to tell two apart (its last 4 characters before base64 padding), never enough to sign with. */
export function maskSecret(secret: string): string {
  return `${SECRET_PREFIX}…${secret.replace(/=+$/, '').slice(-4)}`;
}

/**
 * A subscriber fit for output and logs: a webhook's `secret` is masked (`whsec_…abcd`), and so are the
 * credentials in its URL (userinfo, secret-looking query values: see maskUrlSecrets).
 */
export type RedactedSubscriber = EmailSubscriber | (Omit<WebhookSubscriber, 'secret'> & { secret: string });

export function redact(subscriber: Subscriber): RedactedSubscriber {
  return subscriber.channel === 'webhook' ? { ...subscriber, url: maskUrlSecrets(subscriber.url), secret: maskSecret(subscriber.secret) } : subscriber;
}

export class SubscriberError extends Error {
  override name = 'SubscriberError';
  constructor(
    readonly code: 'unknown' | 'exists' | 'config-managed',
    message: string,
  ) {
    super(message);
  }
}

export interface SyncResult {
  added: string[];
  updated: string[];
  removed: string[];
}

/** What Redis holds: whether a webhook's secret was generated decides whether a config sync may keep it. */
type Stored = (WebhookSubscriber & { secretGenerated: boolean }) | EmailSubscriber;

// KEYS[1] the subscribers hash; ARGV[1] id, ARGV[2] '1' when a value is expected, ARGV[3] that value,
// ARGV[4] '1' to set ARGV[5] (else delete). Compare-and-set: 0 when someone else changed the entry first.
const CAS_LUA = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[2] == '1' then
  if cur ~= ARGV[3] then return 0 end
elseif cur then
  return 0
end
if ARGV[4] == '1' then redis.call('HSET', KEYS[1], ARGV[1], ARGV[5]) else redis.call('HDEL', KEYS[1], ARGV[1]) end
return 1
`;

interface CasCommands {
  marsadSubscriberCas(key: string, id: string, expect: '0' | '1', expected: string, set: '0' | '1', value: string): Promise<number>;
}

/** Bound on compare-and-set retries: only other processes writing the same entry at once make one fail. */
const MAX_CAS_ATTEMPTS = 16;

/**
 * The subscribers every worker reads, in one Redis hash (id → JSON, secret included: secrets live in Redis
 * only, never in job data). Entries come from config/subscribers.yaml (`managedBy: 'config'`, replaced by
 * each sync) or from the CLI/API (`managedBy: 'api'`, which syncs never touch). Every write is a
 * compare-and-set on one entry, so several processes syncing at start, or a worker disabling a subscriber
 * while the CLI edits it, never lose each other's changes.
 */
export class SubscriberRegistry {
  private readonly key: string;
  private readonly commands: CasCommands;

  /** `prefix` carries a hash tag (e.g. "{marsad}"), like every marsad key. */
  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:subscribers`;
    if (!('marsadSubscriberCas' in redis)) redis.defineCommand('marsadSubscriberCas', { numberOfKeys: 1, lua: CAS_LUA });
    this.commands = redis as unknown as CasCommands;
  }

  /**
   * Makes the config-managed subscribers those of `entries`: new ones added, changed ones updated, those no
   * longer listed removed. A webhook without a secret keeps the one generated for it earlier; a destination
   * change (URL or address) clears `disabled`, which was about the old one. An entry whose id an API-managed
   * subscriber holds is a configuration error, raised before anything is written.
   */
  async syncFromConfig(entries: readonly SubscriberEntry[], file = 'subscribers.yaml'): Promise<SyncResult> {
    const current = await this.readAll();
    const clashes = entries.filter((e) => current.get(e.id)?.managedBy === 'api');
    if (clashes.length > 0) {
      throw new ConfigError(
        file,
        clashes.map((e) => `subscriber "${e.id}" was added with \`marsad subscribers add\`: rename the YAML entry, or \`marsad subscribers remove ${e.id}\` first`),
      );
    }
    const result: SyncResult = { added: [], updated: [], removed: [] };
    for (const entry of entries) {
      const { before, changed } = await this.update(entry.id, (existing) => {
        if (existing?.managedBy === 'api') throw new ConfigError(file, [`subscriber "${entry.id}" was just added with \`marsad subscribers add\`: rename the YAML entry`]);
        return fromEntry(entry, 'config', existing);
      });
      if (before === null) result.added.push(entry.id);
      else if (changed) result.updated.push(entry.id);
    }
    const listed = new Set(entries.map((e) => e.id));
    for (const [id, stored] of current) {
      if (stored.managedBy !== 'config' || listed.has(id)) continue;
      const { changed } = await this.update(id, (existing) => (existing?.managedBy === 'config' ? null : existing));
      if (changed) result.removed.push(id);
    }
    return result;
  }

  /** Every subscriber, by id, secrets included: pass each through `redact` before showing it. */
  async list(): Promise<Subscriber[]> {
    return [...(await this.readAll()).values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(publicView);
  }

  async get(id: string): Promise<Subscriber | null> {
    const raw = await this.redis.hget(this.key, id);
    return raw === null ? null : publicView(parseStored(raw));
  }

  /** Adds an API-managed subscriber (a webhook without a secret gets a generated one, returned here once). */
  async add(input: SubscriberEntry): Promise<Subscriber> {
    const { after } = await this.update(input.id, (existing) => {
      if (existing) throw new SubscriberError('exists', `subscriber "${input.id}" exists already (${existing.managedBy === 'config' ? 'in subscribers.yaml' : 'added with the CLI'}): choose another id`);
      return fromEntry(input, 'api', null);
    });
    return publicView(after!);
  }

  /** Removes an API-managed subscriber; config-managed ones are removed by editing the YAML. */
  async remove(id: string): Promise<void> {
    await this.update(id, (existing) => {
      if (!existing) throw unknown(id);
      if (existing.managedBy === 'config') {
        throw new SubscriberError('config-managed', `subscriber "${id}" is defined in subscribers.yaml: delete it there, and marsad drops it at the next sync (start, or \`marsad subscribers list\`)`);
      }
      return null;
    });
  }

  /** Stops deliveries to a subscriber; when it is already disabled the first reason stays. */
  async disable(id: string, reason: string): Promise<Subscriber> {
    const { after } = await this.update(id, (existing) => {
      if (!existing) throw unknown(id);
      return existing.disabled ? existing : { ...existing, disabled: { at: new Date().toISOString(), reason } };
    });
    return publicView(after!);
  }

  async enable(id: string): Promise<Subscriber> {
    const { after } = await this.update(id, (existing) => {
      if (!existing) throw unknown(id);
      return { ...existing, disabled: null };
    });
    return publicView(after!);
  }

  private async readAll(): Promise<Map<string, Stored>> {
    const all = await this.redis.hgetall(this.key);
    return new Map(Object.entries(all).map(([id, raw]) => [id, parseStored(raw)]));
  }

  /** Applies `change` (null: delete) to one entry with compare-and-set, re-reading when another process got there first. */
  private async update(id: string, change: (existing: Stored | null) => Stored | null): Promise<{ before: Stored | null; after: Stored | null; changed: boolean }> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const raw = await this.redis.hget(this.key, id);
      const before = raw === null ? null : (parseStored(raw));
      const after = change(before);
      const next = after === null ? null : serialize(after);
      if (next === raw) return { before, after, changed: false };
      const ok = await this.commands.marsadSubscriberCas(this.key, id, raw === null ? '0' : '1', raw ?? '', next === null ? '0' : '1', next ?? '');
      if (ok === 1) return { before, after, changed: true };
    }
    throw new Error(`subscriber "${id}" kept changing under ${MAX_CAS_ATTEMPTS} attempts to update it`);
  }
}

function unknown(id: string): SubscriberError {
  return new SubscriberError('unknown', `no subscriber "${id}" (\`marsad subscribers list\` shows them)`);
}

function fromEntry(entry: SubscriberEntry, managedBy: Subscriber['managedBy'], existing: Stored | null): Stored {
  const sameDestination =
    existing !== null &&
    (entry.channel === 'webhook' ? existing.channel === 'webhook' && existing.url === entry.url : existing.channel === 'email' && existing.email === entry.email);
  const common = {
    id: entry.id,
    filters: entry.filters,
    on: entry.on,
    mode: entry.mode,
    digest: entry.digest,
    rateLimit: entry.rateLimit,
    managedBy,
    disabled: sameDestination ? existing.disabled : null,
  };
  if (entry.channel === 'email') return { ...common, channel: 'email', email: entry.email };
  if (entry.secret !== null) return { ...common, channel: 'webhook', url: entry.url, secret: entry.secret, secretGenerated: false };
  // Keep a generated secret (receivers were given it); a secret that came from the YAML is not reused once removed there.
  const kept = existing?.channel === 'webhook' && existing.secretGenerated ? existing.secret : null;
  return { ...common, channel: 'webhook', url: entry.url, secret: kept ?? generateSecret(), secretGenerated: true };
}

/** Fixed key order, so that an unchanged entry serializes to the same string and a sync writes nothing. */
function serialize(s: Stored): string {
  const common = { id: s.id, channel: s.channel };
  const rest = {
    filters: { milestones: s.filters.milestones, bases: s.filters.bases, topics: s.filters.topics, languages: s.filters.languages, outlets: s.filters.outlets },
    on: s.on ?? 'report',
    mode: s.mode,
    digest: s.digest === null ? null : s.digest.every === 'hour' ? { every: 'hour' } : { every: 'day', at: s.digest.at, timezone: s.digest.timezone },
    rateLimit: s.rateLimit === null ? null : { max: s.rateLimit.max, perSeconds: s.rateLimit.perSeconds },
    managedBy: s.managedBy,
    disabled: s.disabled === null ? null : { at: s.disabled.at, reason: s.disabled.reason },
  };
  return JSON.stringify(s.channel === 'webhook' ? { ...common, url: s.url, secret: s.secret, secretGenerated: s.secretGenerated, ...rest } : { ...common, email: s.email, ...rest });
}

/** Subscribers stored before `on` existed get its default: every report, as they always had. */
function parseStored(raw: string): Stored {
  const s = JSON.parse(raw) as Stored;
  return { ...s, on: s.on ?? 'report' };
}

function publicView(s: Stored): Subscriber {
  if (s.channel === 'email') return s;
  const { secretGenerated: _, ...subscriber } = s;
  return subscriber;
}
