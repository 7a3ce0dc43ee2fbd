import net, { type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookSubscriber } from '../../src/alerts/model.js';
import {
  RESPONSE_LIMIT,
  sendWebhook,
  signedRequest,
  type SendWebhookOptions,
  type WebhookRequest,
} from '../../src/deliver/webhook.js';
import { WAIT_MS } from '../support/limits.js';
import { emptyDigestBody, newSecret } from '../support/subscriber.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const secret = newSecret();
// The timeout guards the tests against a hang; the tests of the timeout set their own.
const OPTIONS: SendWebhookOptions = { timeoutMs: WAIT_MS, allowPrivateNetworks: true, contact: 'mailto:ops@example.org' };

const body = emptyDigestBody();

let receiver: WebhookReceiver;
let subscriber: WebhookSubscriber;

/** A fresh signature for an attempt made now, as the worker makes one per attempt. */
function attempt(target: Partial<WebhookSubscriber> = {}): WebhookRequest {
  return signedRequest({ ...subscriber, ...target }, body.id, body, new Date());
}

beforeAll(async () => {
  receiver = new WebhookReceiver(secret);
  await receiver.start();
  subscriber = {
    id: 'ops-desk',
    channel: 'webhook',
    url: receiver.url,
    secret,
    filters: { milestones: [], bases: [], topics: [], languages: [], outlets: [] },
    on: 'report',
    mode: 'digest',
    digest: { every: 'hour' },
    rateLimit: null,
    managedBy: 'config',
    disabled: null,
  };
});

afterAll(async () => {
  await receiver.stop();
});

afterEach(() => {
  receiver.requests.length = 0;
});

