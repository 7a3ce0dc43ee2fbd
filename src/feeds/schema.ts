// Schema for config/feeds.yaml. Pure apart from `readFeedsConfig`, which is readYamlConfig with this schema:
// the poll worker reads the file once at start and gets typed feeds with intervals in seconds.
import { load } from 'cheerio';
import { z } from 'zod';
import { HttpUrl, kebabId } from '../config/schema-parts.js';
import { SettingsSchema, type Settings } from '../config/settings.js';
import { readYamlConfig } from '../config/yaml-file.js';

export type FeedBounds = Pick<Settings['feeds'], 'minIntervalSeconds' | 'maxIntervalSeconds'>;

/** The bounds of settings.yaml's defaults, for when no settings are at hand (tests, tools). */
const defaults = SettingsSchema.parse({}).feeds;
export const DEFAULT_FEED_BOUNDS: FeedBounds = { minIntervalSeconds: defaults.minIntervalSeconds, maxIntervalSeconds: defaults.maxIntervalSeconds };

const Id = kebabId('shafaq-ar');


const DURATION = /^([1-9]\d*)(m|h)$/;

/** "15m" or "2h", in seconds, within the bounds. One format only: a bare number would leave the unit to guesswork. */
function Interval(bounds: FeedBounds) {
  const show = (s: number) => (s % 3600 === 0 ? `${s / 3600}h` : `${Math.round(s / 60)}m`);
  return z
    .string({ error: 'must be a duration string such as "15m" or "2h"' })
    .regex(DURATION, 'must be whole minutes or hours, such as "15m" or "2h"')
    .transform((s) => {
      const [, n, unit] = DURATION.exec(s)!;
      return Number(n) * (unit === 'h' ? 3600 : 60);
    })
    .refine((s) => s >= bounds.minIntervalSeconds && s <= bounds.maxIntervalSeconds, {
      message: `must be between ${show(bounds.minIntervalSeconds)} and ${show(bounds.maxIntervalSeconds)} (settings.yaml feeds.minIntervalSeconds/maxIntervalSeconds)`,
    });
}

const $ = load('', { xml: { xmlMode: false, decodeEntities: true } });

/** Checked with the selector engine the cleaner uses, so a typo fails at start rather than on every article. */
const Selector = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .superRefine((sel, ctx) => {
    try {
      $(sel);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `is not a CSS selector the cleaner can use: ${(err as Error).message}` });
    }
  });

/** Per-feed extraction hints for the article pages the feed links to. */
const Rules = z.strictObject({
  /** The element holding the article body. */
  article: Selector.optional(),
  /** Elements to drop inside it (related links, share bars, ads). */
  remove: z.array(Selector).default([]),
});

export function feedSchema(bounds: FeedBounds = DEFAULT_FEED_BOUNDS) {
  return z.strictObject({
    id: Id,
    url: HttpUrl,
    /** The outlet, as articles credit it ("Shafaq News"). */
    name: z.string().trim().min(1, 'must name the outlet'),
    language: z.enum(['ar', 'en'], { error: 'must be "ar" or "en"' }),
    /**
     * This feed's ceiling: it is polled at least this often, more often when it publishes a lot (down to the
     * global floor). Equal to the floor, it fixes the interval.
     */
    interval: Interval(bounds).optional(),
    /** true once someone has fetched the URL and seen a feed of this outlet there. */
    verified: z.boolean({ error: 'must be true or false' }).default(false),
    rules: Rules.optional(),
    notes: z.string().optional(),
  });
}

export function feedsConfigSchema(bounds: FeedBounds = DEFAULT_FEED_BOUNDS) {
  return z
    // The file is optional, so an empty list (`feeds: []`, or `feeds:` with every entry commented out) is no feeds.
    .strictObject({ feeds: z.array(feedSchema(bounds)).nullable().transform((feeds) => feeds ?? []) })
    .superRefine((cfg, ctx) => {
      const ids = new Map<string, number>();
      const urls = new Map<string, number>();
      cfg.feeds.forEach((f, i) => {
        const otherId = ids.get(f.id);
        if (otherId !== undefined) ctx.addIssue({ code: 'custom', path: ['feeds', i, 'id'], message: `duplicate id "${f.id}" (also feeds[${otherId}])` });
        else ids.set(f.id, i);
        // The same URL twice would poll one feed twice and credit its items to two outlets.
        const key = new URL(f.url).href;
        const otherUrl = urls.get(key);
        if (otherUrl !== undefined) ctx.addIssue({ code: 'custom', path: ['feeds', i, 'url'], message: `same URL as feeds[${otherUrl}]` });
        else urls.set(key, i);
      });
    });
}

export const FeedsConfigSchema = feedsConfigSchema();

export type FeedConfig = z.output<ReturnType<typeof feedSchema>>;
export type FeedsConfig = z.output<ReturnType<typeof feedsConfigSchema>>;

/** Reads and validates a feeds.yaml; a mistake throws ConfigError naming file:line and key. */
export function readFeedsConfig(file: string, bounds: FeedBounds = DEFAULT_FEED_BOUNDS): FeedsConfig {
  return readYamlConfig(file, feedsConfigSchema(bounds));
}
