// Helpers for tests that run marsad (and redis-server) as real processes. Every child is tracked,
// so that afterAll can stop whatever a failed test left running.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { redisAnswers } from '../../src/redis/connection.js';
import { freePort } from '../support/free-port.js';
import { INTERVAL_MS, PROCESS_MS, WAIT_MS } from '../support/limits.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(REPO, 'bin/marsad.js');

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  /** Output so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Settles when the process has exited. */
  exited: Promise<Ran>;
}

const children = new Set<ChildProcess>();

function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full, ext));
    else if (entry.name.endsWith(ext)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** bin/marsad.js runs dist/: testing it on a stale build would test old code. */
export function assertFreshBuild(): void {
  let built = 0;
  try {
    built = newestMtime(path.join(REPO, 'dist'), '.js');
  } catch {
    // no dist/ at all
  }
  const source = newestMtime(path.join(REPO, 'src'), '.ts');
  if (built < source) {
    throw new Error('dist/ is missing or older than src/: run `npm run build` first (`npm test` does it through "pretest").');
  }
}

/** Starts a process, tracked until it exits. */
export function start(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = REPO): Running {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<Ran>((resolve, reject) => {
    child.once('error', (err) => {
      children.delete(child);
      reject(err);
    });
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
  };
}

/** `node bin/marsad.js ARGS`, as a user runs it. */
export function startCli(args: string[], env: NodeJS.ProcessEnv, cwd = REPO): Running {
  return start(process.execPath, [BIN, ...args], env, cwd);
}

/**
 * Runs the CLI to its end; kills it (and fails) when it takes longer than `timeoutMs`: a guard against a
 * hang, not a time budget (a start alone loads the whole app, seconds of a loaded machine's CPU).
 */
export async function runCli(args: string[], env: NodeJS.ProcessEnv, { timeoutMs = PROCESS_MS, cwd = REPO } = {}): Promise<Ran> {
  const running = startCli(args, env, cwd);
  const timer = setTimeout(() => running.child.kill('SIGKILL'), timeoutMs);
  try {
    const ran = await running.exited;
    if (ran.signal === 'SIGKILL') throw new Error(`marsad ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout: ${ran.stdout}\nstderr: ${ran.stderr}`);
    return ran;
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for the exit, killing the process when it has not exited within `timeoutMs` (a guard against a hang). */
export async function exitWithin(running: Running, timeoutMs: number = PROCESS_MS): Promise<Ran & { ms: number }> {
  const started = Date.now();
  const timer = setTimeout(() => running.child.kill('SIGKILL'), timeoutMs);
  try {
    const ran = await running.exited;
    return { ...ran, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

/** SIGKILLs every child still running and waits for them: for afterAll. */
export async function killAll(): Promise<void> {
  const waits = [...children].map(
    (child) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('close', () => resolve());
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      }),
  );
  await Promise.all(waits);
  children.clear();
}

// Shared with the benches (tests/support/free-port.ts); the process tests import it from here.
export { freePort };

/** Whether Redis answers a PING (connecting may take a while on a loaded machine: that is not "no"). */
export async function pings(url: string): Promise<boolean> {
  return redisAnswers(url, 5_000);
}

/**
 * A throwaway redis-server on a free loopback port (no persistence), tracked like every child. Fault tests
 * restart one on its port with its AOF: `port`, and `aof` (appendfsync always: a kill -9 loses no
 * acknowledged write, so what they check is marsad, not Redis's fsync policy).
 */
export async function startRedisServer(dir: string, opts: { port?: number; aof?: boolean } = {}): Promise<{ url: string; server: Running }> {
  const port = opts.port ?? (await freePort());
  const persistence = opts.aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const server = start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...persistence, '--maxmemory-policy', 'noeviction'], process.env, dir);
  const url = `redis://127.0.0.1:${port}`;
  await vi.waitFor(
    async () => {
      if (server.child.exitCode !== null) throw new Error(`redis-server exited: ${server.stdout}`);
      if (!(await pings(url))) throw new Error(`redis-server on ${url} does not answer yet`);
    },
    { timeout: WAIT_MS, interval: INTERVAL_MS },
  );
  return { url, server };
}

/** The environment of a CLI run: the test's Redis and prefix, quiet logs. */
export function cliEnv(url: string, prefix: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.MARSAD_CONFIG_DIR;
  const env: NodeJS.ProcessEnv = { ...base, REDIS_URL: url, MARSAD_PREFIX: prefix, MARSAD_LOG_LEVEL: 'warn', ...extra };
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  return env;
}
