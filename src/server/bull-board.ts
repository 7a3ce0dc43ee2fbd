import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import { STAGES } from '../queues/names.js';

export const BOARD_PATH = '/queues';
/** The operators' board: bull-board fixes read-only mode per queue adapter at creation, so there are two. */
export const OPERATOR_BOARD_PATH = '/queues/operator';

/**
 * bull-board's page sets a <base href> and inline styles, which the server's CSP (base-uri 'none',
 * styles by nonce) blocks: its routes get this policy instead (@fastify/helmet's per-route config).
 * Scripts stay 'self' only; its Google Fonts stylesheet stays blocked (it falls back to system fonts).
 */
const BOARD_HELMET = {
  enableCSPNonces: false,
  // Per-route options replace the server's: the board may not be framed either.
  xFrameOptions: { action: 'deny' as const },
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      objectSrc: ["'none'"],
    },
  },
};

async function mountBoard(server: FastifyInstance, app: App, basePath: string, readOnlyMode: boolean, guard: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>): Promise<void> {
  const adapter = new FastifyAdapter();
  adapter.setBasePath(basePath);
  createBullBoard({
    queues: STAGES.map((s) => new BullMQAdapter(app.queues[s], { readOnlyMode })),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: readOnlyMode ? 'marsad queues (read-only)' : 'marsad queues (operator)' } },
  });
  // bull-board answers a failed request itself and logs nothing: its failures go to marsad's JSON log.
  const boardErrors = (adapter as unknown as { errorHandler: Parameters<FastifyAdapter['setErrorHandler']>[0] }).errorHandler;
  adapter.setErrorHandler((error) => {
    app.log.error({ err: error.message, board: basePath }, 'bull-board request failed');
    return boardErrors(error);
  });
  await server.register(
    async (board) => {
      board.addHook('onRoute', (route) => {
        route.config = { ...route.config, helmet: BOARD_HELMET } as typeof route.config;
      });
      board.addHook('preHandler', guard);
      await board.register(adapter.registerPlugin());
    },
    { prefix: basePath },
  );
}

/**
 * bull-board for every marsad queue: read-only at /queues for everyone signed in; with retry, clean
 * and promote at /queues/operator for operators only. An operator opening /queues is sent there.
 */
export async function registerBullBoard(server: FastifyInstance, app: App): Promise<void> {
  await mountBoard(server, app, BOARD_PATH, true, async (request, reply) => {
    const isPage = request.method === 'GET' && !request.url.startsWith(`${BOARD_PATH}/api/`) && !request.url.startsWith(`${BOARD_PATH}/static/`);
    if (isPage && request.role === 'operator') return reply.redirect(OPERATOR_BOARD_PATH + request.url.slice(BOARD_PATH.length), 303);
  });
  await mountBoard(server, app, OPERATOR_BOARD_PATH, false, async (request, reply) => {
    if (request.role !== 'operator') return reply.code(403).type('text/plain; charset=utf-8').send('the operator board needs the operator role; /queues is the read-only one');
    // bull-board's own page cannot send our CSRF token: its changes are PUT/POST from the page itself,
    // so refuse any that a browser says came from another site (cross-site requests carry these headers).
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const site = request.headers['sec-fetch-site'];
      const origin = request.headers.origin;
      if ((site !== undefined && site !== 'same-origin') || (origin !== undefined && new URL(origin).host !== request.headers.host)) {
        return reply.code(403).type('text/plain; charset=utf-8').send('cross-site request refused');
      }
    }
  });
}
