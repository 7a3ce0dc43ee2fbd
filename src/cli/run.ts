import { openApp, type App } from '../app.js';
import { STAGES, isStage, type Stage } from '../queues/names.js';
import { syncDigestSchedulers, syncPollSchedulers, tickMs } from '../queues/schedulers.js';
import type { CommandContext } from './main.js';
import { UsageError } from './main.js';
import { createServer } from '../server/server.js';

/** Active jobs get this long to finish on shutdown; the compose file's stop_grace_period is longer. */
export const SHUTDOWN_DEADLINE_MS = 25_000;

export async function runCommand(ctx: CommandContext): Promise<number> {
  return serve([...STAGES], ctx, { http: true });
}

/** `marsad dashboard`: the HTTP server alone (health, unsubscribe links). */
export async function dashboardCommand(ctx: CommandContext): Promise<number> {
  return serve([], ctx, { http: true });
}

export async function workerCommand(stages: string[], ctx: CommandContext): Promise<number> {
  const unknown = stages.filter((s) => !isStage(s));
  if (unknown.length > 0) throw new UsageError(`unknown stage ${unknown.join(', ')}; stages are ${STAGES.join(', ')}`);
  return serve(stages.length > 0 ? (stages as Stage[]) : [...STAGES], ctx, { http: false });
}

async function serve(stages: Stage[], ctx: CommandContext, opts: { http: boolean }): Promise<number> {
  const app = await openApp({ log: ctx.log });
  if ((stages.includes('poll') || stages.includes('fetch')) && app.config.settings.fetch.contact === null) {
    ctx.log.warn('fetch.contact is not set in settings.yaml: the sites marsad polls cannot tell who to contact about it');
  }
  if (stages.includes('poll')) {
    const { added, removed } = await syncPollSchedulers(app.queues.poll, app.config.feeds, app.config.settings);
    ctx.log.info({ feeds: added, removed, tick_ms: tickMs(app.config.settings) }, 'poll schedulers in place');
  }
  const synced = await app.subscribers.syncFromConfig(app.config.subscribers);
  if (stages.includes('digest')) await syncDigestSchedulers(app.queues.digest, await app.subscribers.list());
  ctx.log.info({ added: synced.added, updated: synced.updated, removed: synced.removed }, 'subscribers from subscribers.yaml in place');
  app.startWorkers(stages);
  if (opts.http) {
    const server = await createServer(app);
    const { host, port } = app.config.settings.http;
    const address = await server.listen({ host, port });
    ctx.log.info({ address }, 'http server listening');
    // Stop accepting requests first on shutdown, then the workers and connections close.
    app.onClose(() => server.close());
  }
  ctx.log.info({ stages, redis: app.endpoint.privateServer ? 'private redis-server' : 'external', prefix: app.config.settings.redis.prefix }, 'workers started');
  return waitForSignal(app, ctx);
}

/**
 * Resolves with 0 once a signal has closed the app (active jobs finished). A second signal, or the
 * shutdown deadline passing, ends the process at once (`exit`, process.exit by default): resolving is
 * not enough then, since the open workers and connections would keep Node running.
 */
export function waitForSignal(app: App, ctx: CommandContext, exit: (code: number) => void = (code) => process.exit(code)): Promise<number> {
  return new Promise((resolve) => {
    let signalled = false;
    const exitNow = (code: number) => {
      // A private redis-server gets its SIGTERM now (it writes its AOF); the stop() promise is not awaited.
      void app.endpoint.stop().catch(() => {});
      resolve(code);
      exit(code);
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        ctx.log.warn({ signal }, 'second signal: exiting now (active jobs will be retried)');
        exitNow(130);
        return;
      }
      signalled = true;
      ctx.log.info({ signal }, 'shutting down: letting active jobs finish (a second signal exits at once)');
      const deadline = setTimeout(() => {
        ctx.log.error({ deadline_ms: SHUTDOWN_DEADLINE_MS }, 'shutdown deadline passed; exiting with jobs still active (they will be retried)');
        exitNow(1);
      }, SHUTDOWN_DEADLINE_MS);
      deadline.unref();
      app.close().then(
        () => {
          clearTimeout(deadline);
          ctx.log.info('stopped');
          resolve(0);
        },
        (err: Error) => {
          clearTimeout(deadline);
          ctx.log.error({ err: err.message }, 'error while shutting down');
          exitNow(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
