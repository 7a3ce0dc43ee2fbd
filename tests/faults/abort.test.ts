// Issue #12 item 6, the parts a shutdown's hand-back relies on: an abort signal cuts the fetcher's request
// (a page dripping a byte at a time) and the webhook sender's (a receiver that never answers) at once,
// long before their own deadlines.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendWebhook, signedRequest } from '../../src/deliver/webhook.js';
import { createHttpClient } from '../../src/fetch/http.js';
import { emptyDigestBody, newSecret, webhookSubscriber } from '../support/subscriber.js';

/** Far beyond any wait of the tests: only the abort can end a request in time. */
const NEVER_MS = 600_000;
let server: Server;
let base: string;
const timers = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/drip') {
      res.writeHead(200, { 'content-type': 'text/html' });
      const timer = setInterval(() => res.write('<p>.</p>'), 200);
      timers.add(timer);
      res.on('close', () => clearInterval(timer));
      return;
    }
    // /hang: takes the request and never answers
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const t of timers) clearInterval(t);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('an abort signal (the shutdown handing jobs back)', () => {
  it('cuts a dripping page: the fetcher rejects with the signal\'s reason', async () => {
    const client = createHttpClient({ contact: 'mailto:ops@example.org', deadlineMs: NEVER_MS, connectTimeoutMs: NEVER_MS, maxBodyBytes: 1 << 24, maxRedirects: 5, allowPrivateNetworks: true });
    const controller = new AbortController();
    const reason = new Error('shutting down: the job is handed back to the queue');
    const got = client.get(`${base}/drip`, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 500);
    await expect(got).rejects.toBe(reason);
    await client.close();
  });

  it('cuts a webhook request to a receiver that never answers: a retry, said as a shutdown\'s', async () => {
    const secret = newSecret();
    const body = emptyDigestBody();
    const request = signedRequest(webhookSubscriber({ id: 'hang', url: `${base}/hang`, secret }), body.id, body, new Date());
    const controller = new AbortController();
    const sent = sendWebhook(request, { timeoutMs: NEVER_MS, allowPrivateNetworks: true, contact: 'mailto:ops@example.org', signal: controller.signal });
    setTimeout(() => controller.abort(), 500);
    expect(await sent).toEqual({ kind: 'retry', reason: 'connection', message: 'cut short by a shutdown: sent again at once by another worker' });
  });
});
