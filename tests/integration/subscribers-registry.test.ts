/** The subscriber registry on a real Redis: config sync, API-managed entries, secrets, disabling. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubscriberFilters, WebhookSubscriber } from '../../src/alerts/model.js';
import { ConfigError } from '../../src/config/yaml-file.js';
import { generateSecret, redact, SubscriberError, SubscriberRegistry } from '../../src/subscribers/registry.js';
import { secretProblem, type SubscriberEntry } from '../../src/subscribers/schema.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';

const ANY: SubscriberFilters = { milestones: [], bases: [], topics: [], languages: [], outlets: [] };
const EXPLICIT = generateSecret();

const hook = (id: string, extra: Partial<Extract<SubscriberEntry, { channel: 'webhook' }>> = {}): SubscriberEntry => ({
  id,
  channel: 'webhook',
  url: `https://hooks.example.org/${id}`,
  secret: null,
  filters: ANY,
  on: 'report',
  mode: 'immediate',
  digest: null,
  rateLimit: null,
  ...extra,
});
const mail = (id: string, extra: Partial<Extract<SubscriberEntry, { channel: 'email' }>> = {}): SubscriberEntry => ({
  id,
  channel: 'email',
  email: `${id}@example.org`,
  filters: ANY,
  on: 'report',
  mode: 'digest',
  digest: { every: 'day', at: '08:00', timezone: 'Asia/Baghdad' },
  rateLimit: null,
  ...extra,
});

let url: string;
let prefix: string;
const connections: Redis[] = [];

function registry(): SubscriberRegistry {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  connections.push(redis);
  return new SubscriberRegistry(redis, prefix);
}

async function secretOf(reg: SubscriberRegistry, id: string): Promise<string> {
  const s = await reg.get(id);
  if (s?.channel !== 'webhook') throw new Error(`${id} is not a webhook`);
  return s.secret;
}

beforeAll(() => {
  url = testRedisUrl();
  prefix = testPrefix('subscribers-registry');
});

afterAll(async () => {
  for (const c of connections) c.disconnect();
  if (url) await deleteKeys(url, prefix);
});

describe('SubscriberRegistry', () => {
  it('syncs config entries: adds, leaves unchanged ones alone, updates, removes', async () => {
    const reg = registry();
    const config = [hook('ops'), hook('fixed', { secret: EXPLICIT }), mail('desk')];
    expect(await reg.syncFromConfig(config)).toEqual({ added: ['ops', 'fixed', 'desk'], updated: [], removed: [] });
    const ops = (await reg.get('ops')) as WebhookSubscriber;
    expect(ops).toMatchObject({ id: 'ops', channel: 'webhook', managedBy: 'config', disabled: null });
    expect(secretProblem(ops.secret)).toBeNull();
    expect(Buffer.from(ops.secret.slice('whsec_'.length), 'base64').length).toBeGreaterThanOrEqual(24);
    expect(await secretOf(reg, 'fixed')).toBe(EXPLICIT);

    expect(await reg.syncFromConfig(config)).toEqual({ added: [], updated: [], removed: [] });
    const changed = [hook('ops'), hook('fixed', { secret: EXPLICIT }), mail('desk', { filters: { ...ANY, bases: ['harir'] } })];
    expect(await reg.syncFromConfig(changed)).toEqual({ added: [], updated: ['desk'], removed: [] });
    expect((await reg.get('desk'))?.filters.bases).toEqual(['harir']);

    expect(await reg.syncFromConfig([hook('ops'), hook('fixed', { secret: EXPLICIT })])).toEqual({ added: [], updated: [], removed: ['desk'] });
    expect(await reg.get('desk')).toBeNull();
  });

  it('keeps a generated secret across syncs and processes', async () => {
    const before = await secretOf(registry(), 'ops');
    const other = registry();
    await other.syncFromConfig([hook('ops'), hook('fixed', { secret: EXPLICIT })]);
    expect(await secretOf(other, 'ops')).toBe(before);
    // Other fields changing does not rotate it either.
    await other.syncFromConfig([hook('ops', { rateLimit: { max: 5, perSeconds: 3600 } }), hook('fixed', { secret: EXPLICIT })]);
    expect(await secretOf(other, 'ops')).toBe(before);
  });

  it('uses a secret the YAML gives, and does not keep it once the YAML drops it', async () => {
    const reg = registry();
    await reg.syncFromConfig([hook('ops', { secret: EXPLICIT }), hook('fixed')]);
    expect(await secretOf(reg, 'ops')).toBe(EXPLICIT);
    const generated = await secretOf(reg, 'fixed');
    expect(generated).not.toBe(EXPLICIT);
    expect(secretProblem(generated)).toBeNull();
  });

  it('two processes syncing a new entry at once agree on one secret', async () => {
    const [a, b] = [registry(), registry()];
    const entries = [hook('ops', { secret: EXPLICIT }), hook('fixed'), hook('racer')];
    const [ra, rb] = await Promise.all([a.syncFromConfig(entries), b.syncFromConfig(entries)]);
    expect([...ra.added, ...rb.added]).toEqual(['racer']);
    expect(await secretOf(a, 'racer')).toBe(await secretOf(b, 'racer'));
  });

  it('leaves API-managed subscribers to the API: syncs never touch them', async () => {
    const reg = registry();
    const added = (await reg.add(hook('cli-hook'))) as WebhookSubscriber;
    expect(added).toMatchObject({ managedBy: 'api', disabled: null });
    expect(secretProblem(added.secret)).toBeNull();
    await reg.add(mail('cli-desk', { mode: 'immediate', digest: null }));
    // `removed` comes in the registry hash's order, which Redis does not keep: compared sorted.
    const synced = await reg.syncFromConfig([hook('ops', { secret: EXPLICIT })]);
    expect({ ...synced, removed: [...synced.removed].sort() }).toEqual({ added: [], updated: [], removed: ['fixed', 'racer'] });
    expect(await reg.get('cli-hook')).toEqual(added);
    expect((await reg.list()).map((s) => [s.id, s.managedBy])).toEqual([
      ['cli-desk', 'api'],
      ['cli-hook', 'api'],
      ['ops', 'config'],
    ]);
  });

  it('refuses an id that exists, from the API or from the YAML', async () => {
    const reg = registry();
    await expect(reg.add(hook('ops'))).rejects.toMatchObject({ code: 'exists', message: expect.stringContaining('in subscribers.yaml') });
    await expect(reg.add(mail('cli-hook'))).rejects.toBeInstanceOf(SubscriberError);
    // A YAML entry taking an API subscriber's id is a configuration error, and nothing of that sync is written.
    const sync = reg.syncFromConfig([hook('ops', { secret: EXPLICIT }), mail('brand-new'), hook('cli-hook')], '/etc/marsad/subscribers.yaml');
    await expect(sync).rejects.toBeInstanceOf(ConfigError);
    await expect(sync).rejects.toMatchObject({ file: '/etc/marsad/subscribers.yaml', message: expect.stringContaining('marsad subscribers remove cli-hook') });
    expect(await reg.get('brand-new')).toBeNull();
    expect((await reg.get('cli-hook'))?.managedBy).toBe('api');
  });

  it('removes API-managed subscribers, refuses config-managed ones pointing at the YAML', async () => {
    const reg = registry();
    await expect(reg.remove('ops')).rejects.toMatchObject({ code: 'config-managed', message: expect.stringContaining('subscribers.yaml') });
    expect(await reg.get('ops')).not.toBeNull();
    await reg.remove('cli-desk');
    expect(await reg.get('cli-desk')).toBeNull();
    await expect(reg.remove('cli-desk')).rejects.toMatchObject({ code: 'unknown' });
  });

  it('disables and enables; a sync keeps the state unless the destination changed', async () => {
    const reg = registry();
    const disabled = await reg.disable('ops', 'webhook answered 410 Gone');
    expect(disabled.disabled).toMatchObject({ reason: 'webhook answered 410 Gone' });
    expect((await reg.disable('ops', 'later reason')).disabled).toEqual(disabled.disabled);
    expect(await reg.syncFromConfig([hook('ops', { secret: EXPLICIT })])).toEqual({ added: [], updated: [], removed: [] });
    expect((await reg.get('ops'))?.disabled).toEqual(disabled.disabled);
    expect((await reg.enable('ops')).disabled).toBeNull();

    await reg.disable('ops', 'webhook answered 410 Gone');
    await reg.syncFromConfig([hook('ops', { secret: EXPLICIT, url: 'https://new.example.org/hook' })]);
    expect(await reg.get('ops')).toMatchObject({ url: 'https://new.example.org/hook', disabled: null, secret: EXPLICIT });

    await reg.disable('cli-hook', 'mailbox full');
    expect((await reg.get('cli-hook'))?.disabled?.reason).toBe('mailbox full');
    await expect(reg.enable('nobody')).rejects.toMatchObject({ code: 'unknown' });
  });

  it('redacts secrets for display', async () => {
    const reg = registry();
    const all = await reg.list();
    const shown = JSON.stringify(all.map(redact));
    for (const s of all) {
      if (s.channel !== 'webhook') continue;
      expect(shown).not.toContain(s.secret);
      expect(redact(s)).toMatchObject({ secret: `whsec_…${s.secret.replace(/=+$/, '').slice(-4)}` });
    }
  });
});
