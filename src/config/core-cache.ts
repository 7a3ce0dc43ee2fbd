import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

const CORE_FILES = ['taxonomy.yaml', 'milestones.yaml', 'stance.yaml', 'stories.yaml'];
/** The compiled modules whose checks and defaults shape the result: a new build is a new key. */
const CHECKING_MODULES = ['./load', './dir', './yaml-file', '../tagging/schema', '../stories/schema'];
/** .js when built, .ts when run from the sources (tests). */
const EXTENSION = path.extname(fileURLToPath(import.meta.url));

/** Where the checked core config of the folder `dir` is kept (one file per folder, replaced on change). */
export function coreConfigCacheFile(dir: string): string {
  const user = (() => {
    try {
      return userInfo().username;
    } catch {
      return 'user';
    }
  })();
  return path.join(tmpdir(), `marsad-${user}`, 'config', `${createHash('sha256').update(dir).digest('hex').slice(0, 16)}.json`);
}

/** A hash of the core files and the checking code, or null when a file cannot be read (loadConfig will say). */
function keyOf(dir: string): string | null {
  const hash = createHash('sha256');
  try {
    for (const file of CORE_FILES) hash.update(file).update('\0').update(readFileSync(path.join(dir, file))).update('\0');
    for (const module of CHECKING_MODULES) hash.update(readFileSync(fileURLToPath(new URL(module + EXTENSION, import.meta.url))));
  } catch {
    return null;
  }
  return hash.digest('hex');
}

export async function loadCoreConfig(env: NodeJS.ProcessEnv = process.env): Promise<CoreConfig> {
  const dir = configDir(env);
  const key = keyOf(dir);
  const file = coreConfigCacheFile(dir);
  if (key !== null) {
    try {
      const cached = JSON.parse(readFileSync(file, 'utf8')) as { key: string; config: CoreConfig };
      if (cached.key === key) return cached.config;
    } catch {
      // No cache yet, or a broken one: read the folder.
    }
  }
  // Only on a miss: loadConfig brings the YAML parser, the schemas and everything they import.
  const { loadConfig } = await import('./load.js');
  const { taxonomy, milestones, stance, stories } = loadConfig(env);
  const config: CoreConfig = { dir, taxonomy, milestones, stance, stories };
  if (key !== null) {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      // Written aside and renamed, so a concurrent reader sees the old file or the new one, never half of one.
      const partial = `${file}.${process.pid}`;
      writeFileSync(partial, JSON.stringify({ key, config }));
      renameSync(partial, file);
    } catch {
      // A cache that cannot be written only costs the next run its time.
    }
  }
  return config;
}
