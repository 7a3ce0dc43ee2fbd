// loadCoreConfig (marsad analyze) serves the checked taxonomy, milestones, stance and stories from a cache
// file, and reads the folder again with loadConfig whenever a file changed.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { coreConfigCacheFile, loadCoreConfig } from '../../src/config/core-cache.js';
import { DEFAULT_CONFIG_DIR, loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/yaml-file.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'marsad-core-cache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function configCopy(name: string): string {
  const dir = path.join(tmp, name);
  cpSync(DEFAULT_CONFIG_DIR, dir, { recursive: true });
  return dir;
}

describe('loadCoreConfig', () => {
  it('gives what loadConfig gives, the first time and from the cache', async () => {
    const dir = configCopy('same');
    const env = { MARSAD_CONFIG_DIR: dir };
    const { taxonomy, milestones, stance, stories } = loadConfig(env);
    expect(await loadCoreConfig(env)).toEqual({ dir, taxonomy, milestones, stance, stories });
    expect(existsSync(coreConfigCacheFile(dir))).toBe(true);
    expect(await loadCoreConfig(env)).toEqual({ dir, taxonomy, milestones, stance, stories });
  });

  it('reads a changed file again, and a broken one is reported, never served from the cache', async () => {
    const dir = configCopy('changed');
    const env = { MARSAD_CONFIG_DIR: dir };
    await loadCoreConfig(env);
    const file = path.join(dir, 'taxonomy.yaml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('en: Troop withdrawal', 'en: Troop withdrawal (edited)'));
    expect((await loadCoreConfig(env)).taxonomy.topics.find((t) => t.id === 'withdrawal')?.name.en).toBe('Troop withdrawal (edited)');
    writeFileSync(file, original.replace('  - id: withdrawal', '  - id: Withdrawal Now'));
    await expect(loadCoreConfig(env)).rejects.toBeInstanceOf(ConfigError);
  });
});

afterAll(() => {
  for (const name of ['same', 'changed']) rmSync(coreConfigCacheFile(path.join(tmp, name)), { force: true });
});
