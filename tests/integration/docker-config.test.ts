// docker-compose.yml as `docker-compose config` resolves it (no Docker engine needed): it refuses to
// resolve without the dashboard token's secret, naming the variable; with it, the services get the token
// as a Docker secret, config/ and seeds/ from the host, a liveness healthcheck and pinned images.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROCESS_MS } from '../support/limits.js';
import { REPO } from './processes.js';

const COMPOSE_FILE = path.join(REPO, 'docker-compose.yml');
const installed = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
const available = installed.error === undefined && installed.status === 0;
const tmp = mkdtempSync(path.join(tmpdir(), 'marsad-compose-'));

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * `docker-compose config` on the repository's compose file, with `envFile` in place of the .env beside it
 * (so that an engineer's own .env does not decide the result) and no MARSAD_ variable from this process.
 */
function composeConfig(envFileText: string, extra: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const envFile = path.join(tmp, `env-${Math.random().toString(36).slice(2)}`);
  writeFileSync(envFile, envFileText);
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MARSAD_')));
  const ran = spawnSync('docker-compose', ['-f', COMPOSE_FILE, '--env-file', envFile, 'config'], { cwd: REPO, env: { ...env, ...extra }, encoding: 'utf8', timeout: PROCESS_MS });
  if (ran.error) throw ran.error;
  return { status: ran.status, stdout: ran.stdout, stderr: ran.stderr };
}

interface Service {
  build?: unknown;
  image?: string;
  environment?: Record<string, string>;
  secrets?: (string | { source: string })[];
  volumes?: (string | { source: string; target: string; read_only?: boolean })[];
  healthcheck?: { test: string[] };
}

/** A volume as "source:target:ro", whichever syntax the docker-compose version prints. */
function mounts(service: Service): string[] {
  return (service.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}${v.read_only ? ':ro' : ''}`));
}

const reason = available ? '' : ' (skipped: docker-compose is not installed; `apt-get install docker-compose` runs these)';

describe.skipIf(!available)(`docker-compose config${reason}`, { timeout: PROCESS_MS }, () => {
  it('fails without MARSAD_DASHBOARD_TOKEN_SECRET (the dashboard token secret), saying how to set it', () => {
    const ran = composeConfig('');
    expect(ran.status, ran.stdout).not.toBe(0);
    expect(ran.stderr).toContain('MARSAD_DASHBOARD_TOKEN_SECRET');
    expect(ran.stderr).toContain('set it in .env to a file holding the dashboard token');
  });

  it('fails the same when the old plain MARSAD_DASHBOARD_TOKEN is all that is set (it is no longer passed)', () => {
    const ran = composeConfig('MARSAD_DASHBOARD_TOKEN=0123456789abcdef0123\n');
    expect(ran.status).not.toBe(0);
    expect(ran.stderr).toContain('MARSAD_DASHBOARD_TOKEN_SECRET');
  });

  it('passes with the secret named in .env, and gives the dashboard the token as a Docker secret only', () => {
    const ran = composeConfig('MARSAD_DASHBOARD_TOKEN_SECRET=./secrets/dashboard_token\n');
    expect(ran.status, ran.stderr).toBe(0);
    const config = parse(ran.stdout) as { services: Record<string, Service>; secrets: Record<string, { file: string }> };
    expect(config.secrets.dashboard_token!.file).toBe(path.join(REPO, 'secrets/dashboard_token'));
    const dashboard = config.services.dashboard!;
    expect(dashboard.secrets!.map((s) => (typeof s === 'string' ? s : s.source))).toContain('dashboard_token');
    expect(dashboard.environment!.MARSAD_DASHBOARD_TOKEN_FILE).toBe('/run/secrets/dashboard_token');
    expect(dashboard.environment!.MARSAD_HTTP_HOST).toBe('0.0.0.0');
    for (const service of Object.values(config.services)) {
      expect(Object.keys(service.environment ?? {})).not.toContain('MARSAD_DASHBOARD_TOKEN');
      expect(Object.keys(service.environment ?? {})).not.toContain('MARSAD_DASHBOARD_READONLY_TOKEN');
    }
  });

  it('passes with the variable in the environment too (CI), and resolves MARSAD_PUBLIC_URL', () => {
    const ran = composeConfig('', { MARSAD_DASHBOARD_TOKEN_SECRET: '/run/keys/marsad', MARSAD_PUBLIC_URL: 'https://marsad.example.org' });
    expect(ran.status, ran.stderr).toBe(0);
    const config = parse(ran.stdout) as { services: Record<string, Service> };
    expect(config.services.dashboard!.environment!.MARSAD_PUBLIC_URL).toBe('https://marsad.example.org');
    expect(config.services.worker!.environment!.MARSAD_PUBLIC_URL).toBe('https://marsad.example.org');
  });

  it('builds marsad for every service that runs it, mounts config/ and seeds/ read-only, checks liveness, pins images', () => {
    const ran = composeConfig('MARSAD_DASHBOARD_TOKEN_SECRET=./secrets/dashboard_token\n');
    expect(ran.status, ran.stderr).toBe(0);
    const { services } = parse(ran.stdout) as { services: Record<string, Service> };
    for (const name of ['worker', 'dashboard']) {
      const service = services[name]!;
      expect(service.build, name).toBeDefined();
      expect(mounts(service), name).toEqual(expect.arrayContaining([`${path.join(REPO, 'config')}:/app/config:ro`, `${path.join(REPO, 'seeds')}:/app/seeds:ro`]));
    }
    expect(services.dashboard!.healthcheck!.test.join(' ')).toContain('/healthz');
    expect(services.dashboard!.healthcheck!.test.join(' ')).not.toContain('/readyz');
    for (const [name, service] of Object.entries(services)) {
      expect(service.image, name).toMatch(/:[^:]+$/);
      if (!service.build) expect(service.image, name).not.toMatch(/:latest$/);
    }
  });
});
