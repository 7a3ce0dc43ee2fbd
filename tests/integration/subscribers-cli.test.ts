/** `marsad subscribers ...` called as a function (as main.ts does after parsing), on the test Redis. */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/cli/context.js';
import { subscribersCommand } from '../../src/cli/subscribers.js';
import { DEFAULT_CONFIG_DIR } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/yaml-file.js';
import { SubscriberRegistry } from '../../src/subscribers/registry.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';

const YAML = `subscribers:
  - id: ops-hook
    channel: webhook
    url: https://hooks.example.org/ops
    filters: { milestones: [harir-exit] }
  - id: desk
    channel: email
    email: desk@example.org
    mode: digest
    digest: { every: day, at: "08:00", timezone: Asia/Baghdad }
`;

let url: string;
let prefix: string;
let dir: string;
let redis: Redis;
let registry: SubscriberRegistry;
let logs = '';

/** Every option of `subscribers` and its subcommands in one table: the checks under test are subscribersCommand's. */
const OPTIONS = {
  json: { type: 'boolean' },
  id: { type: 'string' },
  webhook: { type: 'string' },
  secret: { type: 'string' },
  email: { type: 'string' },
  milestone: { type: 'string', multiple: true },
  base: { type: 'string', multiple: true },
  topic: { type: 'string', multiple: true },
  language: { type: 'string', multiple: true },
  outlet: { type: 'string', multiple: true },
  on: { type: 'string' },
  digest: { type: 'string' },
  'rate-limit': { type: 'string' },
} as const;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[]): Promise<Ran> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  const logStream = new PassThrough();
  logStream.on('data', (c: Buffer) => (logs += c.toString()));
  const log = pino({ level: 'trace' }, logStream);
  const code = await subscribersCommand(positionals, values, { args: argv, log, out, err });
  return { code, stdout, stderr };
}

function writeSubscribers(text: string): void {
  writeFileSync(path.join(dir, 'subscribers.yaml'), text);
}

beforeAll(() => {
  url = testRedisUrl();
  prefix = testPrefix('subscribers-cli');
  dir = mkdtempSync(path.join(tmpdir(), 'marsad-subscribers-cli-'));
  for (const f of ['taxonomy.yaml', 'milestones.yaml', 'stance.yaml', 'stories.yaml']) copyFileSync(path.join(DEFAULT_CONFIG_DIR, f), path.join(dir, f));
  writeSubscribers(YAML);
  vi.stubEnv('MARSAD_CONFIG_DIR', dir);
  vi.stubEnv('REDIS_URL', url);
  vi.stubEnv('MARSAD_PREFIX', prefix);
  redis = new Redis(url, { maxRetriesPerRequest: 3 });
  registry = new SubscriberRegistry(redis, prefix);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  redis?.disconnect();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (url) await deleteKeys(url, prefix);
});

