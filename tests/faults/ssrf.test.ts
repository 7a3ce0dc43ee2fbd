// Issue #12, SSRF: with private networks not allowed (the default), every spelling of a loopback,
// private or metadata address is refused before connecting, by the page and feed fetcher, robots.txt
// and webhook delivery alike. A canary listens on loopback and counts connections: it must see none.
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendWebhook, signedRequest } from '../../src/deliver/webhook.js';
import { createHttpClient, FetchError } from '../../src/fetch/http.js';
import { WAIT_MS } from '../support/limits.js';
import { emptyDigestBody, newSecret, webhookSubscriber } from '../support/subscriber.js';

let canary: net.Server;
let port: number;
let connections = 0;

beforeAll(async () => {
  canary = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  // Every local address: 127.0.0.1, ::1 and the rest of 127/8 reach it.
  await new Promise<void>((resolve) => canary.listen(0, resolve));
  port = (canary.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => canary.close(() => resolve()));
});

/** Ways to write an address of this machine (or of a private network) in a URL. */
const targets = () => [
  `http://127.0.0.1:${port}/`,
  `http://localhost:${port}/`,
  `http://127.1:${port}/`,
  `http://127.0.0.2:${port}/`,
  `http://2130706433:${port}/`,
  `http://0x7f000001:${port}/`,
  `http://0177.0.0.1:${port}/`,
  `http://0.0.0.0:${port}/`,
  `http://[::1]:${port}/`,
  `http://[::ffff:127.0.0.1]:${port}/`,
  `http://[::ffff:7f00:1]:${port}/`,
  `http://[0:0:0:0:0:ffff:7f00:0001]:${port}/`,
  `http://10.0.0.1:${port}/`,
  `http://192.168.1.1:${port}/`,
  `http://169.254.169.254:${port}/latest/meta-data/`,
  `http://[fd00::1]:${port}/`,
];

const OPTIONS = { contact: 'mailto:ops@example.org', deadlineMs: WAIT_MS, connectTimeoutMs: WAIT_MS, maxBodyBytes: 1 << 20, maxRedirects: 5, allowPrivateNetworks: false };

describe('with private networks not allowed', () => {
  it('the fetcher refuses every spelling of a loopback, private or metadata address (blocked-address, permanent), and the canary sees 0 connections', async () => {
    const client = createHttpClient(OPTIONS);
    try {
      for (const url of targets()) {
        const err = await client.get(url).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, url).toBeInstanceOf(FetchError);
        expect(err, url).toMatchObject({ kind: 'permanent' });
        expect((err as FetchError).reason, url).toMatch(/^(blocked-address|invalid-url)$/);
      }
    } finally {
      await client.close();
    }
    expect(connections).toBe(0);
  });

  it('webhook delivery refuses them too (permanent), and the canary sees 0 connections', async () => {
    const secret = newSecret();
    const body = emptyDigestBody();
    for (const url of targets()) {
      const request = signedRequest(webhookSubscriber({ id: 'ssrf', url, secret }), body.id, body, new Date());
      const outcome = await sendWebhook(request, { timeoutMs: WAIT_MS, allowPrivateNetworks: false, contact: 'mailto:ops@example.org' });
      expect(outcome, url).toMatchObject({ kind: 'permanent' });
    }
    expect(connections).toBe(0);
  });
});
