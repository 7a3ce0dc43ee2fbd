// A throwaway Redis Cluster on loopback: three masters, no replicas, no persistence, in a temp folder.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';
import { redisAnswers } from '../../src/redis/connection.js';
import { exitWithin, freePort, start, type Ran, type Running } from '../integration/processes.js';
import { INTERVAL_MS, PROCESS_MS, WAIT_MS } from './limits.js';

export interface LocalCluster {
  /** redis+cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3 */
  url: string;
  ports: number[];
  stop(): Promise<void>;
}

function runTool(command: string, args: string[], timeoutMs: number): Promise<Ran> {
  return exitWithin(start(command, args, process.env), timeoutMs);
}

/** Why a cluster cannot be started here (redis-server or redis-cli missing), or null when it can. */
export function clusterUnavailable(): string | null {
  for (const tool of ['redis-server', 'redis-cli']) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0) return `${tool} is not on the PATH: the Redis Cluster test needs redis-server and redis-cli (Debian: apt-get install redis-server)`;
  }
  return null;
}

/** Starts three `redis-server --cluster-enabled yes`, joins them with `redis-cli --cluster create`, waits for cluster_state:ok. */
export async function startCluster(masters = 3): Promise<LocalCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'marsad-cluster-'));
  const servers: Running[] = [];
  const ports: number[] = [];
  const stop = async () => {
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.exited.catch(() => undefined)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      const nodeDir = path.join(dir, String(port));
      mkdirSync(nodeDir);
      ports.push(port);
      servers.push(
        start(
          'redis-server',
          ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', path.join(nodeDir, 'nodes.conf'), '--dir', nodeDir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'],
          process.env,
          nodeDir,
        ),
      );
    }
    for (const [i, port] of ports.entries()) {
      await vi.waitFor(
        async () => {
          if (servers[i]!.child.exitCode !== null) throw new Error(`redis-server on port ${port} exited: ${servers[i]!.stdout}`);
          if (!(await redisAnswers(`redis://127.0.0.1:${port}`, 5_000))) throw new Error(`redis-server on port ${port} does not answer yet`);
        },
        { timeout: WAIT_MS, interval: INTERVAL_MS },
      );
    }
    const created = await runTool('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], PROCESS_MS);
    if (created.code !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    const url = `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`;
    // Every node must know every slot's owner before clients start: the gossip takes a moment.
    await vi.waitFor(
      async () => {
        for (const port of ports) {
          const info = await runTool('redis-cli', ['-p', String(port), 'cluster', 'info'], WAIT_MS);
          if (!info.stdout.includes('cluster_state:ok')) throw new Error(`node ${port} is not in cluster_state:ok yet`);
        }
      },
      { timeout: WAIT_MS * 3, interval: 200 },
    );
    return { url, ports, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
