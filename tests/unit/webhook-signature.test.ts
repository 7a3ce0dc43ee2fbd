import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { InvalidWebhookSecretError, signedRequest, webhookSignature, type WebhookBody } from '../../src/deliver/webhook.js';
import { webhookSubscriber } from '../support/subscriber.js';

/** The example of the Standard Webhooks specification (and of every library that implements it). */
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const subscriber = webhookSubscriber({ id: 'ops-desk', url: 'https://hooks.example.org/marsad', secret: SPEC.secret });

const body: WebhookBody = {
  type: 'milestone.digest',
  version: 1,
  id: 'dl-00112233aabbccdd',
  timestamp: '2025-08-24T06:00:00.000Z',
  data: { window: { from: '2025-08-23T06:00:00.000Z', to: '2025-08-24T06:00:00.000Z' }, alerts: [] },
};

describe('webhookSignature', () => {
  it('gives the specification\'s known answer', () => {
    expect(webhookSignature(SPEC.secret, SPEC.id, new Date(SPEC.timestamp * 1000), SPEC.body)).toBe(SPEC.signature);
  });

  it('changes with the id, the timestamp and every byte of the body', () => {
    const at = new Date(SPEC.timestamp * 1000);
    expect(webhookSignature(SPEC.secret, 'msg_other', at, SPEC.body)).not.toBe(SPEC.signature);
    expect(webhookSignature(SPEC.secret, SPEC.id, new Date((SPEC.timestamp + 1) * 1000), SPEC.body)).not.toBe(SPEC.signature);
    expect(webhookSignature(SPEC.secret, SPEC.id, at, '{"test":2432232314}')).not.toBe(SPEC.signature);
  });
});

describe('signedRequest', () => {
  const now = new Date('2025-08-24T06:00:07.900Z');

  it('signs exactly the bytes it carries, with the Standard Webhooks headers', () => {
    const request = signedRequest(subscriber, body.id, body, now);
    expect(request.url).toBe(subscriber.url);
    expect(request.body).toBe(JSON.stringify(body));
    expect(request.headers).toEqual({
      'webhook-id': 'dl-00112233aabbccdd',
      'webhook-timestamp': '1756015207',
      'webhook-signature': webhookSignature(SPEC.secret, body.id, now, request.body),
      'content-type': 'application/json',
    });
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('verifies with the library a receiver uses (at the time it was signed)', () => {
    const request = signedRequest(subscriber, body.id, body, new Date());
    expect(new Webhook(SPEC.secret).verify(request.body, request.headers)).toEqual(body);
  });

  it('keeps the id across attempts and signs each attempt\'s own timestamp', () => {
    const first = signedRequest(subscriber, body.id, body, now);
    const retry = signedRequest(subscriber, body.id, body, new Date(now.getTime() + 5_000));
    expect(retry.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(retry.body).toBe(first.body);
    expect(retry.headers['webhook-signature']).not.toBe(first.headers['webhook-signature']);
  });

  it('refuses a malformed secret without putting it in the message', () => {
    const bad = { ...subscriber, secret: 'whsec_not base64!!' };
    const call = () => signedRequest(bad, body.id, body, now);
    expect(call).toThrow(InvalidWebhookSecretError);
    expect(call).toThrow(/subscriber ops-desk/);
    expect(call).not.toThrow(/not base64/);
  });
});
