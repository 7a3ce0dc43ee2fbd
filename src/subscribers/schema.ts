// Schema for config/subscribers.yaml. Pure apart from `secret_file:`, read while parsing so that a missing or
// malformed secret file is reported at its line like any other mistake.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { HttpUrl, kebabId } from '../config/schema-parts.js';
import type { AlertOn, DigestSchedule, SubscriberFilters } from '../alerts/model.js';
import { readYamlConfig } from '../config/yaml-file.js';

const Id = kebabId('ops-webhook');


export const SECRET_PREFIX = 'whsec_';
/** The Standard Webhooks minimum we hold secrets to: 24 random bytes. */
export const MIN_SECRET_BYTES = 24;
const SECRET_HINT = `\`whsec_\` followed by at least ${MIN_SECRET_BYTES} base64-encoded bytes (e.g. "whsec_$(openssl rand -base64 32)"), or leave it out and marsad generates one`;

/** Why a secret is unusable for Standard Webhooks signing, or null when it is fine. */
export function secretProblem(secret: string): string | null {
  if (!secret.startsWith(SECRET_PREFIX)) return `must start with "${SECRET_PREFIX}": ${SECRET_HINT}`;
  const key = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || key.length % 4 !== 0) return `is not base64 after "${SECRET_PREFIX}": ${SECRET_HINT}`;
  if (Buffer.from(key, 'base64').length < MIN_SECRET_BYTES) return `is too short: ${SECRET_HINT}`;
  return null;
}

