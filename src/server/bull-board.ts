import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import { STAGES } from '../queues/names.js';
import { csrfPasses } from './auth.js';

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

/**
 * bull-board's page sends its changes (retry, pause, clean…) with XMLHttpRequest or fetch and knows nothing
 * of marsad's CSRF token: this script, loaded before the page's own, adds the token it is given
 * (`data-csrf`) as `x-csrf-token` to every same-origin request that changes something.
 */
export const BOARD_CSRF_SCRIPT_PATH = '/assets/bull-board-csrf.js';
const BOARD_CSRF_SCRIPT = `(() => {
  const token = document.currentScript.dataset.csrf;
  const changes = (method, url) => !/^(GET|HEAD|OPTIONS)$/i.test(method || 'GET') && new URL(url, location.href).origin === location.origin;
  const marked = new WeakSet();
  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    if (changes(method, String(url))) marked.add(this); else marked.delete(this);
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (body) {
    if (marked.has(this)) this.setRequestHeader('x-csrf-token', token);
    return send.call(this, body);
  };
  const originalFetch = window.fetch;
  window.fetch = (input, init) => {
    const request = new Request(input, init);
    if (changes(request.method, request.url)) request.headers.set('x-csrf-token', token);
    return originalFetch(request);
  };
})();
`;

/** Where the page's token goes: before </head>, so the script runs before bull-board's deferred ones. */
function withCsrfScript(html: string, token: string): string {
  const tag = `<script src="${BOARD_CSRF_SCRIPT_PATH}" data-csrf="${token.replace(/[^A-Za-z0-9_-]/g, '')}"></script>`;
  return html.replace('</head>', `${tag}</head>`);
}

type Guard = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

async function mountBoard(server: FastifyInstance, app: App, basePath: string, readOnlyMode: boolean, guard: Guard): Promise<void> {
  const adapter = new FastifyAdapter();
  adapter.setBasePath(basePath);
  createBullBoard({
    queues: STAGES.map((s) => new BullMQAdapter(app.queues.queuesForBoard()[s], { readOnlyMode })),
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
      if (!readOnlyMode) {
        // The token is made before the handler (it may set the CSRF cookie, which onSend is too late for).
        board.addHook('preHandler', async (request, reply) => {
          if (request.method === 'GET' && request.authMethod !== 'bearer') csrfTokens.set(request, reply.generateCsrf());
        });
        board.addHook('onSend', async (request, reply, payload) => {
          const token = csrfTokens.get(request);
          const html = String(reply.getHeader('content-type') ?? '').startsWith('text/html');
          return token !== undefined && html && typeof payload === 'string' ? withCsrfScript(payload, token) : payload;
        });
      }
      await board.register(adapter.registerPlugin());
    },
    { prefix: basePath },
  );
}

/**
 * bull-board for every marsad queue: read-only at /queues for everyone signed in; with retry, clean
 * and promote at /queues/operator for operators only. An operator opening /queues is sent there.
 */
const csrfTokens = new WeakMap<FastifyRequest, string>();

export async function registerBullBoard(server: FastifyInstance, app: App): Promise<void> {
  server.get(BOARD_CSRF_SCRIPT_PATH, async (_request, reply) =>
    reply.headers({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }).send(BOARD_CSRF_SCRIPT),
  );
  await mountBoard(server, app, BOARD_PATH, true, async (request, reply) => {
    const isPage = request.method === 'GET' && !request.url.startsWith(`${BOARD_PATH}/api/`) && !request.url.startsWith(`${BOARD_PATH}/static/`);
    if (isPage && request.role === 'operator') return reply.redirect(OPERATOR_BOARD_PATH + request.url.slice(BOARD_PATH.length), 303);
  });
  await mountBoard(server, app, OPERATOR_BOARD_PATH, false, async (request, reply) => {
    if (request.role !== 'operator') return reply.code(403).type('text/plain; charset=utf-8').send('the operator board needs the operator role; /queues is the read-only one');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      // Cookie (and open loopback) sessions need the CSRF token, as everywhere (the page gets it from
      // BOARD_CSRF_SCRIPT); and a request a browser says came from another site is refused outright.
      const site = request.headers['sec-fetch-site'];
      const origin = request.headers.origin;
      if ((site !== undefined && site !== 'same-origin') || (origin !== undefined && new URL(origin).host !== request.headers.host)) {
        return reply.code(403).type('text/plain; charset=utf-8').send('cross-site request refused');
      }
      if (!csrfPasses(server, request, reply)) return reply;
    }
  });
}
