// The marsad command as users run it: `node bin/marsad.js ...` in a child process, on the test Redis
// with a key prefix of its own.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENT_STAGES, STAGES } from '../../src/queues/names.js';
import { SLOW_TEST_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { REPO, assertFreshBuild, cliEnv, freePort, killAll, runCli } from './processes.js';

const CONTRACT_FIELDS = ['id', 'origin', 'url', 'source', 'title', 'published', 'language', 'text', 'bases', 'topics', 'milestones', 'duplicateOf', 'alsoReportedBy'];
const SEEDS = path.join(REPO, 'seeds');
const SEED_FILES = readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).sort();
// Each test runs one to three marsad processes, each loading the whole app (about 1 s of CPU; much longer
// on a loaded machine): runCli's process limit and this test limit only guard against a hang.
const PROCESS_TESTS = { timeout: SLOW_TEST_MS };

let url: string;
let prefix: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  assertFreshBuild();
  url = testRedisUrl();
  prefix = testPrefix('cli');
  env = cliEnv(url, prefix);
});

afterAll(async () => {
  await killAll();
  if (url) await deleteKeys(url, prefix);
});

interface ArticleJson {
  id: string;
  origin: { kind: string; file?: string };
  bases: string[];
  milestones: { id: string; evidence: unknown[] }[];
  [key: string]: unknown;
}

