import { z } from 'zod';
import { DEDUP_DEFAULTS } from '../dedup/defaults.js';
import { STAGES } from '../queues/names.js';

const positiveInt = z.number().int().positive();

const concurrencyDefaults = { poll: 2, fetch: 4, clean: 4, dedup: 2, tag: 4, story: 2, alert: 2, digest: 1, deliver: 8 } as const;

export const SettingsSchema = z
  .object({
    redis: z
      .object({
        /** Key prefix for queues and store. The braces make it a Redis Cluster hash tag. */
        prefix: z
          .string()
          .regex(/^[^\s:]+$/, 'a prefix has no spaces or colons, e.g. "{marsad}"')
          .default('{marsad}'),
      })
      .strict()
      .prefault({}),
    queues: z
      .object({
        attempts: positiveInt.max(50).default(5),
        backoffDelayMs: positiveInt.default(5_000),
        /** Completed jobs are kept only briefly (the store holds what they did): an hour, at most keepCompletedCount per queue. */
        keepCompletedSeconds: positiveInt.default(3600),
        keepCompletedCount: positiveInt.default(100),
        /** Failed jobs are kept (bounded) so operators can see and retry them. */
        keepFailedCount: positiveInt.default(1000),
      })
      .strict()
      .prefault({}),
    concurrency: z
      .object(Object.fromEntries(STAGES.map((s) => [s, positiveInt.max(64).default(concurrencyDefaults[s])])) as {
        [S in (typeof STAGES)[number]]: z.ZodDefault<typeof positiveInt>;
      })
      .strict()
      .prefault({}),
    dedup: z
      .object({
        threshold: z.number().gt(0).lte(1).default(DEDUP_DEFAULTS.threshold),
        bands: positiveInt.default(DEDUP_DEFAULTS.bands),
        rows: positiveInt.default(DEDUP_DEFAULTS.rows),
        shingleSize: positiveInt.max(8).default(DEDUP_DEFAULTS.shingleSize),
        /**
         * Near duplicates are looked for among the articles indexed this many days back: LSH bands, signatures and
         * URL/text claims older than that expire from Redis (kept at most a quarter longer), so their memory stays flat.
         */
        windowDays: positiveInt.max(3650).default(DEDUP_DEFAULTS.windowDays),
      })
      .strict()
      .prefault({})
      .refine((d) => d.bands * d.rows <= DEDUP_DEFAULTS.numHashes, {
        message: `bands × rows must be at most the MinHash signature length, ${DEDUP_DEFAULTS.numHashes}`,
      }),
    fetch: z
      .object({
        /**
         * A URL or mailto: where site operators can reach whoever runs this marsad; it goes into the
         * user agent of every request. Operators should set it (marsad warns at start when not).
         */
        contact: z.string().min(1).nullable().default(null),
        deadlineMs: positiveInt.default(20_000),
        connectTimeoutMs: positiveInt.default(10_000),
        maxBodyBytes: positiveInt.default(10 * 1024 * 1024),
        maxRedirects: z.number().int().min(0).max(20).default(5),
        /** At most one request per host per this many ms, across all workers. */
        hostIntervalMs: z.number().int().min(0).default(2_000),
        /** Loopback and private addresses are refused unless this is on: for local setups and tests only. */
        allowPrivateNetworks: z.boolean().default(false),
        robotsCacheSeconds: positiveInt.default(24 * 3600),
      })
      .strict()
      .prefault({}),
    feeds: z
      .object({
        minIntervalSeconds: positiveInt.default(5 * 60),
        maxIntervalSeconds: positiveInt.default(6 * 3600),
        /** Items older than this at a feed's first poll are recorded as backfill, not new reporting. */
        backfillDays: positiveInt.default(7),
        maxItemsPerPoll: positiveInt.default(200),
      })
      .strict()
      .prefault({})
      .refine((f) => f.minIntervalSeconds <= f.maxIntervalSeconds, { message: 'minIntervalSeconds must not exceed maxIntervalSeconds' }),
    alerts: z
      .object({
        /** Only articles published (or, without a date, first seen) this recently alert. */
        windowDays: positiveInt.default(7),
      })
      .strict()
      .prefault({}),
    smtp: z
      .object({
        /** smtp://user:pass@host:587 or smtps://…; MARSAD_SMTP_URL (or MARSAD_SMTP_URL_FILE) overrides it. */
        url: z.string().min(1).nullable().default(null),
        from: z.string().min(3).default('marsad <marsad@localhost>'),
        connectionTimeoutMs: positiveInt.default(10_000),
        greetingTimeoutMs: positiveInt.default(10_000),
        socketTimeoutMs: positiveInt.default(30_000),
      })
      .strict()
      .prefault({}),
    webhooks: z
      .object({
        timeoutMs: positiveInt.default(15_000),
      })
      .strict()
      .prefault({}),
    http: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        /** The address subscribers reach marsad at, for unsubscribe links in emails; unset: this server's own host and port (see withPublicUrl). */
        publicUrl: z.string().url().optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

type ParsedSettings = z.output<typeof SettingsSchema>;
export type Settings = ParsedSettings & { http: ParsedSettings['http'] & { publicUrl: string } };

/**
 * The settings with http.publicUrl filled in: when neither settings.yaml nor MARSAD_PUBLIC_URL gives it, the
 * server's own address after every override (MARSAD_PORT, MARSAD_HTTP_HOST), so that unsubscribe links reach the
 * port the server listens on. A wildcard host is reached at loopback. Applied by loadConfig after the overrides.
 */
export function withPublicUrl(settings: ParsedSettings): Settings {
  if (settings.http.publicUrl !== undefined) return settings as Settings;
  const { host, port } = settings.http;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return { ...settings, http: { ...settings.http, publicUrl: `http://${reachable}:${port}` } };
}
