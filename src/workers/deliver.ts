import { PermanentFailure } from '../queues/errors.js';
import type { Alert, Delivery, Subscriber } from '../alerts/model.js';
import { unsubscribeToken } from '../alerts/unsubscribe.js';
import { DELIVERY_ATTEMPTS } from '../deliver/backoff.js';
import { composeAlertEmail, composeDigestEmail, deliveryMessageId, type Reprint } from '../deliver/email-compose.js';
import { InvalidWebhookSecretError, sendWebhook, signedRequest, webhookBody, type AlertWithReprints } from '../deliver/webhook.js';
import type { JobData } from '../queues/jobs.js';
import { maskUrlSecrets } from '../subscribers/mask-url.js';
import type { StageResult } from '../queues/pipeline.js';
import type { StageDeps } from './deps.js';
import type { JobControl } from '../queues/door.js';

/** A failed attempt worth retrying; BullMQ's delivery backoff reads `retryAfterMs` from it. */
export class DeliveryRetryError extends Error {
  override name = 'DeliveryRetryError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

type Outcome =
  | { kind: 'sent'; response: string }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  /**
   * `disable`: the destination is gone for good (410, mailbox refused): stop delivering to it. `dead`: our
   * configuration makes every attempt fail (a bad SMTP URL, an invalid webhook secret): the delivery goes
   * to dead letter at once, for `marsad deliveries retry` once the configuration is fixed.
   */
  | { kind: 'permanent'; reason: string; disable: boolean; dead?: boolean };

/**
 * Deliver stage: one message (an alert, or a digest) to one subscriber, by webhook or email. The
 * delivery record says what happened: `attemptStartedAt` is set before each send and cleared with
 * its outcome, so a send cut short by a crash is visible, and the retry that follows is the same
 * message (same webhook-id, same Message-ID) for receivers to recognise. Retries are BullMQ's.
 */
export async function handleDeliver({ deliveryId }: JobData<'deliver'>, deps: StageDeps, job: JobControl): Promise<StageResult> {
  const { alerts, subscribers, rateLimiter, log } = deps;
  const delivery = await alerts.getDelivery(deliveryId);
  if (!delivery) throw new PermanentFailure(`delivery ${deliveryId} is not in the store`);
  if (delivery.status === 'sent' || delivery.status === 'skipped') return { status: 'skipped', next: [], note: `already ${delivery.status}` };
  const save = (patch: Partial<Delivery>) => alerts.updateDelivery(Object.assign(delivery, patch, { updatedAt: new Date().toISOString() }));

  const subscriber = await subscribers.get(delivery.subscriberId);
  if (!subscriber || subscriber.disabled) {
    await save({ status: 'skipped', lastError: subscriber ? `subscriber disabled: ${subscriber.disabled!.reason}` : 'subscriber removed' });
    return { status: 'skipped', next: [], note: 'subscriber gone' };
  }
  if (subscriber.rateLimit) {
    const decision = await rateLimiter.allow(subscriber.id, { max: subscriber.rateLimit.max, perSeconds: subscriber.rateLimit.perSeconds });
    if (!decision.allowed) await job.delayUntil(decision.retryAtMs ?? Date.now() + 60_000);
  }

  const messages = await alertsWithReprints(delivery, deps);
  const interrupted = delivery.attemptStartedAt !== null;
  await save({ attempts: delivery.attempts + 1, attemptStartedAt: new Date().toISOString(), status: delivery.attempts > 0 ? 'retrying' : 'pending' });
  if (interrupted) log.warn({ delivery_id: deliveryId, subscriber_id: subscriber.id }, 'the previous attempt was cut short; sending the same message again');

  const outcome = subscriber.channel === 'webhook' ? await sendByWebhook(subscriber, delivery, messages, deps, job.signal) : await sendByEmail(subscriber, delivery, messages, deps);
  const lastAttempt = job.attemptsMade + 1 >= DELIVERY_ATTEMPTS;
  switch (outcome.kind) {
    case 'sent':
      await save({ status: 'sent', attemptStartedAt: null, sentAt: new Date().toISOString(), lastResponse: outcome.response.slice(0, 500), lastError: null });
      log.info({ delivery_id: deliveryId, subscriber_id: subscriber.id, alerts: delivery.alertIds.length }, 'delivered');
      return { status: 'done', next: [], note: 'sent' };
    case 'retry':
      await save({ status: lastAttempt ? 'dead' : 'retrying', attemptStartedAt: null, lastError: outcome.reason });
      log.warn({ delivery_id: deliveryId, subscriber_id: subscriber.id, attempt: delivery.attempts, reason: outcome.reason, dead: lastAttempt }, 'delivery failed');
      throw new DeliveryRetryError(outcome.reason, outcome.retryAfterMs);
    case 'permanent':
      await save({ status: outcome.dead ? 'dead' : 'failed', attemptStartedAt: null, lastError: outcome.reason });
      if (outcome.disable) await subscribers.disable(subscriber.id, outcome.reason);
      log.warn({ delivery_id: deliveryId, subscriber_id: subscriber.id, reason: outcome.reason, disabled: outcome.disable }, 'delivery failed for good');
      throw new PermanentFailure(outcome.reason);
  }
}

async function alertsWithReprints(delivery: Delivery, { alerts, store }: StageDeps): Promise<AlertWithReprints[]> {
  const list: Alert[] = await alerts.getAlerts(delivery.alertIds);
  return Promise.all(list.map(async (alert) => ({ alert, alsoReportedBy: await store.storyReports(alert) })));
}

async function sendByWebhook(subscriber: Extract<Subscriber, { channel: 'webhook' }>, delivery: Delivery, messages: AlertWithReprints[], deps: StageDeps, signal: AbortSignal): Promise<Outcome> {
  const { settings } = deps.config;
  const now = new Date();
  const [first] = messages;
  const body =
    delivery.digest || !first
      ? webhookBody({ kind: 'digest', id: delivery.id, createdAt: delivery.createdAt, window: delivery.digest ?? { from: delivery.createdAt, to: delivery.createdAt }, alerts: messages })
      : webhookBody({ kind: 'immediate', ...first });
  // The alert id is the webhook-id of an immediate alert, the delivery id that of a digest: stable across retries.
  let request;
  try {
    request = signedRequest(subscriber, delivery.digest || !first ? delivery.id : first.alert.id, body, now);
  } catch (err) {
    if (!(err instanceof InvalidWebhookSecretError)) throw err;
    return { kind: 'permanent', reason: err.message, disable: false, dead: true };
  }
  const outcome = await sendWebhook(request, { timeoutMs: settings.webhooks.timeoutMs, allowPrivateNetworks: settings.fetch.allowPrivateNetworks, contact: settings.fetch.contact, signal });
  switch (outcome.kind) {
    case 'sent':
      return { kind: 'sent', response: `${outcome.status} ${outcome.response}` };
    case 'gone':
      return { kind: 'permanent', reason: `${maskUrlSecrets(subscriber.url)} answered 410 Gone: subscriber disabled`, disable: true };
    case 'retry':
      return { kind: 'retry', reason: outcome.message, ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }) };
    case 'permanent':
      return { kind: 'permanent', reason: outcome.message, disable: false };
  }
}

