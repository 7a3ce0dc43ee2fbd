import type { FastifyInstance } from 'fastify';
import { openApp, type App } from '../app.js';
import { loadConfig, MIN_DASHBOARD_TOKEN_LENGTH, type Config } from '../config/load.js';
import { STAGES, isStage, type Stage } from '../queues/names.js';
import { keepSchedulers } from '../queues/scheduler-keeper.js';
import type { CommandContext } from './context.js';
import { UsageError } from './context.js';

/** The HTTP server (Fastify and its plugins) is loaded only by the commands that serve it: the CLI's one door to src/server. */
const loadServer = () => import('../server/server.js');

/** Active jobs get this long to finish on shutdown; the compose file's stop_grace_period is longer. */
export const SHUTDOWN_DEADLINE_MS = 25_000;
/**
 * When jobs still running on shutdown (a slow page, a hanging webhook receiver) are cut and handed back to
 * their queue for another worker to take at once: early enough before the deadline for the hand-over.
 */
export const HAND_BACK_AFTER_MS = SHUTDOWN_DEADLINE_MS - 5_000;

export async function runCommand(ctx: CommandContext): Promise<number> {
  return serve([...STAGES], ctx, { http: true, command: 'run' });
}

/** `marsad dashboard`: the HTTP server alone (health, unsubscribe links). */
export async function dashboardCommand(ctx: CommandContext): Promise<number> {
  return serve([], ctx, { http: true, command: 'dashboard' });
}

export async function workerCommand(stages: string[], ctx: CommandContext): Promise<number> {
  const unknown = stages.filter((s) => !isStage(s));
  if (unknown.length > 0) throw new UsageError(`unknown stage ${unknown.join(', ')}; stages are ${STAGES.join(', ')}`);
  return serve(stages.length > 0 ? (stages as Stage[]) : [...STAGES], ctx, { http: false, command: 'worker' });
}

/**
 * Why the HTTP server may not start with this config (one line, naming the variable and how to set it),
 * or null. Checked before anything connects to Redis, so that a container without its token exits 1 at
 * once instead of running workers without the server it was started for.
 */
export function dashboardStartProblem(config: Config, isLoopbackHost: (host: string) => boolean): string | null {
  const { host } = config.settings.http;
  if (config.dashboard.token !== null || isLoopbackHost(host)) return null;
  return (
    `MARSAD_DASHBOARD_TOKEN is not set, and the dashboard does not listen on ${host} without it: ` +
    `set MARSAD_DASHBOARD_TOKEN (at least ${MIN_DASHBOARD_TOKEN_LENGTH} characters, e.g. \`openssl rand -hex 24\`; with docker compose: the dashboard_token secret, see .env.example) ` +
    `or MARSAD_DASHBOARD_TOKEN_FILE (a file holding it), or listen on 127.0.0.1 (MARSAD_HTTP_HOST)`
  );
}

async function serve(stages: Stage[], ctx: CommandContext, opts: { http: boolean; command: string }): Promise<number> {
  const config = loadConfig();
  const server = opts.http ? await loadServer() : null;
  if (server) {
    const problem = dashboardStartProblem(config, server.isLoopbackHost);
    if (problem !== null) {
      ctx.err.write(`marsad ${opts.command}: ${problem}\n`);
      return 1;
    }
  }
  const app = await openApp({ log: ctx.log, config });
  try {
    return await start(app, stages, ctx, server?.createServer ?? null);
  } catch (err) {
    // Whatever failed (a port in use, say), the workers and connections opened so far would keep Node
    // running, so a container would sit there unhealthy: close them (within the deadline), then fail.
    await closeWithin(app, SHUTDOWN_DEADLINE_MS, ctx);
    throw err;
  }
}

async function closeWithin(app: App, ms: number, ctx: CommandContext): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
    timer.unref();
  });
  const closed = app.close().then(
    () => 'closed' as const,
    (err: Error) => {
      ctx.log.error({ err: err.message }, 'error while closing after a failed start');
      return 'closed' as const;
    },
  );
  if ((await Promise.race([closed, deadline])) === 'late') {
    ctx.log.error({ deadline_ms: ms }, 'could not close within the deadline after a failed start; exiting');
    process.exitCode = 1;
    process.exit(1);
  }
  clearTimeout(timer);
}

async function start(app: App, stages: Stage[], ctx: CommandContext, createServer: ((app: App) => Promise<FastifyInstance>) | null): Promise<number> {
  if ((stages.includes('poll') || stages.includes('fetch')) && app.config.settings.fetch.contact === null) {
    ctx.log.warn('fetch.contact is not set in settings.yaml: the sites marsad polls cannot tell who to contact about it');
  }
  // Schedulers and subscribers in place, and put back should Redis lose them (scheduler-keeper.ts).
  const keeper = await keepSchedulers(app, stages, ctx.log);
  app.onClose(async () => keeper.stop());
  app.startWorkers(stages);
  if (createServer) {
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
      const handBack = setTimeout(() => {
        const active = app.queues.handBack();
        ctx.log.warn({ active_jobs: active, after_ms: HAND_BACK_AFTER_MS }, 'shutdown: cutting the jobs still running and handing them back to their queues (another worker takes them at once)');
      }, HAND_BACK_AFTER_MS);
      handBack.unref();
      app.close().then(
        () => {
          clearTimeout(deadline);
          clearTimeout(handBack);
          ctx.log.info('stopped');
          resolve(0);
        },
        (err: Error) => {
          clearTimeout(deadline);
          clearTimeout(handBack);
          ctx.log.error({ err: err.message }, 'error while shutting down');
          exitNow(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
