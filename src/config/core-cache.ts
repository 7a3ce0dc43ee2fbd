import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDir } from './dir.js';
import type { Config } from './load.js';

/**
 * What the pure cores need of the configuration (taxonomy, milestones, stance, stories), validated, for
 * commands that run on every edit of those files (`marsad analyze`). Parsing and checking the YAML costs
 * most of such a run, so the checked result is kept in a cache file per config folder, keyed by the
 * files' contents and by the code that checks them: any change to either reads the folder again with
 * loadConfig (which checks every file, and says what is wrong as usual).
 */
export type CoreConfig = Pick<Config, 'dir' | 'taxonomy' | 'milestones' | 'stance' | 'stories'>;

/** One cached part of the configuration: the files it is read from, the code that checks them, how to read it. */
interface CachedPart<T> {
  /** Names the cache file beside the folder's others ('' for the core config's). */
  name: string;
  files: string[];
  /** The compiled modules whose checks and defaults shape the result: a new build is a new key. */
  modules: string[];
  read(env: NodeJS.ProcessEnv): Promise<T>;
}

const CORE: CachedPart<CoreConfig> = {
  name: '',
  files: ['taxonomy.yaml', 'milestones.yaml', 'stance.yaml', 'stories.yaml'],
  modules: ['./load', './dir', './yaml-file', '../tagging/schema', '../stories/schema'],
  async read(env) {
    // Only on a miss: loadConfig brings the YAML parser, the schemas and everything they import.
    const { loadConfig } = await import('./load.js');
    const { dir, taxonomy, milestones, stance, stories } = loadConfig(env);
    return { dir, taxonomy, milestones, stance, stories };
  },
};

const MAX_BODY_BYTES: CachedPart<number> = {
  name: 'max-body-bytes',
  files: ['settings.yaml'],
  modules: ['./settings', './yaml-file'],
  async read(env) {
    // settings.yaml alone, as loadConfig reads it: the schema's defaults when there is none.
    const [{ SettingsSchema }, { parseYamlConfig, readYamlConfig }] = await Promise.all([import('./settings.js'), import('./yaml-file.js')]);
    const file = path.join(configDir(env), 'settings.yaml');
    const settings = existsSync(file) ? readYamlConfig(file, SettingsSchema) : parseYamlConfig(file, '{}', SettingsSchema);
    return settings.fetch.maxBodyBytes;
  },
};

/** .js when built, .ts when run from the sources (tests). */
const EXTENSION = path.extname(fileURLToPath(import.meta.url));

/** Where the checked core config of the folder `dir` is kept (one file per folder, replaced on change). */
export function coreConfigCacheFile(dir: string): string {
  return cacheFile(dir, CORE.name);
}

function cacheFile(dir: string, name: string): string {
  const user = (() => {
    try {
      return userInfo().username;
    } catch {
      return 'user';
    }
  })();
  const folder = createHash('sha256').update(dir).digest('hex').slice(0, 16);
  return path.join(tmpdir(), `marsad-${user}`, 'config', `${folder}${name ? `.${name}` : ''}.json`);
}

/** A hash of the part's files (an absent one counts as absent) and its checking code, or null when the code cannot be read. */
function keyOf(dir: string, part: CachedPart<unknown>): string | null {
  const hash = createHash('sha256');
  for (const file of part.files) {
    hash.update(file).update('\0');
    try {
      hash.update('=').update(readFileSync(path.join(dir, file)));
    } catch {
      // Absent or unreadable: the part's reader decides (a default, or loadConfig's message); a later file is a new key.
      hash.update('!');
    }
    hash.update('\0');
  }
  try {
    for (const module of part.modules) hash.update(readFileSync(fileURLToPath(new URL(module + EXTENSION, import.meta.url))));
  } catch {
    return null;
  }
  return hash.digest('hex');
}

async function loadCached<T>(part: CachedPart<T>, env: NodeJS.ProcessEnv): Promise<T> {
  const dir = configDir(env);
  const key = keyOf(dir, part);
  const file = cacheFile(dir, part.name);
  if (key !== null) {
    try {
      const cached = JSON.parse(readFileSync(file, 'utf8')) as { key: string; value: T };
      if (cached.key === key) return cached.value;
    } catch {
      // No cache yet, or a broken one: read the folder.
    }
  }
  const value = await part.read(env);
  if (key !== null) {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      // Written aside and renamed, so a concurrent reader sees the old file or the new one, never half of one.
      const partial = `${file}.${process.pid}`;
      writeFileSync(partial, JSON.stringify({ key, value }));
      renameSync(partial, file);
    } catch {
      // A cache that cannot be written only costs the next run its time.
    }
  }
  return value;
}

export function loadCoreConfig(env: NodeJS.ProcessEnv = process.env): Promise<CoreConfig> {
  return loadCached(CORE, env);
}

/** settings.yaml's fetch.maxBodyBytes, the cap on a document (a file as a download), cached the same way. */
export function loadMaxBodyBytes(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return loadCached(MAX_BODY_BYTES, env);
}
