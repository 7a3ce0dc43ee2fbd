import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MilestonesSchema, StanceSchema, TaxonomySchema, crossCheck, type Milestones, type StanceLexicon, type Taxonomy } from '../tagging/schema.js';
import { readFeedsConfig, type FeedConfig } from '../feeds/schema.js';
import { crossCheck as crossCheckSubscribers, readSubscribersConfig, type SubscriberEntry } from '../subscribers/schema.js';
import { SettingsSchema, withPublicUrl, type Settings } from './settings.js';
import { StoriesSchema, type StoriesConfig } from '../stories/schema.js';
import { ConfigError, parseYamlConfig, readYamlConfig } from './yaml-file.js';
import { configDir } from './dir.js';

export interface Config {
  readonly dir: string;
  readonly redisUrl: string | undefined;
  readonly settings: Settings;
  readonly taxonomy: Taxonomy;
  readonly milestones: Milestones;
  /** config/stance.yaml: the cue lexicons that decide each milestone mention's stance and attribution. */
  readonly stance: StanceLexicon;
  /** config/stories.yaml: the window, thresholds and bilingual lexicon that group articles into stories. */
  readonly stories: StoriesConfig;
  readonly feeds: readonly FeedConfig[];
  /** As config/subscribers.yaml defines them; workers read the registry in Redis, which syncs from these. */
  readonly subscribers: readonly SubscriberEntry[];
  /** Dashboard tokens from the environment (never from a YAML file, which may be committed); null when unset. */
  readonly dashboard: { readonly token: string | null; readonly readonlyToken: string | null };
}

/** Shorter tokens are guessable by anyone who can reach the port. */
export const MIN_DASHBOARD_TOKEN_LENGTH = 16;

/** `NAME` or the file named by `NAME_FILE` (Docker secrets), trimmed; null when neither is set. */
function secretFromEnv(env: NodeJS.ProcessEnv, name: string, errors: ConfigError[]): string | null {
  // An empty variable counts as unset (compose files pass `${VAR:-}` through).
  const direct = env[name] || undefined;
  const file = env[`${name}_FILE`] || undefined;
  if (direct !== undefined && file !== undefined) {
    errors.push(new ConfigError(name, [`set ${name} or ${name}_FILE, not both`]));
    return null;
  }
  let value: string;
  if (file !== undefined) {
    try {
      value = readFileSync(file, 'utf8').trim();
    } catch (err) {
      errors.push(new ConfigError(`${name}_FILE`, [`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`]));
      return null;
    }
  } else if (direct !== undefined) value = direct.trim();
  else return null;
  if (value.length < MIN_DASHBOARD_TOKEN_LENGTH) {
    // The value itself is never quoted back: messages end up in logs.
    errors.push(new ConfigError(file !== undefined ? `${name}_FILE` : name, [`must be at least ${MIN_DASHBOARD_TOKEN_LENGTH} characters (e.g. $(openssl rand -hex 24))`]));
    return null;
  }
  return value;
}

