import type { App } from '../app.js';
import type { Delivery } from '../alerts/model.js';
import { DELIVERY_RETRY_OPTIONS } from '../deliver/backoff.js';
import { jobIdFor } from '../queues/jobs.js';

/**
 * Puts a dead or failed delivery back on the deliver queue, with a fresh set of attempts. The
 * record keeps its history; the message keeps its id (receivers recognise a repeat).
 */
export async function retryDelivery(app: App, id: string): Promise<string> {
  const delivery = await app.alerts.getDelivery(id);
  if (!delivery) return `✗ ${id}: no such delivery`;
  if (delivery.status === 'sent' || delivery.status === 'pending') return `✗ ${id}: it is ${delivery.status}, nothing to retry`;
  const jobId = jobIdFor('deliver', { deliveryId: id });
  const job = await app.queues.deliver.getJob(jobId);
  const state = job ? await job.getState() : 'unknown';
  // A job still on its way (waiting, active) is not run a second time beside it: that would send twice.
  if (state !== 'failed' && state !== 'delayed' && state !== 'completed' && state !== 'unknown') return `✗ ${id}: it is ${state} in the deliver queue already`;
  const reset: Delivery = { ...delivery, status: 'retrying', lastError: `${delivery.lastError ?? ''} (retry requested ${new Date().toISOString()})`.trim(), updatedAt: new Date().toISOString() };
  await app.alerts.updateDelivery(reset);
  // A fresh set of attempts: without the reset, BullMQ counts the used-up ones and the first failure is final again.
  if (job && state === 'failed') await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  // A retry scheduled for later: run it now rather than add a second job for the same delivery.
  else if (job && state === 'delayed') await job.promote();
  else {
    // The failed job has aged out of the queue: a new one under a new id (ids must not repeat a removed job's).
    await app.queues.deliver.add('deliver', { deliveryId: id }, { jobId: `${jobId}-replay-${Date.now()}`, ...DELIVERY_RETRY_OPTIONS });
  }
  return `✓ ${id}: queued again`;
}
