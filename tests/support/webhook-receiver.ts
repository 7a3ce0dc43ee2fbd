import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * What the receiver answers one request with. `hang` reads the request and never answers; `stall` sends
 * the status, headers and body but never ends the response.
 */
export type ReceiverReply = { status: number; headers?: Record<string, string>; body?: string; stall?: true } | { hang: true };

export interface ReceivedRequest {
  method: string;
  path: string;
  /** Lower-case names, repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The bytes as they arrived. */
  body: Buffer;
  verified: boolean;
  /** Why verification failed, as the library says it; null when verified. */
  error: string | null;
}

/**
 * A subscriber's endpoint on loopback. It verifies every request the way a receiver would, with the
 * standardwebhooks library over the raw body, records it, and answers 401 when verification fails;
 * otherwise with the next queued reply (200 when none is queued).
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  url = '';
  private readonly replies: ReceiverReply[] = [];
  private server: Server | null = null;

  constructor(private readonly secret: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/marsad`;
  }

  /** Drops hanging connections too, so a test never waits on them. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Queues the answers to the next requests, in order. */
  reply(...replies: ReceiverReply[]): void {
    this.replies.push(...replies);
  }

  /** The requests that reached a path. */
  to(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    let error: string | null = null;
    try {
      new Webhook(this.secret).verify(body.toString('utf8'), headers);
    } catch (err) {
      error = (err as Error).message;
    }
    this.requests.push({
      method: req.method ?? '',
      path: new URL(req.url ?? '/', 'http://receiver').pathname,
      headers,
      body,
      verified: error === null,
      error,
    });
    if (error !== null) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end(`invalid signature: ${error}`);
      return;
    }
    const reply = this.replies.shift() ?? { status: 200, body: 'ok' };
    if ('hang' in reply) return;
    res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
    if (reply.stall) res.write(reply.body ?? '');
    else res.end(reply.body ?? '');
  }
}
