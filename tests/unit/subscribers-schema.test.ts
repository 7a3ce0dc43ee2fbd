/** config/subscribers.yaml: the shipped file delivers to nobody; entries parse to subscribers; mistakes name file:line and key. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseYamlConfig } from '../../src/config/yaml-file.js';
import { crossCheck, readSubscribersConfig, secretProblem, SubscribersConfigSchema, subscribersConfigSchema } from '../../src/subscribers/schema.js';

const SHIPPED = fileURLToPath(new URL('../../config/subscribers.yaml', import.meta.url));
const SECRET = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;

function problems(text: string, schema = SubscribersConfigSchema): string[] {
  try {
    parseYamlConfig('subscribers.yaml', text, schema);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('shipped config/subscribers.yaml', () => {
  it('is an empty list, so nothing is delivered until an operator adds someone', () => {
    expect(readSubscribersConfig(SHIPPED)).toEqual({ subscribers: [] });
  });

  it('has a commented example that validates once uncommented', () => {
    const lines = readFileSync(SHIPPED, 'utf8').split('\n');
    const example = lines
      .slice(lines.indexOf('# subscribers:'))
      .filter((l) => l.startsWith('# '))
      .map((l) => l.slice(2))
      .join('\n')
      // The example's Docker secret does not exist here; the rest must validate as shipped.
      .replace('secret_file: /run/secrets/ops_webhook', `secret: ${SECRET}`);
    const cfg = parseYamlConfig('example', example, SubscribersConfigSchema);
    expect(cfg.subscribers.map((s) => s.id)).toEqual(['ops-webhook', 'baghdad-desk']);
  });
});

describe('subscribers.yaml validation', () => {
  it('turns entries into subscribers with defaults filled', () => {
    const cfg = parseYamlConfig(
      'subscribers.yaml',
      [
        'subscribers:',
        '  - id: ops-webhook',
        '    channel: webhook',
        '    url: https://hooks.example.org/marsad',
        '    filters:',
        '      milestones: [ain-al-asad-exit]',
        '      languages: [ar]',
        '      outlets: ["Erem News"]',
        '    rate_limit: { max: 10, per: 1h }',
        '  - id: desk',
        '    channel: email',
        '    email: desk@example.org',
        '    mode: digest',
        '    digest: { every: day, at: "08:00", timezone: Asia/Baghdad }',
        '  - id: hourly',
        '    channel: webhook',
        '    url: http://127.0.0.1:9000/hook',
        `    secret: ${SECRET}`,
        '    filters: { bases: [] }',
        '    mode: digest',
        '    digest: { every: hour }',
        '  - id: utc-daily',
        '    channel: email',
        '    email: utc@example.org',
        '    mode: digest',
        '    digest: { every: day, at: "23:30" }',
      ].join('\n'),
      SubscribersConfigSchema,
    );
    const none = { milestones: [], bases: [], topics: [], languages: [], outlets: [] };
    expect(cfg.subscribers).toEqual([
      {
        id: 'ops-webhook',
        channel: 'webhook',
        url: 'https://hooks.example.org/marsad',
        secret: null,
        filters: { ...none, milestones: ['ain-al-asad-exit'], languages: ['ar'], outlets: ['Erem News'] },
        on: 'report',
        mode: 'immediate',
        digest: null,
        rateLimit: { max: 10, perSeconds: 3600 },
      },
      { id: 'desk', channel: 'email', email: 'desk@example.org', filters: none, on: 'report', mode: 'digest', digest: { every: 'day', at: '08:00', timezone: 'Asia/Baghdad' }, rateLimit: null },
      { id: 'hourly', channel: 'webhook', url: 'http://127.0.0.1:9000/hook', secret: SECRET, filters: none, on: 'report', mode: 'digest', digest: { every: 'hour' }, rateLimit: null },
      { id: 'utc-daily', channel: 'email', email: 'utc@example.org', filters: none, on: 'report', mode: 'digest', digest: { every: 'day', at: '23:30', timezone: 'UTC' }, rateLimit: null },
    ]);
  });

  it('reads `subscribers:` with every entry commented out as an empty list', () => {
    expect(parseYamlConfig('subscribers.yaml', 'subscribers:\n#  - id: x\n', SubscribersConfigSchema)).toEqual({ subscribers: [] });
  });

  it('names line, key and fix for every mistake', () => {
    const text = [
      'subscribers:',
      '  - id: Ops_Hook', // 2
      '    channel: webhook', // 3
      '    email: ops@example.org', // 4
      '    secret: hunter2', // 5
      '    mode: digest', // 6
      '  - id: desk',
      '    channel: email',
      '    email: not-an-address', // 9
      '    digest: { every: day, at: "8am", timezone: Mars/Olympus }', // 10
      '    rate_limit: { max: 0, per: 1w }', // 11
      '    filters: { languages: [fr], colour: [red] }', // 12
      '  - id: pigeon',
      '    channel: pigeon', // 14
      '    colour: grey', // 15
    ].join('\n');
    const found = problems(text);
    const expected: [number, string, RegExp][] = [
      [2, 'subscribers[0].id', /kebab-case/],
      [3, 'subscribers[0].channel', /a webhook needs `url:`/],
      [4, 'subscribers[0].email', /`email` is for channel: email/],
      [5, 'subscribers[0].secret', /must start with "whsec_"/],
      [6, 'subscribers[0].mode', /digest mode needs `digest:/],
      [9, 'subscribers[1].email', /email address/],
      [10, 'subscribers[1].digest.at', /HH:MM/],
      [10, 'subscribers[1].digest.timezone', /IANA time zone/],
      [11, 'subscribers[1].rate_limit.max', /at least 1/],
      [11, 'subscribers[1].rate_limit.per', /s, m, h or d/],
      [12, 'subscribers[1].filters.languages[0]', /"ar" or "en"/],
      [12, 'subscribers[1].filters', /colour/],
      [14, 'subscribers[2].channel', /"webhook" or "email"/],
      [15, 'subscribers[2]', /colour/],
    ];
    for (const [line, key, message] of expected) {
      expect(found.some((p) => p.startsWith(`line ${line}: ${key}:`) && message.test(p)), `line ${line} ${key} ${message}\n${found.join('\n')}`).toBe(true);
    }
    // Secrets are never quoted back: problems go to logs.
    expect(found.join('\n')).not.toContain('hunter2');
  });

  it('rejects a digest on an immediate subscriber, secrets for email, duplicate ids', () => {
    const found = problems(
      [
        'subscribers:',
        '  - id: a',
        '    channel: email',
        '    email: a@example.org',
        '    digest: { every: hour }', // 5
        '  - id: b',
        '    channel: email',
        '    email: b@example.org',
        `    secret: ${SECRET}`, // 9
        '  - id: a', // 10
        '    channel: webhook',
        '    url: https://example.org/hook',
        `    secret: ${SECRET}`,
        '    secret_file: hook.secret', // 14
      ].join('\n'),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^line 5: subscribers\[0\]\.digest: `digest` is only for `mode: digest`/),
        expect.stringMatching(/^line 9: subscribers\[1\]\.secret: `secret` is for channel: webhook/),
        expect.stringMatching(/^line 14: subscribers\[2\]\.secret_file: give `secret` or `secret_file`, not both/),
      ]),
    );
    const dup = problems('subscribers:\n  - id: a\n    channel: email\n    email: a@example.org\n  - id: a\n    channel: email\n    email: b@example.org\n');
    expect(dup).toEqual(['line 5: subscribers[1].id: duplicate id "a" (also subscribers[0])']);
  });

  it('reports YAML syntax errors with their line', () => {
    const found = problems('subscribers:\n  - id: a\n    channel: [webhook\n');
    expect(found[0]).toMatch(/^line \d+, column \d+: YAML syntax/);
  });

  it('reads secret_file relative to the YAML folder and names its line when it is missing or malformed', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'marsad-subscribers-'));
    writeFileSync(path.join(dir, 'hook.secret'), `${SECRET}\n`);
    writeFileSync(path.join(dir, 'bad.secret'), 'letmein\n');
    const entry = (id: string, file: string) => `  - id: ${id}\n    channel: webhook\n    url: https://example.org/${id}\n    secret_file: ${file}\n`;
    writeFileSync(path.join(dir, 'subscribers.yaml'), `subscribers:\n${entry('a', 'hook.secret')}`);
    const cfg = readSubscribersConfig(path.join(dir, 'subscribers.yaml'));
    expect(cfg.subscribers[0]).toMatchObject({ id: 'a', secret: SECRET });

    const schema = subscribersConfigSchema({ baseDir: dir });
    expect(problems(`subscribers:\n${entry('a', 'missing.secret')}`, schema)).toEqual([
      `line 5: subscribers[0].secret_file: cannot read ${path.join(dir, 'missing.secret')} (ENOENT)`,
    ]);
    const bad = problems(`subscribers:\n${entry('a', 'hook.secret')}${entry('b', 'bad.secret')}`, schema);
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(/^line 9: subscribers\[1\]\.secret_file: the secret in .*bad\.secret must start with "whsec_"/);
    expect(bad[0]).not.toContain('letmein');
  });
});

describe('secretProblem', () => {
  it.each([
    [SECRET, null],
    [`whsec_${Buffer.alloc(32).toString('base64')}`, null],
    [Buffer.alloc(32).toString('base64'), /must start with "whsec_"/],
    ['whsec_not base64!', /not base64/],
    [`whsec_${Buffer.alloc(16).toString('base64')}`, /too short/],
  ])('%s', (secret, expected) => {
    const problem = secretProblem(secret);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});

describe('crossCheck', () => {
  it('names each filter id that milestones.yaml or taxonomy.yaml does not define', () => {
    const { subscribers } = parseYamlConfig(
      'subscribers.yaml',
      'subscribers:\n  - id: a\n    channel: email\n    email: a@example.org\n    filters: { milestones: [harir-exit, mars-exit], bases: [harir, atlantis], topics: [withdrawal, knitting] }\n',
      SubscribersConfigSchema,
    );
    const ids = { milestones: ['harir-exit'], bases: ['harir'], topics: ['withdrawal'] };
    expect(crossCheck(subscribers, ids)).toEqual([
      'subscribers.yaml: subscribers[0].filters.milestones[1] (a): milestone "mars-exit" is not in milestones.yaml; known: harir-exit',
      'subscribers.yaml: subscribers[0].filters.bases[1] (a): base "atlantis" is not in taxonomy.yaml bases; known: harir',
      'subscribers.yaml: subscribers[0].filters.topics[1] (a): topic "knitting" is not in taxonomy.yaml topics; known: withdrawal',
    ]);
    expect(crossCheck(subscribers, { milestones: ['harir-exit', 'mars-exit'], bases: ['harir', 'atlantis'], topics: ['withdrawal', 'knitting'] })).toEqual([]);
  });
});
