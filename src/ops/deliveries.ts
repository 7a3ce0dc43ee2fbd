import type { App } from '../app.js';
import type { Delivery } from '../alerts/model.js';

/**
 * Puts a dead or failed delivery back on the deliver queue, with a fresh set of attempts. The
 * record keeps its history; the message keeps its id (receivers recognise a repeat).
 */
export async function retryDelivery(app: App, id: string): Promise<string> {
  const delivery = await app.alerts.getDelivery(id);
  if (!delivery) return `✗ ${id}: no such delivery`;
  if (delivery.status === 'sent' || delivery.status === 'pending') return `✗ ${id}: it is ${delivery.status}, nothing to retry`;
  const state = await app.queues.jobState('deliver', { deliveryId: id });
  // A job still on its way (waiting, active) is not run a second time beside it: that would send twice.
  if (state !== 'failed' && state !== 'delayed' && state !== 'completed' && state !== 'unknown') return `✗ ${id}: it is ${state} in the deliver queue already`;
  const reset: Delivery = { ...delivery, status: 'retrying', lastError: `${delivery.lastError ?? ''} (retry requested ${new Date().toISOString()})`.trim(), updatedAt: new Date().toISOString() };
  await app.alerts.updateDelivery(reset);
  // A failed job is retried with a fresh set of attempts, a delayed one (a retry scheduled for later) runs
  // now, one that has aged out of the queue is replayed under a new id: never a second job beside the first.
  await app.queues.requeue('deliver', { deliveryId: id });
  return `✓ ${id}: queued again`;
}
