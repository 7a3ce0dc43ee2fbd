// Bad configuration and bad documents: a clear error naming the file (and line and key), and nothing
// else lost.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOW_TEST_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { REPO, assertFreshBuild, cliEnv, freePort, killAll, runCli } from './processes.js';

let url: string;
let prefix: string;
const tmp = mkdtempSync(path.join(tmpdir(), 'marsad-bad-input-'));

beforeAll(() => {
  assertFreshBuild();
  url = testRedisUrl();
  prefix = testPrefix('bad-input');
});

afterAll(async () => {
  await killAll();
  if (url) await deleteKeys(url, prefix);
  rmSync(tmp, { recursive: true, force: true });
});

async function keysOf(keyPrefix: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  try {
    // Every page of the SCAN: the shared Redis holds the keys of the test files running alongside.
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix.replace(/[*?[\]\\]/g, '\\$&')}:*`, 'COUNT', 10_000);
      cursor = next;
      count += keys.length;
    } while (cursor !== '0');
    return count;
  } finally {
    redis.disconnect();
  }
}

/** A copy of config/ with some files replaced or edited. */
function configDir(name: string, edit: (dir: string) => void): string {
  const dir = path.join(tmp, name);
  cpSync(path.join(REPO, 'config'), dir, { recursive: true });
  edit(dir);
  return dir;
}

/** Breaks the flow mapping on the line of the first `name: { ... }` of taxonomy.yaml; returns that line number. */
function breakTaxonomy(dir: string): number {
  const file = path.join(dir, 'taxonomy.yaml');
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => /^\s+name: \{.*\}\s*$/.test(l));
  lines[i] = lines[i]!.replace(/\s*\}\s*$/, '');
  writeFileSync(file, lines.join('\n'));
  return i + 1;
}

// Each test runs marsad processes: the limits only guard against a hang (see support/limits.ts).
describe('a configuration mistake stops marsad with the file, the line and the key', { timeout: SLOW_TEST_MS }, () => {
  it('names every broken file: a bad value in settings.yaml and a YAML syntax error in taxonomy.yaml', async () => {
    let brokenLine = 0;
    const dir = configDir('two-broken', (d) => {
      writeFileSync(path.join(d, 'settings.yaml'), '# tuned\nqueues: {attempts: 3}\ndedup: {threshold: 2}\n');
      brokenLine = breakTaxonomy(d);
    });
    const own = testPrefix('bad-config');
    const ran = await runCli(['status'], cliEnv(url, own, { MARSAD_CONFIG_DIR: dir }));
    expect(ran.code).toBe(1);
    expect(ran.stdout).toBe('');
    expect(ran.stderr).toContain(`${path.join(dir, 'settings.yaml')}: invalid configuration`);
    expect(ran.stderr).toMatch(/line 3: dedup\.threshold: .*<=\s?1/);
    expect(ran.stderr).toContain(`${path.join(dir, 'taxonomy.yaml')}: invalid configuration`);
    const syntax = ran.stderr.split('\n').find((l) => l.includes('YAML syntax'));
    expect(syntax).toBeDefined();
    const line = Number(/line (\d+)/.exec(syntax!)![1]);
    expect(line === brokenLine || line === brokenLine + 1, syntax).toBe(true); // the parser notices on the next line
    expect(syntax).toMatch(/«.+»/); // quotes the line, so the key is named
    expect(ran.stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(await keysOf(own)).toBe(0); // stopped before touching Redis
  });

  it('the same without Redis: analyze reads the configuration too', async () => {
    const dir = configDir('settings-typo', (d) => writeFileSync(path.join(d, 'settings.yaml'), 'concurrency:\n  clean: 2\n  dedupe: 2\n'));
    const ran = await runCli(['analyze', 'seeds/003_acef2ed65af1df9d.txt'], cliEnv(`redis://127.0.0.1:${await freePort()}`, prefix, { MARSAD_CONFIG_DIR: dir }));
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(path.join(dir, 'settings.yaml'));
    expect(ran.stderr).toMatch(/line 3: concurrency: .*"dedupe"/);
  });

  it('a missing taxonomy.yaml says so and how to fix it', async () => {
    const dir = configDir('no-taxonomy', (d) => rmSync(path.join(d, 'taxonomy.yaml')));
    const ran = await runCli(['analyze', 'seeds/003_acef2ed65af1df9d.txt'], cliEnv(url, prefix, { MARSAD_CONFIG_DIR: dir }));
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(`${path.join(dir, 'taxonomy.yaml')}: invalid configuration`);
    expect(ran.stderr).toContain('the file is missing');
  });

  it('a bad MARSAD_PREFIX is named', async () => {
    const ran = await runCli(['status'], cliEnv(url, 'has space'));
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('MARSAD_PREFIX');
    expect(ran.stderr).toContain('redis.prefix');
  });
});