describe('marsad seed, articles, status', PROCESS_TESTS, () => {
  it('seed puts the five seeds through and prints a summary; a second seed creates nothing', async () => {
    const first = await runCli(['seed'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`${SEEDS}: 5 documents, 5 new, 0 already known, 0 failed, 0 duplicates`);
    for (const file of SEED_FILES) expect(first.stdout).toContain(`+ ${file} → `);
    expect(first.stderr).toContain('seed: 5/5 through the pipeline');

    const second = await runCli(['seed'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('5 documents, 0 new, 5 already known, 0 failed');
    for (const file of SEED_FILES) expect(second.stdout).toContain(`= ${file} → `);
  });

  it('seed --json prints the summary as one JSON document on stdout', async () => {
    const ran = await runCli(['seed', '--json'], env);
    expect(ran.code, ran.stderr).toBe(0);
    const summary = JSON.parse(ran.stdout) as { documents: number; new: number; known: number; failed: number; problems: string[]; outcomes: { file: string; status: string }[] };
    expect(summary).toMatchObject({ documents: 5, new: 0, known: 5, failed: 0, problems: [] });
    expect(summary.outcomes.map((o) => o.file)).toEqual(SEED_FILES);
  });

  let all: ArticleJson[] = [];

  it('articles --json prints the five articles with every contract field', async () => {
    const ran = await runCli(['articles', '--json'], env);
    expect(ran.code, ran.stderr).toBe(0);
    const articles = JSON.parse(ran.stdout) as ArticleJson[];
    all = articles;
    expect(Array.isArray(articles)).toBe(true);
    expect(articles).toHaveLength(5);
    expect(articles.map((a) => a.origin.file).sort()).toEqual(SEED_FILES);
    for (const a of articles) {
      for (const field of CONTRACT_FIELDS) expect(a, `${a.id}.${field}`).toHaveProperty(field);
      expect(a.id).toMatch(/^[0-9a-f]{16}$/);
      expect(a.origin.kind).toBe('seed');
      for (const m of a.milestones) {
        expect(Object.keys(m)).toEqual(expect.arrayContaining(['id', 'evidence']));
        expect(m.evidence.length).toBeGreaterThan(0);
      }
      expect(a.duplicateOf).toBeNull();
      expect(a.alsoReportedBy).toEqual([]);
    }
  });

  it('articles --base filters, and filters combine with --limit', async () => {
    expect(all).toHaveLength(5);
    const expected = all.filter((a) => a.bases.includes('ain-al-asad')).map((a) => a.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(5);

    const ran = await runCli(['articles', '--json', '--base', 'ain-al-asad'], env);
    expect(ran.code, ran.stderr).toBe(0);
    const filtered = JSON.parse(ran.stdout) as ArticleJson[];
    expect(filtered.map((a) => a.id)).toEqual(expected);

    const limited = JSON.parse((await runCli(['articles', '--json', '--base', 'ain-al-asad', '--limit', '1'], env)).stdout) as ArticleJson[];
    expect(limited.map((a) => a.id)).toEqual(expected.slice(0, 1));
  });

  it('articles without --json prints one block per article', async () => {
    const ran = await runCli(['articles', '--milestone', 'ain-al-asad-exit'], env);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^[0-9a-f]{16} {2}/m);
    expect(ran.stdout).toContain('milestones: ');
  });

  it('articles --base with an unknown id exits 2 listing the known ids', async () => {
    const ran = await runCli(['articles', '--base', 'nope'], env);
    expect(ran.code).toBe(2);
    expect(ran.stdout).toBe('');
    expect(ran.stderr).toContain('unknown base "nope"; known: ain-al-asad, harir');
    expect(ran.stderr).toContain('usage: marsad articles');
  });

  it('articles --limit with a bad number exits 2', async () => {
    const ran = await runCli(['articles', '--limit', 'many'], env);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('--limit takes a whole number, got "many"');
  });

  it('status --json shows the queue counts, the workers and the articles', async () => {
    const ran = await runCli(['status', '--json'], env);
    expect(ran.code, ran.stderr).toBe(0);
    const status = JSON.parse(ran.stdout) as { redis: { url: string; privateServer: boolean; prefix: string }; queues: Record<string, Record<string, number>>; articles: number; duplicates: number };
    expect(status.redis).toMatchObject({ privateServer: false, prefix });
    expect(Object.keys(status.queues)).toEqual([...STAGES]);
    for (const [stage, counts] of Object.entries(status.queues)) {
      // Seeds enter at clean: the stages before it (feeds) saw nothing.
      const completed = (DOCUMENT_STAGES as readonly string[]).includes(stage) ? 5 : 0;
      expect(counts, stage).toEqual({ waiting: 0, active: 0, delayed: 0, completed, failed: 0, workers: 0 });
    }
    expect(status).toMatchObject({ articles: 5, duplicates: 0 });
  });

  it('status without --json prints a table', async () => {
    const ran = await runCli(['status'], env);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^clean +0 +0 +0 +5 +0 +0$/m);
    expect(ran.stdout).toContain('articles 5, of which duplicates 0');
  });
});

describe.concurrent('marsad analyze: no Redis needed', PROCESS_TESTS, () => {
  const seed003 = path.join('seeds', SEED_FILES.find((f) => f.startsWith('003_'))!);
  const seed004 = path.join('seeds', SEED_FILES.find((f) => f.startsWith('004_'))!);
  let dead: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dead = cliEnv(`redis://127.0.0.1:${await freePort()}`, prefix);
  });

  it('analyze FILE --json prints the analysis although REDIS_URL points at nothing', async () => {
    const ran = await runCli(['analyze', seed003, '--json'], dead);
    expect(ran.code, ran.stderr).toBe(0);
    const lines = ran.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!) as { file: string; title: string; tags: { bases: { id: string }[] }; milestones: { id: string }[] };
    expect(result.file).toBe(seed003);
    expect(result.title).toBe('تعقيدات الانسحاب الأمريكي من العراق');
    expect(result.tags.bases.map((b) => b.id)).toEqual(expect.arrayContaining(['al-tanf', 'hemo']));
    expect(result.milestones.map((m) => m.id)).toContain('coalition-mission-end');
  });

  it('analyze with two files and --json prints two JSON lines, each naming its file', async () => {
    const ran = await runCli(['analyze', seed003, seed004, '--json'], dead);
    expect(ran.code, ran.stderr).toBe(0);
    const lines = ran.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string });
    expect(lines.map((l) => l.file)).toEqual([seed003, seed004]);
  });

  it('analyze without --json prints a readable report', async () => {
    const ran = await runCli(['analyze', seed003], dead);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain(`${seed003}\n  title:     تعقيدات الانسحاب الأمريكي من العراق`);
    expect(ran.stdout).toContain('  milestones: coalition-mission-end');
  });

  it('analyze of a missing file reports it and exits 1, after analysing the others', async () => {
    const ran = await runCli(['analyze', seed003, 'seeds/no-such-file.txt', '--json'], dead);
    expect(ran.code).toBe(1);
    const lines = ran.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; error?: string });
    expect(lines[0]).toMatchObject({ file: seed003 });
    expect(lines[1]).toMatchObject({ file: 'seeds/no-such-file.txt', error: expect.stringContaining('ENOENT') });
  });

  it('a command that needs Redis exits 1 naming the REDIS_URL that does not answer', async () => {
    const ran = await runCli(['status'], dead);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(`marsad status: REDIS_URL=${dead.REDIS_URL} does not answer`);
  });
});