export { DEFAULT_CONFIG_DIR } from './dir.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Reads and validates config/ (or MARSAD_CONFIG_DIR) once, into a frozen object. settings.yaml is
 * optional (every setting has a default), so are feeds.yaml and subscribers.yaml; taxonomy.yaml,
 * milestones.yaml, stance.yaml and stories.yaml are required.
 * Environment: MARSAD_PREFIX overrides redis.prefix; MARSAD_ALLOW_PRIVATE_NETWORKS overrides fetch.allowPrivateNetworks;
 * MARSAD_HTTP_HOST, MARSAD_PORT and MARSAD_PUBLIC_URL override http.host, http.port and http.publicUrl.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dir = configDir(env);
  // Every file is checked before giving up, so that one run names every mistake.
  const errors: ConfigError[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      errors.push(err);
      return undefined;
    }
  };
  const settingsFile = path.join(dir, 'settings.yaml');
  const settings = attempt(() =>
    existsSync(settingsFile) ? readYamlConfig(settingsFile, SettingsSchema) : parseYamlConfig(settingsFile, '{}', SettingsSchema),
  );
  if (settings && env.MARSAD_PREFIX) {
    const prefix = attempt(() => parseYamlConfig('MARSAD_PREFIX', JSON.stringify({ redis: { prefix: env.MARSAD_PREFIX } }), SettingsSchema).redis.prefix);
    if (prefix !== undefined) settings.redis.prefix = prefix;
  }
  if (settings && env.MARSAD_ALLOW_PRIVATE_NETWORKS !== undefined) {
    const value = env.MARSAD_ALLOW_PRIVATE_NETWORKS.trim().toLowerCase();
    if (['true', '1', 'false', '0'].includes(value)) settings.fetch.allowPrivateNetworks = value === 'true' || value === '1';
    else errors.push(new ConfigError('MARSAD_ALLOW_PRIVATE_NETWORKS', [`expected true or false, got "${env.MARSAD_ALLOW_PRIVATE_NETWORKS}"`]));
  }
  if (settings && env.MARSAD_PORT !== undefined) {
    const port = Number(env.MARSAD_PORT);
    if (Number.isInteger(port) && port >= 0 && port <= 65535) settings.http.port = port;
    else errors.push(new ConfigError('MARSAD_PORT', [`expected a TCP port number, got "${env.MARSAD_PORT}"`]));
  }
  if (settings && env.MARSAD_HTTP_HOST) settings.http.host = env.MARSAD_HTTP_HOST;
  if (settings && env.MARSAD_PUBLIC_URL) {
    const publicUrl = attempt(() => parseYamlConfig('MARSAD_PUBLIC_URL', JSON.stringify({ http: { publicUrl: env.MARSAD_PUBLIC_URL } }), SettingsSchema).http.publicUrl);
    if (publicUrl !== undefined) settings.http.publicUrl = publicUrl;
  }
  const taxonomyFile = path.join(dir, 'taxonomy.yaml');
  const taxonomy = attempt(() => readYamlConfig(taxonomyFile, TaxonomySchema));
  const milestonesFile = path.join(dir, 'milestones.yaml');
  const milestones = attempt(() => readYamlConfig(milestonesFile, MilestonesSchema));
  const stance = attempt(() => readYamlConfig(path.join(dir, 'stance.yaml'), StanceSchema));
  const stories = attempt(() => readYamlConfig(path.join(dir, 'stories.yaml'), StoriesSchema));
  if (taxonomy && milestones) {
    const problems = crossCheck(taxonomy, milestones);
    if (problems.length > 0) errors.push(new ConfigError(milestonesFile, problems));
  }
  // feeds.yaml is optional: without it marsad works on seeds only.
  const feedsFile = path.join(dir, 'feeds.yaml');
  const feeds = settings && existsSync(feedsFile) ? attempt(() => readFeedsConfig(feedsFile, settings.feeds).feeds) : [];
  // subscribers.yaml is optional too: nobody is alerted until it (or `marsad subscribers add`) names someone.
  const subscribersFile = path.join(dir, 'subscribers.yaml');
  const subscribers = existsSync(subscribersFile) ? (attempt(() => readSubscribersConfig(subscribersFile).subscribers) ?? []) : [];
  if (taxonomy && milestones) {
    const ids = { milestones: milestones.milestones.map((m) => m.id), bases: taxonomy.bases.map((b) => b.id), topics: taxonomy.topics.map((t) => t.id) };
    const problems = crossCheckSubscribers(subscribers, ids, subscribersFile);
    if (problems.length > 0) errors.push(new ConfigError(subscribersFile, problems));
  }
  const token = secretFromEnv(env, 'MARSAD_DASHBOARD_TOKEN', errors);
  const readonlyToken = secretFromEnv(env, 'MARSAD_DASHBOARD_READONLY_TOKEN', errors);
  if (readonlyToken !== null && token === null && errors.length === 0) {
    errors.push(new ConfigError('MARSAD_DASHBOARD_READONLY_TOKEN', ['a read-only token needs MARSAD_DASHBOARD_TOKEN (the operator token) too']));
  }
  if (readonlyToken !== null && readonlyToken === token) {
    errors.push(new ConfigError('MARSAD_DASHBOARD_READONLY_TOKEN', ['must differ from MARSAD_DASHBOARD_TOKEN']));
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw ConfigError.combine(errors);
  return deepFreeze({ dir, redisUrl: env.REDIS_URL || undefined, settings: withPublicUrl(settings!), taxonomy: taxonomy!, milestones: milestones!, stance: stance!, stories: stories!, feeds: feeds!, subscribers, dashboard: { token, readonlyToken } });
}