describe('marsad seed --dir with bad documents', { timeout: SLOW_TEST_MS }, () => {
  const dir = path.join(tmp, 'seeds');
  const good = ['003_acef2ed65af1df9d.txt', '004_32fed4459143db96.txt'];

  beforeAll(() => {
    cpSync(path.join(REPO, 'seeds'), dir, { recursive: true, filter: (src) => !/\d{3}_.*\.txt$/.test(src) || good.some((g) => src.endsWith(g)) });
    // The manifest lists the three seeds left out: that is reported too, and loses nothing.
    writeFileSync(path.join(dir, 'no-text.json'), JSON.stringify({ title: 'عنوان بلا نص', source: 'Example Daily' }));
    // "الانسحاب الأمريكي من قاعدة عين الأسد" in windows-1256.
    writeFileSync(path.join(dir, 'cp1256.txt'), Buffer.from([0xc7, 0xe1, 0xc7, 0xe4, 0xd3, 0xcd, 0xc7, 0xc8, 0x20, 0xc7, 0xe1, 0xc3, 0xe3, 0xd1, 0xed, 0xdf, 0xed, 0x0a]));
    // Nothing but site furniture: the cleaner leaves no article text.
    writeFileSync(path.join(dir, 'furniture.txt'), 'شارك\n\nتابعونا على\n\nجميع الحقوق محفوظة 2025\n');
  });

  it('puts the good documents through, reports each bad file by name with what to do, and exits 1', async () => {
    const ran = await runCli(['seed', '--dir', dir], cliEnv(url, prefix));
    expect(ran.code, ran.stderr).toBe(1);
    expect(ran.stdout).toContain(`${dir}: 3 documents, 2 new, 0 already known, 1 failed, 0 duplicates`);
    for (const g of good) expect(ran.stdout).toContain(`+ ${g} → `);
    expect(ran.stdout).toMatch(/✗ furniture\.txt: clean: no article text left in furniture\.txt/);
    expect(ran.stdout).toContain(`! ${path.join(dir, 'no-text.json')}: has neither "text" nor "html"`);
    expect(ran.stdout).toMatch(new RegExp(`! ${path.join(dir, 'cp1256.txt').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid UTF-8.*iconv -f windows-1256 -t utf-8`));
    expect(ran.stdout).not.toContain(`${path.join(dir, 'cp1256.txt')}: ${path.join(dir, 'cp1256.txt')}`);
    expect(ran.stdout).toContain('lists 000_73aa3ffceb0c4087.txt, which is not in the folder');
  });

  it('the failed document failed once, without retries, with its reason kept', async () => {
    const ran = await runCli(['seed', '--dir', dir, '--json'], cliEnv(url, prefix));
    expect(ran.code).toBe(1);
    const summary = JSON.parse(ran.stdout) as { documents: number; new: number; known: number; failed: number; problems: string[]; outcomes: { file: string; id: string; status: string; error?: string }[] };
    expect(summary).toMatchObject({ documents: 3, new: 0, known: 2, failed: 1 });
    expect(summary.problems.filter((p) => /no-text\.json|cp1256\.txt/.test(p))).toHaveLength(2);
    const failed = summary.outcomes.find((o) => o.file === 'furniture.txt')!;
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining('no article text left') });

    const connection = new Redis(url, { maxRetriesPerRequest: null });
    const clean = new Queue('clean', { connection, prefix });
    try {
      const job = (await clean.getJob(`clean-${failed.id}`))!;
      expect(await job.isFailed()).toBe(true);
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toContain('no article text left in furniture.txt');
      expect(await clean.getDelayedCount()).toBe(0);
    } finally {
      await clean.close();
      connection.disconnect();
    }

    const articles = JSON.parse((await runCli(['articles', '--json'], cliEnv(url, prefix))).stdout) as { origin: { file: string } }[];
    expect(articles.map((a) => a.origin.file).sort()).toEqual(good);
  });
});
