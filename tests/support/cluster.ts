// A throwaway Redis Cluster on loopback: three masters, no replicas, no persistence, in a temp folder. Free of
// vitest, so that benches start it too (bench/scale-out.ts).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { redisAnswers } from '../../src/redis/connection.js';
import { freePort } from './free-port.js';
import { stopChildren } from './stop-children.js';

export interface LocalCluster {
  /** redis+cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3 */
  url: string;
  ports: number[];
  /** Stops the servers and removes their folder. */
  stop(): Promise<void>;
}

/** A bound on waiting for the servers and the cluster state: a guard against a hang on a loaded machine. */
const START_MS = 60_000;

/** Why a cluster cannot be started here (redis-server or redis-cli missing), or null when it can. */
export function clusterUnavailable(): string | null {
  for (const tool of ['redis-server', 'redis-cli']) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0) return `${tool} is not on the PATH: the Redis Cluster test needs redis-server and redis-cli (Debian: apt-get install redis-server)`;
  }
  return null;
}

/** Polls `ready` until it returns null (ready) or START_MS passes; then throws its last reason. */
async function waitUntil(ready: () => Promise<string | null>): Promise<void> {
  const deadline = Date.now() + START_MS;
  for (;;) {
    const reason = await ready();
    if (reason === null) return;
    if (Date.now() > deadline) throw new Error(`Redis Cluster did not start within ${START_MS} ms: ${reason}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function redisCli(args: string[]): { code: number | null; output: string } {
  const ran = spawnSync('redis-cli', args, { encoding: 'utf8', timeout: START_MS });
  return { code: ran.status, output: `${ran.stdout ?? ''}${ran.stderr ?? ''}` };
}

/** Starts `masters` `redis-server --cluster-enabled yes`, joins them with `redis-cli --cluster create`, waits for cluster_state:ok on every node. */
export async function startCluster(masters = 3): Promise<LocalCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'marsad-cluster-'));
  const servers: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async () => {
    await stopChildren(servers);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      const nodeDir = path.join(dir, String(port));
      mkdirSync(nodeDir);
      ports.push(port);
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', path.join(nodeDir, 'nodes.conf'), '--dir', nodeDir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'];
      servers.push(spawn('redis-server', args, { cwd: nodeDir, stdio: 'ignore' }));
    }
    await waitUntil(async () => {
      for (const [i, port] of ports.entries()) {
        if (servers[i]!.exitCode !== null) throw new Error(`redis-server on port ${port} exited at start`);
        if (!(await redisAnswers(`redis://127.0.0.1:${port}`, 5_000))) return `redis-server on port ${port} does not answer yet`;
      }
      return null;
    });
    const created = redisCli(['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    if (created.code !== 0) throw new Error(`redis-cli --cluster create failed: ${created.output}`);
    // Every node must know every slot's owner before clients start: the gossip takes a moment.
    await waitUntil(async () => {
      for (const port of ports) if (!redisCli(['-p', String(port), 'cluster', 'info']).output.includes('cluster_state:ok')) return `node ${port} is not in cluster_state:ok yet`;
      return null;
    });
    return { url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`, ports, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
