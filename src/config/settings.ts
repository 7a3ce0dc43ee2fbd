import { z } from 'zod';
import { DEDUP_DEFAULTS } from '../dedup/defaults.js';
import { STAGES } from '../queues/names.js';

const positiveInt = z.number().int().positive();

const concurrencyDefaults = { clean: 4, dedup: 2, tag: 4 } as const;

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
        keepCompletedSeconds: positiveInt.default(7 * 24 * 3600),
        keepCompletedCount: positiveInt.default(10_000),
        keepFailedCount: positiveInt.default(10_000),
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
      })
      .strict()
      .prefault({})
      .refine((d) => d.bands * d.rows <= DEDUP_DEFAULTS.numHashes, {
        message: `bands × rows must be at most the MinHash signature length, ${DEDUP_DEFAULTS.numHashes}`,
      }),
  })
  .strict();

export type Settings = z.output<typeof SettingsSchema>;