describe.concurrent('marsad usage', PROCESS_TESTS, () => {
  it('an unknown command exits 2 with the help', async () => {
    const ran = await runCli(['frobnicate'], env);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('marsad: unknown command "frobnicate"');
    for (const command of ['run', 'worker', 'seed', 'analyze', 'articles', 'status']) expect(ran.stderr).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('no command exits 2 with the help; --help exits 0', async () => {
    const none = await runCli([], env);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('Commands:');
    const help = await runCli(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Commands:');
  });

  it('an unknown option exits 2 with the usage of the command', async () => {
    const ran = await runCli(['seed', '--frobnicate'], env);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('usage: marsad seed [--dir DIR]');
  });
});

/** Every command and subcommand, as typed after `marsad`. */
const COMMANDS = [
  ['run'], ['dashboard'], ['worker'], ['seed'], ['analyze'], ['articles'], ['milestones'], ['stories'], ['stories', 'show'],
  ['feeds'], ['feeds', 'check'], ['poll'], ['alerts'], ['deliveries'], ['deliveries', 'retry'],
  ['subscribers'], ['subscribers', 'list'], ['subscribers', 'add'], ['subscribers', 'remove'], ['subscribers', 'secret'],
  ['replay'], ['status'],
];

describe.concurrent('marsad help', PROCESS_TESTS, () => {
  it('every command and subcommand has its own help, with --help and with `marsad help`', async () => {
    for (const command of COMMANDS) {
      const ran = await runCli([...command, '--help'], env);
      expect(ran.code, `${command.join(' ')} --help: ${ran.stderr}`).toBe(0);
      expect(ran.stdout).toMatch(new RegExp(`^Usage: marsad ${command.join(' ')}\\b`));
    }
    const seed = await runCli(['help', 'seed'], env);
    expect(seed.code).toBe(0);
    expect(seed.stdout).toMatch(/^Usage: marsad seed \[--dir DIR\]/);
    expect(seed.stdout).toContain('--timeout <seconds>');
    expect(seed.stdout).not.toContain('Commands:');
    expect(seed.stdout).toBe((await runCli(['seed', '--help'], env)).stdout);
    const add = await runCli(['subscribers', 'add', '--help'], env);
    for (const option of ['--id', '--webhook', '--email', '--milestone', '--digest', '--rate-limit']) expect(add.stdout).toContain(option);
  });

  it('the worker help names every stage', async () => {
    const ran = await runCli(['worker', '--help'], env);
    expect(ran.code).toBe(0);
    expect(ran.stdout.replace(/\s+/g, ' ')).toContain(`stages: ${STAGES.join(' ')}`);
  });

  it('a usage error is one line naming the command, then the usage and where the help is; no stack trace', async () => {
    const ran = await runCli(['subscribers', 'list', '--id', 'x'], env);
    expect(ran.code).toBe(2);
    expect(ran.stderr.split('\n')[0]).toBe("marsad subscribers: unknown option '--id'");
    expect(ran.stderr).toContain('usage: marsad subscribers list [--json]');
    expect(ran.stderr).toContain('marsad subscribers list --help');
    expect(ran.stderr).not.toMatch(/^\s+at /m);
  });

  it('a --dir that is not a folder says so in one line, exit 1, no stack trace', async () => {
    const ran = await runCli(['seed', '--dir', path.join(REPO, 'no-such-folder')], env);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe(`marsad seed: ${path.join(REPO, 'no-such-folder')}: not a folder. Give a folder of .txt, .html or .json documents with --dir.\n`);
  });
});
