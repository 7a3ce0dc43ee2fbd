import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';

/** Who is asking: an operator may change things (retry, replay, subscribers), a reader may only look. */
export type Role = 'operator' | 'reader';

/**
 * How the role was established: a Bearer token (not CSRF-prone: browsers never add it by themselves), the
 * login cookie, or `open` (no token configured, loopback only); the last two need a CSRF token to change things.
 */
export type AuthMethod = 'bearer' | 'session' | 'open';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook; null for the public routes (health, unsubscribe, login, static assets) when no credential came. */
    role: Role | null;
    authMethod: AuthMethod | null;
  }
  interface FastifyContextConfig {
    /** A route anyone may read without a token (static assets): `config: { public: true }`. */
    public?: boolean;
  }
}

/** What every route module gets: the app, and a guard to put in front of routes that change state. */
export interface ServerContext {
  app: App;
  /**
   * preHandler: 403 unless the request comes from an operator; for cookie (and open loopback) sessions the
   * request must also carry the CSRF token from `reply.generateCsrf()` (`GET /api/csrf`), as the form field
   * `_csrf` or the header `x-csrf-token`.
   */
  requireOperator: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
}