describe('sendWebhook', () => {
  it('200: sent, verified by the receiver, the same webhook-id on a second send', async () => {
    receiver.reply({ status: 200, body: 'accepted' }, { status: 204 });
    expect(await sendWebhook(attempt(), OPTIONS)).toEqual({ kind: 'sent', status: 200, response: 'accepted' });
    expect(await sendWebhook(attempt(), OPTIONS)).toEqual({ kind: 'sent', status: 204, response: '' });

    const [first, second] = receiver.requests;
    expect(receiver.requests.every((r) => r.verified && r.method === 'POST' && r.path === '/hooks/marsad')).toBe(true);
    expect(first!.headers['webhook-id']).toBe(body.id);
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(first!.headers['content-type']).toBe('application/json');
    expect(first!.headers['user-agent']).toMatch(/^marsad\/\S+ \(\+mailto:ops@example\.org\)$/);
    expect(JSON.parse(first!.body.toString('utf8'))).toEqual(body);
  });

  it('signs exactly the bytes it sends, Arabic included', async () => {
    const arabic = { ...body, data: { ...body.data, window: { from: 'منتصف أيلول', to: '٢٠٢٥' } } };
    const request = signedRequest(subscriber, arabic.id, arabic, new Date());
    expect((await sendWebhook(request, OPTIONS)).kind).toBe('sent');
    expect(receiver.requests[0]!.verified).toBe(true);
    expect(receiver.requests[0]!.body.equals(Buffer.from(request.body, 'utf8'))).toBe(true);
  });

  it('5xx and 408: retry, with the receiver\'s answer', async () => {
    receiver.reply({ status: 500, body: 'database down' }, { status: 408 });
    expect(await sendWebhook(attempt(), OPTIONS)).toEqual({
      kind: 'retry',
      status: 500,
      reason: 'http-status',
      message: 'receiver answered HTTP 500',
      response: 'database down',
    });
    expect(await sendWebhook(attempt(), OPTIONS)).toMatchObject({ kind: 'retry', status: 408 });
  });

  it('410: gone', async () => {
    receiver.reply({ status: 410, body: 'endpoint removed' });
    expect(await sendWebhook(attempt(), OPTIONS)).toEqual({ kind: 'gone', status: 410, response: 'endpoint removed' });
  });

  it('429 with Retry-After: retry after what the receiver asked, in seconds or as a date', async () => {
    receiver.reply({ status: 429, headers: { 'retry-after': '120' } });
    expect(await sendWebhook(attempt(), OPTIONS)).toMatchObject({ kind: 'retry', status: 429, retryAfterMs: 120_000 });

    // Dated 10 min from now, to the second (up to 1 s less); counted from the now the answer came at.
    const before = Date.now();
    receiver.reply({ status: 429, headers: { 'retry-after': new Date(before + 600_000).toUTCString() } });
    const dated = await sendWebhook(attempt(), OPTIONS);
    const took = Date.now() - before;
    expect(dated.kind === 'retry' && dated.retryAfterMs).toBeGreaterThan(599_000 - took);
    expect(dated.kind === 'retry' && dated.retryAfterMs).toBeLessThanOrEqual(600_000);
  });

  it('other 4xx: permanent', async () => {
    receiver.reply({ status: 400, body: 'unknown event type' });
    expect(await sendWebhook(attempt(), OPTIONS)).toMatchObject({ kind: 'permanent', status: 400, reason: 'http-status' });
  });

  it('302: permanent, and the redirect is not followed', async () => {
    const target = new URL('/elsewhere', receiver.url).href;
    receiver.reply({ status: 302, headers: { location: target } });
    expect(await sendWebhook(attempt(), OPTIONS)).toMatchObject({
      kind: 'permanent',
      status: 302,
      reason: 'redirect',
      message: 'receiver redirected; marsad does not follow redirects for webhooks: update the URL',
    });
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.to('/elsewhere')).toHaveLength(0);
  });

  it('a receiver that never answers: retry once the timeout is over', async () => {
    receiver.reply({ hang: true });
    const started = performance.now();
    const outcome = await sendWebhook(attempt(), { ...OPTIONS, timeoutMs: 300 });
    const elapsed = performance.now() - started;
    // Ended by the send's own timeout (its message), not before it; how late on a loaded machine is not the point.
    expect(outcome).toEqual({ kind: 'retry', reason: 'timeout', message: 'no complete answer within 300 ms' });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(receiver.requests).toHaveLength(1);
  });

  it('a 2xx whose body stalls: sent, with what arrived (the receiver took the message)', async () => {
    receiver.reply({ status: 202, body: 'queued as ', stall: true });
    // The send ends at its timeout; the status and the first bytes must have come before it. They come
    // at once, but a loaded machine can hold this process back for a while: the timeout leaves it seconds.
    expect(await sendWebhook(attempt(), { ...OPTIONS, timeoutMs: 2_000 })).toEqual({ kind: 'sent', status: 202, response: 'queued as ' });
  });

  it('keeps only the first bytes of a long answer', async () => {
    receiver.reply({ status: 200, body: 'x'.repeat(200_000) });
    const outcome = await sendWebhook(attempt(), OPTIONS);
    expect(outcome.kind === 'sent' && outcome.response.length).toBe(RESPONSE_LIMIT);
  });

  it('a tampered body fails verification at the receiver', async () => {
    const request = attempt();
    const tampered = { ...request, body: request.body.replace('"version":1', '"version":2') };
    expect(tampered.body).not.toBe(request.body);
    expect(await sendWebhook(tampered, OPTIONS)).toMatchObject({ kind: 'permanent', status: 401 });
    expect(receiver.requests[0]).toMatchObject({ verified: false, error: 'No matching signature found' });
  });

  it('a refused connection: retry', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await sendWebhook(attempt({ url: `http://127.0.0.1:${port}/hooks` }), OPTIONS)).toMatchObject({
      kind: 'retry',
      reason: 'connection',
    });
  });

  it('without allowPrivateNetworks: permanent blocked-address, nothing reaches the receiver', async () => {
    const strict = { ...OPTIONS, allowPrivateNetworks: false };
    expect(await sendWebhook(attempt(), strict)).toMatchObject({ kind: 'permanent', reason: 'blocked-address' });
    // A name is judged at connect time, by the address it resolves to.
    const byName = receiver.url.replace('127.0.0.1', 'localhost');
    expect(await sendWebhook(attempt({ url: byName }), strict)).toMatchObject({ kind: 'permanent', reason: 'blocked-address' });
    expect(receiver.requests).toHaveLength(0);
  });

  it('a URL that is not http(s): permanent', async () => {
    expect(await sendWebhook(attempt({ url: 'not a url' }), OPTIONS)).toMatchObject({ kind: 'permanent', reason: 'invalid-url' });
    expect(await sendWebhook(attempt({ url: 'ftp://example.org/hook' }), OPTIONS)).toMatchObject({ kind: 'permanent', reason: 'bad-scheme' });
  });
});
