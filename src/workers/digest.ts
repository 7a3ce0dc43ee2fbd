import { deliveryId } from '../alerts/decide.js';
import { newDelivery } from '../alerts/route.js';
import type { JobData } from '../queues/jobs.js';
import type { StageResult } from '../queues/pipeline.js';
import { digestWindowEnd, digestWindowFor } from '../subscribers/digest.js';
import type { StageDeps } from './deps.js';

/**
 * Digest stage, run by each digest subscriber's scheduler at its boundaries: one message listing the
 * alerts since the last digest, none when there were none. The window ends at the latest boundary, so
 * a tick that runs late, or twice, makes the same delivery (its id comes from the window's end).
 */
export async function handleDigest({ subscriberId }: JobData<'digest'>, { alerts, subscribers }: StageDeps): Promise<StageResult> {
  const subscriber = await subscribers.get(subscriberId);
  if (!subscriber || subscriber.mode !== 'digest' || !subscriber.digest || subscriber.disabled) {
    return { status: 'skipped', next: [], note: `${subscriberId} takes no digest now` };
  }
  const now = new Date();
  const to = digestWindowFor(subscriber.digest, digestWindowEnd(subscriber.digest, now)).from;
  const from = (await alerts.lastDigestEnd(subscriberId)) ?? digestWindowFor(subscriber.digest, to).from;
  if (from >= to) return { status: 'skipped', next: [], note: 'this window was already sent' };
  const alertIds = await alerts.digestAlertIds(subscriberId, from, to);
  const window = { from: from.toISOString(), to: to.toISOString() };
  if (alertIds.length === 0) {
    await alerts.setLastDigestEnd(subscriberId, to);
    return { status: 'skipped', next: [], note: `no alerts in ${window.from} – ${window.to}` };
  }
  const delivery = newDelivery(deliveryId(`digest\n${window.to}`, subscriberId), subscriberId, subscriber.channel, alertIds, window, now);
  await alerts.createDelivery(delivery);
  await alerts.setLastDigestEnd(subscriberId, to);
  return { status: 'done', next: [delivery.id], note: `${alertIds.length} alerts in the digest` };
}
