import { randomBytes } from 'node:crypto';
import type { WebhookSubscriber } from '../../src/alerts/model.js';
import type { MilestoneDigestBody } from '../../src/deliver/webhook.js';

/** Filters that accept every alert. */
export const ANY_ALERT = { milestones: [], bases: [], topics: [], languages: [], outlets: [] };

/** A Standard Webhooks secret for a test subscriber. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** A webhook subscriber as the registry holds it: immediate, every report, from subscribers.yaml. */
export function webhookSubscriber(fields: Pick<WebhookSubscriber, 'id' | 'url' | 'secret'> & Partial<WebhookSubscriber>): WebhookSubscriber {
  return { channel: 'webhook', filters: ANY_ALERT, on: 'report', mode: 'immediate', digest: null, rateLimit: null, managedBy: 'config', disabled: null, ...fields };
}

/** A milestone digest without alerts: a body for the tests of sending itself (signing, answers, cut or refused requests). */
export function emptyDigestBody(): MilestoneDigestBody {
  return {
    type: 'milestone.digest',
    version: 1,
    id: 'dl-a1b2c3d4e5f60718',
    timestamp: '2025-08-24T06:00:00.000Z',
    data: { window: { from: '2025-08-23T06:00:00.000Z', to: '2025-08-24T06:00:00.000Z' }, alerts: [] },
  };
}
