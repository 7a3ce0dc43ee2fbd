import { openApp, type App } from '../app.js';
import { STAGES, isStage, type Stage } from '../queues/names.js';
import type { CommandContext } from './main.js';
import { UsageError } from './main.js';

/** Active jobs get this long to finish on shutdown; the compose file's stop_grace_period is longer. */
export const SHUTDOWN_DEADLINE_MS = 25_000;

export async function runCommand(ctx: CommandContext): Promise<number> {
  return serve([...STAGES], ctx);
}

export async function workerCommand(stages: string[], ctx: CommandContext): Promise<number> {
  const unknown = stages.filter((s) => !isStage(s));
  if (unknown.length > 0) throw new UsageError(`unknown stage ${unknown.join(', ')}; stages are ${STAGES.join(', ')}`);
  return serve(stages.length > 0 ? (stages as Stage[]) : [...STAGES], ctx);
}

async function serve(stages: Stage[], ctx: CommandContext): Promise<number> {
  const app = await openApp({ log: ctx.log });
  app.startWorkers(stages);
  ctx.log.info({ stages, redis: app.endpoint.privateServer ? 'private redis-server' : 'external', prefix: app.config.settings.redis.prefix }, 'workers started');
  return waitForSignal(app, ctx);
}

/** Resolves with the exit code once a signal has closed the app (or the deadline has passed). */
export function waitForSignal(app: App, ctx: CommandContext): Promise<number> {
  return new Promise((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        ctx.log.warn({ signal }, 'second signal: exiting now');
        resolve(130);
        return;
      }
      signalled = true;
      ctx.log.info({ signal }, 'shutting down: letting active jobs finish');
      const deadline = setTimeout(() => {
        ctx.log.error({ deadline_ms: SHUTDOWN_DEADLINE_MS }, 'shutdown deadline passed; exiting with jobs still active (they will be retried)');
        resolve(1);
      }, SHUTDOWN_DEADLINE_MS);
      deadline.unref();
      app.close().then(
        () => {
          clearTimeout(deadline);
          ctx.log.info('stopped');
          resolve(0);
        },
        (err: Error) => {
          ctx.log.error({ err: err.message }, 'error while shutting down');
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
