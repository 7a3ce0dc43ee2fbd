import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MilestonesSchema, TaxonomySchema, crossCheck, type Milestones, type Taxonomy } from '../tagging/schema.js';
import { SettingsSchema, type Settings } from './settings.js';
import { ConfigError, parseYamlConfig, readYamlConfig } from './yaml-file.js';

export interface Config {
  readonly dir: string;
  readonly redisUrl: string | undefined;
  readonly settings: Settings;
  readonly taxonomy: Taxonomy;
  readonly milestones: Milestones;
}

/** The repository's own config/ folder: the default when MARSAD_CONFIG_DIR is not set. */
export const DEFAULT_CONFIG_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../config');

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Reads and validates config/ (or MARSAD_CONFIG_DIR) once, into a frozen object. settings.yaml is
 * optional (every setting has a default); taxonomy.yaml and milestones.yaml are required.
 * Environment: MARSAD_PREFIX overrides redis.prefix.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dir = path.resolve(env.MARSAD_CONFIG_DIR ?? DEFAULT_CONFIG_DIR);
  const settingsFile = path.join(dir, 'settings.yaml');
  const settings = existsSync(settingsFile)
    ? readYamlConfig(settingsFile, SettingsSchema)
    : parseYamlConfig(settingsFile, '{}', SettingsSchema);
  if (env.MARSAD_PREFIX) {
    settings.redis.prefix = parseYamlConfig('MARSAD_PREFIX', JSON.stringify({ redis: { prefix: env.MARSAD_PREFIX } }), SettingsSchema).redis.prefix;
  }
  const taxonomyFile = path.join(dir, 'taxonomy.yaml');
  const taxonomy = readYamlConfig(taxonomyFile, TaxonomySchema);
  const milestonesFile = path.join(dir, 'milestones.yaml');
  const milestones = readYamlConfig(milestonesFile, MilestonesSchema);
  const problems = crossCheck(taxonomy, milestones);
  if (problems.length > 0) throw new ConfigError(milestonesFile, problems);
  return deepFreeze({ dir, redisUrl: env.REDIS_URL || undefined, settings, taxonomy, milestones });
}
