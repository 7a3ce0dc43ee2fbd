// Stopping the child processes a test or bench started (redis-server, marsad workers). Free of vitest, so that
// benches use it too.
import type { ChildProcess } from 'node:child_process';

/** Sends SIGTERM to each child still running and waits until every one has exited. */
export async function stopChildren(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
}
