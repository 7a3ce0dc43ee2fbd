import type { WebhookSubscriber } from '../../src/alerts/model.js';

/** Filters that accept every alert. */
export const ANY_ALERT = { milestones: [], bases: [], topics: [], languages: [], outlets: [] };

/** A webhook subscriber as the registry holds it: immediate, every report, from subscribers.yaml. */
export function webhookSubscriber(fields: Pick<WebhookSubscriber, 'id' | 'url' | 'secret'> & Partial<WebhookSubscriber>): WebhookSubscriber {
  return { channel: 'webhook', filters: ANY_ALERT, on: 'report', mode: 'immediate', digest: null, rateLimit: null, managedBy: 'config', disabled: null, ...fields };
}