const Secret = z.string({ error: 'must be a string' }).superRefine((s, ctx) => {
  const problem = secretProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** A zone Intl knows (IANA names such as "Asia/Baghdad", or "UTC"). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const Digest = z.discriminatedUnion(
  'every',
  [
    z.strictObject({ every: z.literal('hour') }),
    z.strictObject({
      every: z.literal('day'),
      at: z.string({ error: 'must be a time "HH:MM" (quote it in YAML: at: "08:00")' }).regex(HHMM, 'must be a 24-hour time "HH:MM", e.g. "08:00"'),
      /** UTC when absent, like the CLI's `daily@HH:MM`. */
      timezone: z
        .string({ error: 'must be an IANA time zone such as "Asia/Baghdad"' })
        .refine(isTimeZone, { message: 'is not an IANA time zone this Node.js knows, e.g. "Asia/Baghdad", "Europe/Berlin" or "UTC"' })
        .default('UTC'),
    }),
  ],
  { error: 'must be { every: hour } or { every: day, at: "HH:MM", timezone: ZONE }' },
);

const DURATION = /^([1-9]\d*)(s|m|h|d)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

const RateLimit = z
  .strictObject({
    max: z.number({ error: 'must be a whole number of messages' }).int('must be a whole number').min(1, 'must be at least 1'),
    per: z
      .string({ error: 'must be a duration such as "30m", "1h" or "1d"' })
      .regex(DURATION, 'must be a whole number of s, m, h or d, e.g. "1h"')
      .transform((s) => {
        const [, n, unit] = DURATION.exec(s)!;
        return Number(n) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS];
      }),
  })
  .transform((r) => ({ max: r.max, perSeconds: r.per }));

const IdList = z.array(Id, { error: 'must be a list of ids' }).nullable().default([]);

/** Empty or absent lists mean "any". */
const Filters = z
  .strictObject({
    milestones: IdList,
    bases: IdList,
    topics: IdList,
    languages: z.array(z.enum(['ar', 'en'], { error: 'must be "ar" or "en"' }), { error: 'must be a list of "ar" / "en"' }).nullable().default([]),
    /** Outlet names as articles credit them ("Erem News") or their slugs ("erem-news"): see match.ts. */
    outlets: z.array(z.string().trim().min(1, 'must not be empty'), { error: 'must be a list of outlet names' }).nullable().default([]),
  })
  .transform(
    (f): SubscriberFilters => ({
      milestones: f.milestones ?? [],
      bases: f.bases ?? [],
      topics: f.topics ?? [],
      languages: f.languages ?? [],
      outlets: f.outlets ?? [],
    }),
  );

interface EntryBase {
  id: string;
  filters: SubscriberFilters;
  on: AlertOn;
  mode: 'immediate' | 'digest';
  digest: DigestSchedule | null;
  rateLimit: { max: number; perSeconds: number } | null;
}

/** A subscriber as an operator defines it (YAML or CLI); the registry adds `managedBy`, `disabled` and, when null, the secret. */
export type SubscriberEntry =
  | (EntryBase & { channel: 'webhook'; url: string; secret: string | null })
  | (EntryBase & { channel: 'email'; email: string });

export interface SubscriberSchemaOptions {
  /** Folder that relative `secret_file:` paths start from (the YAML file's own folder). */
  baseDir?: string;
}

export function subscriberEntrySchema({ baseDir = process.cwd() }: SubscriberSchemaOptions = {}) {
  return z
    .strictObject({
      id: Id,
      channel: z.enum(['webhook', 'email'], { error: 'must be "webhook" or "email"' }),
      url: HttpUrl.optional(),
      secret: Secret.optional(),
      /** For Docker secrets: a file holding the secret (surrounding whitespace ignored). */
      secret_file: z.string().trim().min(1, 'must name a file').optional(),
      email: z.email({ error: 'must be an email address such as ops@example.org' }).optional(),
      filters: Filters.prefault({}),
      /** `report`: every new report of a tracked milestone; `status`: only when its assessed status changes. */
      on: z.enum(['report', 'status'], { error: 'must be "report" (every new report) or "status" (only when a milestone\'s status changes)' }).default('report'),
      mode: z.enum(['immediate', 'digest'], { error: 'must be "immediate" or "digest"' }).default('immediate'),
      digest: Digest.optional(),
      rate_limit: RateLimit.optional(),
    })
    .superRefine((e, ctx) => {
      const issue = (key: string, message: string) => ctx.addIssue({ code: 'custom', path: [key], message });
      if (e.channel === 'webhook') {
        if (e.url === undefined) issue('channel', 'a webhook needs `url:`');
        if (e.email !== undefined) issue('email', '`email` is for channel: email; a webhook has `url`');
        if (e.secret !== undefined && e.secret_file !== undefined) issue('secret_file', 'give `secret` or `secret_file`, not both');
      } else {
        if (e.email === undefined) issue('channel', 'an email subscriber needs `email:`');
        for (const key of ['url', 'secret', 'secret_file'] as const) {
          if (e[key] !== undefined) issue(key, `\`${key}\` is for channel: webhook; an email subscriber has \`email\``);
        }
      }
      if (e.mode === 'digest' && e.digest === undefined) issue('mode', 'digest mode needs `digest: { every: hour }` or `digest: { every: day, at: "08:00", timezone: "Asia/Baghdad" }`');
      if (e.mode === 'immediate' && e.digest !== undefined) issue('digest', '`digest` is only for `mode: digest`: set the mode, or remove `digest`');
    })
    .transform((e, ctx): SubscriberEntry => {
      const base: EntryBase = {
        id: e.id,
        filters: e.filters,
        on: e.on,
        mode: e.mode,
        digest: e.digest ?? null,
        rateLimit: e.rate_limit ?? null,
      };
      if (e.channel === 'email') return { ...base, channel: 'email', email: e.email! };
      let secret = e.secret ?? null;
      if (e.secret_file !== undefined) {
        const file = path.resolve(baseDir, e.secret_file);
        try {
          secret = readFileSync(file, 'utf8').trim();
        } catch (err) {
          ctx.addIssue({ code: 'custom', path: ['secret_file'], message: `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})` });
          return z.NEVER;
        }
        const problem = secretProblem(secret);
        if (problem) {
          // The secret itself is never quoted back: messages end up in logs.
          ctx.addIssue({ code: 'custom', path: ['secret_file'], message: `the secret in ${file} ${problem}` });
          return z.NEVER;
        }
      }
      return { ...base, channel: 'webhook', url: e.url!, secret };
    });
}

export function subscribersConfigSchema(options: SubscriberSchemaOptions = {}) {
  return z
    .strictObject({
      // `subscribers:` with every entry commented out parses as null: that is an empty list, not a mistake.
      subscribers: z.array(subscriberEntrySchema(options), { error: 'must be a list of subscribers (`subscribers: []` for none)' }).nullable().default([]),
    })
    .superRefine((cfg, ctx) => {
      const seen = new Map<string, number>();
      (cfg.subscribers ?? []).forEach((s, i) => {
        const other = seen.get(s.id);
        if (other !== undefined) ctx.addIssue({ code: 'custom', path: ['subscribers', i, 'id'], message: `duplicate id "${s.id}" (also subscribers[${other}])` });
        else seen.set(s.id, i);
      });
    })
    .transform((cfg) => ({ subscribers: cfg.subscribers ?? [] }));
}

export const SubscribersConfigSchema = subscribersConfigSchema();
export type SubscribersConfig = z.output<typeof SubscribersConfigSchema>;

/** Reads and validates a subscribers.yaml; a mistake throws ConfigError naming file:line and key. */
export function readSubscribersConfig(file: string): SubscribersConfig {
  return readYamlConfig(file, subscribersConfigSchema({ baseDir: path.dirname(file) }));
}

/** The ids that filters may name, from taxonomy.yaml and milestones.yaml. */
export interface KnownIds {
  milestones: Iterable<string>;
  bases: Iterable<string>;
  topics: Iterable<string>;
}

export interface UnknownFilterId {
  filter: 'milestones' | 'bases' | 'topics';
  index: number;
  id: string;
  /** E.g. `milestone "x" is not in milestones.yaml; known: a, b`. */
  message: string;
}

/** Filter ids that the taxonomy or the milestones do not define: such a filter would never match. */
export function unknownFilterIds(filters: SubscriberFilters, ids: KnownIds): UnknownFilterId[] {
  const lists = [
    ['milestones', 'milestone', new Set(ids.milestones), 'milestones.yaml'],
    ['bases', 'base', new Set(ids.bases), 'taxonomy.yaml bases'],
    ['topics', 'topic', new Set(ids.topics), 'taxonomy.yaml topics'],
  ] as const;
  return lists.flatMap(([filter, noun, known, where]) =>
    filters[filter].flatMap((id, index) =>
      known.has(id) ? [] : [{ filter, index, id, message: `${noun} "${id}" is not in ${where}; known: ${[...known].join(', ')}` }],
    ),
  );
}

/** Problems across files: subscribers' filter ids that milestones.yaml or taxonomy.yaml do not define. */
export function crossCheck(subscribers: readonly SubscriberEntry[], ids: KnownIds, file = 'subscribers.yaml'): string[] {
  return subscribers.flatMap((s, i) =>
    unknownFilterIds(s.filters, ids).map((u) => `${file}: subscribers[${i}].filters.${u.filter}[${u.index}] (${s.id}): ${u.message}`),
  );
}
