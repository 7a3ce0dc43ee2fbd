import type { AlertStore } from '../store/alert-store.js';
import type { SubscriberRegistry } from '../subscribers/registry.js';
import { alertFacts, matchesFilters } from '../subscribers/match.js';
import { deliveryId } from './decide.js';
import type { Alert, Delivery } from './model.js';

/**
 * Hands an alert to every enabled subscriber whose filters accept it: a delivery record for those
 * in immediate mode (returned, for the deliver stage), the digest list for the others. Replaying it
 * creates nothing new: the delivery ids come from (alert, subscriber).
 */
export async function routeAlert(alert: Alert, alerts: AlertStore, subscribers: SubscriberRegistry, now: Date): Promise<string[]> {
  const facts = alertFacts(alert);
  const deliveries: string[] = [];
  for (const subscriber of await subscribers.list()) {
    if (subscriber.disabled || !matchesFilters(subscriber.filters, facts)) continue;
    // Alerts recorded before assessments existed carry no statusChange: they were reports, nothing more.
    if (subscriber.on === 'status' && alert.statusChange !== true) continue;
    if (subscriber.mode === 'digest') {
      await alerts.addToDigest(subscriber.id, alert, now.getTime());
      continue;
    }
    const delivery = newDelivery(deliveryId(alert.id, subscriber.id), subscriber.id, subscriber.channel, [alert.id], null, now);
    await alerts.createDelivery(delivery);
    deliveries.push(delivery.id);
  }
  return deliveries;
}

export function newDelivery(
  id: string,
  subscriberId: string,
  channel: Delivery['channel'],
  alertIds: string[],
  digest: Delivery['digest'],
  now: Date,
): Delivery {
  const at = now.toISOString();
  return {
    id,
    subscriberId,
    channel,
    alertIds,
    digest,
    status: 'pending',
    attempts: 0,
    attemptStartedAt: null,
    lastError: null,
    lastResponse: null,
    createdAt: at,
    updatedAt: at,
    sentAt: null,
  };
}