async function sendByEmail(subscriber: Extract<Subscriber, { channel: 'email' }>, delivery: Delivery, messages: AlertWithReprints[], deps: StageDeps): Promise<Outcome> {
  const { settings } = deps.config;
  let mailer;
  try {
    mailer = deps.mailer();
  } catch (err) {
    // createMailer refuses the SMTP URL itself (e.g. not smtp:// or smtps://): no retry can fix that.
    return { kind: 'permanent', reason: `SMTP configuration: ${(err as Error).message}`, disable: false, dead: true };
  }
  if (!mailer) return { kind: 'permanent', reason: 'no SMTP server configured: set MARSAD_SMTP_URL (or smtp.url in settings.yaml)', disable: false };
  const envelope = {
    from: settings.smtp.from,
    to: subscriber.email,
    unsubscribeUrl: `${settings.http.publicUrl.replace(/\/$/, '')}/unsubscribe/${unsubscribeToken(await deps.unsubscribeKey(), subscriber.id)}`,
    messageId: deliveryMessageId(delivery.id, settings.smtp.from),
  };
  const reprints = (m: AlertWithReprints): Reprint[] => [...m.alsoReportedBy];
  const [first] = messages;
  const message =
    delivery.digest || !first
      ? composeDigestEmail(
          messages.map((m) => m.alert),
          delivery.digest ?? { from: delivery.createdAt, to: delivery.createdAt },
          { ...envelope, alsoReportedBy: Object.fromEntries(messages.map((m) => [m.alert.id, reprints(m)])) },
        )
      : composeAlertEmail(first.alert, { ...envelope, alsoReportedBy: reprints(first) });
  const outcome = await mailer.send(message);
  switch (outcome.kind) {
    case 'sent':
      return { kind: 'sent', response: outcome.response };
    case 'retry':
      return { kind: 'retry', reason: outcome.reason };
    case 'permanent':
      // A 5xx on RCPT means the address is refused for good: flag it rather than bounce every alert.
      return { kind: 'permanent', reason: outcome.reason, disable: outcome.code !== undefined && outcome.code >= 500 };
  }
}