describe('marsad subscribers', () => {
  it('list --json syncs subscribers.yaml first and masks secrets', async () => {
    const ran = await run(['list', '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    const listed = JSON.parse(ran.stdout) as { id: string; managedBy: string; secret?: string }[];
    expect(listed.map((s) => [s.id, s.managedBy])).toEqual([
      ['desk', 'config'],
      ['ops-hook', 'config'],
    ]);
    const secret = ((await registry.get('ops-hook')) as { secret: string }).secret;
    expect(listed[1]!.secret).toBe(`whsec_…${secret.replace(/=+$/, '').slice(-4)}`);
    expect(ran.stdout).not.toContain(secret);
  });

  it('list without arguments prints a readable list', async () => {
    const ran = await run([]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('ops-hook  webhook https://hooks.example.org/ops  secret whsec_…');
    expect(ran.stdout).toContain('filters: milestones: harir-exit');
    expect(ran.stdout).toContain('daily digest at 08:00 Asia/Baghdad, every report, from subscribers.yaml');
  });

  let generated = '';

  it('add --webhook prints the generated secret once, on stdout only', async () => {
    logs = '';
    const ran = await run([
      'add', '--id', 'cli-hook', '--webhook', 'https://hooks.example.org/cli',
      '--milestone', 'harir-exit', '--milestone', 'ain-al-asad-exit', '--base', 'harir', '--topic', 'withdrawal',
      '--language', 'ar', '--language', 'en', '--outlet', 'Erem News', '--on', 'status', '--digest', 'daily@08:00/Asia/Baghdad', '--rate-limit', '10/1h',
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    generated = /^secret: (whsec_\S+)$/m.exec(ran.stdout)?.[1] ?? '';
    const stored = await registry.get('cli-hook');
    expect(stored).toEqual({
      id: 'cli-hook',
      channel: 'webhook',
      url: 'https://hooks.example.org/cli',
      secret: generated,
      filters: { milestones: ['harir-exit', 'ain-al-asad-exit'], bases: ['harir'], topics: ['withdrawal'], languages: ['ar', 'en'], outlets: ['Erem News'] },
      on: 'status',
      mode: 'digest',
      digest: { every: 'day', at: '08:00', timezone: 'Asia/Baghdad' },
      rateLimit: { max: 10, perSeconds: 3600 },
      managedBy: 'api',
      disabled: null,
    });
    expect(ran.stdout.split(generated)).toHaveLength(2);
    expect(logs).toContain('subscriber added');
    expect(logs).not.toContain(generated);
    expect((await run(['list'])).stdout).not.toContain(generated);
  });

  it('secret ID shows a webhook secret again, for config-managed ones too', async () => {
    expect((await run(['secret', 'cli-hook'])).stdout).toBe(`${generated}\n`);
    const ops = await run(['secret', 'ops-hook']);
    expect(ops.stdout).toBe(`${((await registry.get('ops-hook')) as { secret: string }).secret}\n`);
    const email = await run(['secret', 'desk']);
    expect(email.code).toBe(1);
    expect(email.stderr).toContain('email subscriber');
  });

  it('add --email --json with a given hourly digest; a given secret is not printed back', async () => {
    const ran = await run(['add', '--id', 'cli-desk', '--email', 'cli@example.org', '--digest', 'hourly', '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ subscriber: { id: 'cli-desk', channel: 'email', mode: 'digest', digest: { every: 'hour' } } });
    const secret = `whsec_${Buffer.alloc(24, 1).toString('base64')}`;
    const given = await run(['add', '--id', 'cli-given', '--webhook', 'https://hooks.example.org/given', '--secret', secret]);
    expect(given.code, given.stderr).toBe(0);
    expect(given.stdout).not.toContain(secret);
    expect(await registry.get('cli-given')).toMatchObject({ secret, mode: 'immediate', digest: null });
  });

  it('add refuses bad options with the option named, before touching Redis', async () => {
    const bad: [string[], RegExp][] = [
      [['add', '--webhook', 'https://x.org'], /--id is required/],
      [['add', '--id', 'x'], /either --webhook URL or --email ADDRESS/],
      [['add', '--id', 'x', '--webhook', 'https://x.org', '--email', 'a@b.org'], /either --webhook/],
      [['add', '--id', 'x', '--email', 'a@b.org', '--secret', 's'], /--secret is for --webhook/],
      [['add', '--id', 'Bad_Id', '--email', 'a@b.org'], /--id: must be kebab-case/],
      [['add', '--id', 'x', '--webhook', 'ftp://x.org'], /--webhook: must be an absolute http/],
      [['add', '--id', 'x', '--webhook', 'https://x.org', '--secret', 'short'], /--secret: must start with "whsec_"/],
      [['add', '--id', 'x', '--email', 'a@b.org', '--milestone', 'mars-exit'], /--milestone: milestone "mars-exit" is not in milestones.yaml/],
      [['add', '--id', 'x', '--email', 'a@b.org', '--base', 'atlantis'], /--base: base "atlantis" is not in taxonomy.yaml/],
      [['add', '--id', 'x', '--email', 'a@b.org', '--language', 'fr'], /--language: must be "ar" or "en"/],
      [['add', '--id', 'x', '--email', 'a@b.org', '--digest', 'weekly'], /--digest takes "hourly" or "daily@HH:MM/],
      [['add', '--id', 'x', '--email', 'a@b.org', '--digest', 'daily@8am'], /--digest: .*HH:MM/],
      [['add', '--id', 'x', '--email', 'a@b.org', '--digest', 'daily@08:00/Mars/Olympus'], /--digest: .*IANA time zone/],
      [['add', '--id', 'x', '--email', 'a@b.org', '--rate-limit', '10/week'], /--rate-limit: .*s, m, h or d/],
      [['list', '--id', 'x'], /--id: only for `subscribers add`/],
      [['remove'], /takes one subscriber id/],
      [['frobnicate'], /unknown subscribers subcommand/],
    ];
    for (const [argv, message] of bad) await expect(run(argv), argv.join(' ')).rejects.toThrow(message);
    await expect(run(['add', '--id', 'x'])).rejects.toBeInstanceOf(UsageError);
    expect(await registry.get('x')).toBeNull();
  });

  it('add refuses an id that is taken', async () => {
    const ran = await run(['add', '--id', 'ops-hook', '--email', 'a@b.org']);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('subscriber "ops-hook" exists already (in subscribers.yaml)');
  });

  it('remove deletes CLI-added subscribers and refuses config-managed ones', async () => {
    const refused = await run(['remove', 'ops-hook']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is defined in subscribers.yaml: delete it there');
    const removed = await run(['remove', 'cli-desk']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toBe('removed cli-desk\n');
    expect(await registry.get('cli-desk')).toBeNull();
    const again = await run(['remove', 'cli-desk']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no subscriber "cli-desk"');
  });

  it('drops a subscriber removed from the YAML at the next sync, keeping CLI-added ones', async () => {
    writeSubscribers(YAML.slice(0, YAML.indexOf('  - id: desk')));
    const ran = await run(['list', '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    expect((JSON.parse(ran.stdout) as { id: string }[]).map((s) => s.id)).toEqual(['cli-given', 'cli-hook', 'ops-hook']);
  });

  it('stops at a subscribers.yaml mistake, naming file and key, before Redis', async () => {
    writeSubscribers('subscribers:\n  - id: x\n    channel: email\n    email: x@example.org\n    filters: { bases: [atlantis] }\n');
    await expect(run(['list'])).rejects.toThrow(ConfigError);
    await expect(run(['list'])).rejects.toThrow(/subscribers\.yaml: subscribers\[0\]\.filters\.bases\[0\] \(x\): base "atlantis"/);
    writeSubscribers('subscribers:\n  - id: x\n    channel: fax\n');
    await expect(run(['list'])).rejects.toThrow(/line 3: subscribers\[0\]\.channel: must be "webhook" or "email"/);
    writeSubscribers('subscribers:\n  - id: cli-hook\n    channel: email\n    email: x@example.org\n');
    await expect(run(['list'])).rejects.toThrow(/was added with `marsad subscribers add`/);
    writeSubscribers(YAML);
  });
});
