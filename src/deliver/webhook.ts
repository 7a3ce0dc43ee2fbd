import { Webhook } from 'standardwebhooks';
import { Agent, type Dispatcher } from 'undici';
import type { Alert, WebhookSubscriber } from '../alerts/model.js';
import type { Settings } from '../config/settings.js';
import { BlockedAddressError, checkUrl, guardedLookup } from '../fetch/address-guard.js';
import { FetchError, parseRetryAfter } from '../fetch/errors.js';
import { userAgent } from '../fetch/user-agent.js';
import { basicAuthOf, maskUrlSecrets } from '../subscribers/mask-url.js';

/**
 * Webhook delivery: the versioned JSON body, its Standard Webhooks signature, and one POST whose result
 * is an outcome for the caller to act on (it never throws for what the receiver or the network did).
 */

/** Bumped only for changes that break receivers; fields are added within a version, never renamed. */
export const WEBHOOK_SCHEMA_VERSION = 1;

/**
 * Evidence without offsets: they index marsad's stored article text, which the webhook does not carry,
 * so a receiver could do nothing with them (and they would tie the contract to marsad's text cleaning).
 */
export interface WebhookEvidence {
  /** The sentence (or two) in which the milestone was found. */
  text: string;
  matches: { text: string; term: string }[];
}

export interface WebhookReprint {
  id: string;
  source: string | null;
  url: string | null;
  title: string | null;
  published: string | null;
}

export interface WebhookAlert {
  id: string;
  milestone: { id: string; title: { ar: string; en: string }; due: string; bases: string[] };
  article: { id: string; title: string | null; source: string | null; url: string | null; published: string | null; language: string };
  evidence: WebhookEvidence[];
  tags: { bases: string[]; topics: string[] };
  firstSeen: string;
  alsoReportedBy: WebhookReprint[];
  /**
   * Added in version 1 (receivers that ignore unknown fields keep working): what the report says happened
   * to the milestone, who says so, and the milestone's assessment before and after it. Null on alerts
   * recorded before marsad assessed milestones.
   */
  stance: Alert['stance'] | null;
  attribution: Alert['attribution'];
  hedged: boolean;
  eventDate: string | null;
  assessment: Alert['assessment'] | null;
  statusChange: boolean;
  /** Added: the story the alert is about (`st-…`), whose other reports are `alsoReportedBy`; null on older alerts. */
  storyId: string | null;
}

export interface MilestoneMentionedBody {
  type: 'milestone.mentioned';
  version: typeof WEBHOOK_SCHEMA_VERSION;
  /** The alert id, also the `webhook-id` header. */
  id: string;
  /** When the alert was raised (not when this attempt was sent: that is `webhook-timestamp`). */
  timestamp: string;
  data: { alert: WebhookAlert };
}

export interface MilestoneDigestBody {
  type: 'milestone.digest';
  version: typeof WEBHOOK_SCHEMA_VERSION;
  /** The delivery id, also the `webhook-id` header. */
  id: string;
  /** When the digest was composed. */
  timestamp: string;
  data: { window: { from: string; to: string }; alerts: WebhookAlert[] };
}

export type WebhookBody = MilestoneMentionedBody | MilestoneDigestBody;

/**
 * An alert and its story's reprints. The Alert record does not hold them: the caller reads them from the
 * store (`store.alsoReportedBy(alert.article.id)`, whose DuplicateRef fits) when it composes the message.
 */
export interface AlertWithReprints {
  alert: Alert;
  alsoReportedBy: readonly WebhookReprint[];
}

export type WebhookPayload =
  | ({ kind: 'immediate' } & AlertWithReprints)
  | {
      kind: 'digest';
      /** The delivery's id and creation time. */
      id: string;
      createdAt: string;
      /** `[from, to)`, ISO 8601. */
      window: { from: string; to: string };
      alerts: readonly AlertWithReprints[];
    };

/** Field by field, so that nothing internal (offsets, `baseline`, later additions to Alert) leaks into the contract. */
function webhookAlert({ alert, alsoReportedBy }: AlertWithReprints): WebhookAlert {
  const { milestone: m, article: a } = alert;
  return {
    id: alert.id,
    milestone: { id: m.id, title: { ar: m.title.ar, en: m.title.en }, due: m.due, bases: [...m.bases] },
    article: { id: a.id, title: a.title, source: a.source, url: a.url, published: a.published, language: a.language },
    evidence: alert.evidence.map((e) => ({ text: e.text, matches: e.matches.map((x) => ({ text: x.text, term: x.term })) })),
    tags: { bases: [...alert.tags.bases], topics: [...alert.tags.topics] },
    firstSeen: alert.firstSeen,
    alsoReportedBy: alsoReportedBy.map((r) => ({ id: r.id, source: r.source, url: r.url, title: r.title, published: r.published })),
    stance: alert.stance ?? null,
    attribution: alert.attribution
      ? { who: alert.attribution.who, ...(alert.attribution.quote ? { quote: alert.attribution.quote } : {}), ...(alert.attribution.name ? { name: { ...alert.attribution.name } } : {}) }
      : null,
    hedged: alert.hedged ?? false,
    eventDate: alert.eventDate ?? null,
    assessment: alert.assessment ? { before: { ...alert.assessment.before }, after: { ...alert.assessment.after } } : null,
    statusChange: alert.statusChange ?? false,
    storyId: alert.storyId ?? null,
  };
}

export function webhookBody(payload: Extract<WebhookPayload, { kind: 'immediate' }>): MilestoneMentionedBody;
export function webhookBody(payload: Extract<WebhookPayload, { kind: 'digest' }>): MilestoneDigestBody;
export function webhookBody(payload: WebhookPayload): WebhookBody;
export function webhookBody(payload: WebhookPayload): WebhookBody {
  if (payload.kind === 'immediate') {
    return {
      type: 'milestone.mentioned',
      version: WEBHOOK_SCHEMA_VERSION,
      id: payload.alert.id,
      timestamp: payload.alert.createdAt,
      data: { alert: webhookAlert(payload) },
    };
  }
  return {
    type: 'milestone.digest',
    version: WEBHOOK_SCHEMA_VERSION,
    id: payload.id,
    timestamp: payload.createdAt,
    data: { window: { from: payload.window.from, to: payload.window.to }, alerts: payload.alerts.map(webhookAlert) },
  };
}

/** A subscriber's secret that is not `whsec_` + base64: a configuration error, not something a retry fixes. */
export class InvalidWebhookSecretError extends Error {
  override name = 'InvalidWebhookSecretError';
  constructor(
    readonly subscriberId: string,
    cause: unknown,
  ) {
    // The secret itself stays out of the message: messages end up in logs and in Delivery.lastError.
    super(`subscriber ${subscriberId} has an invalid webhook secret (expected "whsec_" + base64)`, { cause });
  }
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.payload">`, computed by the standardwebhooks library. */
export function webhookSignature(secret: string, messageId: string, timestamp: Date, payload: string): string {
  return new Webhook(secret).sign(messageId, timestamp, payload);
}

export interface WebhookRequest {
  url: string;
  messageId: string;
  headers: {
    'webhook-id': string;
    'webhook-timestamp': string;
    'webhook-signature': string;
    'content-type': 'application/json';
  };
  /** The serialized body: exactly the string that was signed, sent as UTF-8. */
  body: string;
}

/**
 * Signs one attempt. Call it again for every attempt, with the attempt's time: receivers reject a
 * `webhook-timestamp` more than five minutes from their clock. `messageId` is the alert id (immediate)
 * or the delivery id (digest), the same on every retry, so receivers can drop repeats.
 */
export function signedRequest(subscriber: WebhookSubscriber, messageId: string, body: WebhookBody, now: Date): WebhookRequest {
  const serialized = JSON.stringify(body);
  let signature: string;
  try {
    signature = webhookSignature(subscriber.secret, messageId, now, serialized);
  } catch (err) {
    throw new InvalidWebhookSecretError(subscriber.id, err);
  }
  return {
    url: subscriber.url,
    messageId,
    headers: {
      'webhook-id': messageId,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
      'content-type': 'application/json',
    },
    body: serialized,
  };
}

export type WebhookFailureReason =
  | 'http-status'
  | 'redirect'
  | 'timeout'
  | 'connection'
  | 'dns'
  | 'blocked-address'
  | 'invalid-url'
  | 'bad-scheme';

/** `response`: the start of the receiver's answer (at most RESPONSE_LIMIT bytes), for Delivery.lastResponse. */
export type WebhookOutcome =
  | { kind: 'sent'; status: number; response: string }
  /** The receiver says the endpoint is gone for good: the caller disables the subscriber. */
  | { kind: 'gone'; status: 410; response: string }
  | { kind: 'retry'; status?: number; reason: WebhookFailureReason; message: string; retryAfterMs?: number; response?: string }
  | { kind: 'permanent'; status?: number; reason: WebhookFailureReason; message: string; response?: string };

export type SendWebhookOptions = Pick<Settings['webhooks'], 'timeoutMs'> &
  Pick<Settings['fetch'], 'allowPrivateNetworks' | 'contact'> & {
    /** Cuts the request when aborted (a shutdown handing its jobs back): a retry, said as such. */
    signal?: AbortSignal;
  };

/** Enough to show an error page's first lines; a receiver's answer is not worth more. */
export const RESPONSE_LIMIT = 4096;

const REDIRECT_MESSAGE = 'receiver redirected; marsad does not follow redirects for webhooks: update the URL';

/**
 * Reads at most RESPONSE_LIMIT bytes. A body that breaks off or stalls keeps what arrived: the status has
 * already said whether the receiver took the message, and retrying a taken message would deliver it twice.
 */
async function responseHead(body: Dispatcher.ResponseData['body']): Promise<string> {
  // Leaving the loop early destroys the body, which then reports an abort nobody needs to hear.
  body.on('error', () => {});
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= RESPONSE_LIMIT) break;
    }
  } catch {
    // kept: what arrived before the break-off
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_LIMIT).toString('utf8');
}

function statusOutcome(status: number, headers: Dispatcher.ResponseData['headers'], response: string): WebhookOutcome {
  if (status >= 200 && status < 300) return { kind: 'sent', status, response };
  if (status === 410) return { kind: 'gone', status: 410, response };
  if (status >= 300 && status < 400) return { kind: 'permanent', status, reason: 'redirect', message: REDIRECT_MESSAGE, response };
  const message = `receiver answered HTTP ${status}`;
  if (status >= 500 || status === 408 || status === 429) {
    const header = headers['retry-after'];
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(Array.isArray(header) ? header[0] : header) : undefined;
    return { kind: 'retry', status, reason: 'http-status', message, retryAfterMs, response };
  }
  return { kind: 'permanent', status, reason: 'http-status', message, response };
}

/** Whatever undici, DNS or the abort signal threw, as an outcome. */
function errorOutcome(err: unknown, signal: AbortSignal, timeoutMs: number): WebhookOutcome {
  if (signal.aborted) return { kind: 'retry', reason: 'timeout', message: `no complete answer within ${timeoutMs} ms` };
  const codes = new Set<string>();
  // undici wraps the error that matters (the lookup's BlockedAddressError among them); causes can cycle.
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof BlockedAddressError) return { kind: 'permanent', reason: 'blocked-address', message: e.message };
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.add(code);
  }
  const message = err instanceof Error ? err.message : String(err);
  if (['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'].some((c) => codes.has(c))) {
    return { kind: 'retry', reason: 'timeout', message };
  }
  if ([...codes].some((c) => c === 'ENOTFOUND' || c === 'ENODATA' || c.startsWith('EAI_'))) return { kind: 'retry', reason: 'dns', message };
  return { kind: 'retry', reason: 'connection', message };
}

/**
 * One POST of a signed request. Redirects are not followed (the signature and the subscriber's consent
 * belong to the URL they gave); every address is checked at connect time like the fetcher's. The timeout
 * covers connecting, the headers and the body. Whatever the receiver or the network does, the result is an outcome.
 */
export async function sendWebhook(request: WebhookRequest, options: SendWebhookOptions): Promise<WebhookOutcome> {
  const { timeoutMs, allowPrivateNetworks } = options;
  let url: URL;
  try {
    url = checkUrl(request.url, allowPrivateNetworks);
  } catch (err) {
    if (!(err instanceof FetchError)) throw err;
    // checkUrl refuses only for invalid-url, bad-scheme and blocked-address (an IP literal): all permanent.
    const message = err.reason === 'invalid-url' ? `not a URL: ${maskUrlSecrets(request.url).slice(0, 200)}` : err.message;
    return { kind: 'permanent', reason: err.reason as WebhookFailureReason, message };
  }
  const basicAuth = basicAuthOf(url);
  const cancel = options.signal;
  const signal = cancel ? AbortSignal.any([AbortSignal.timeout(timeoutMs), cancel]) : AbortSignal.timeout(timeoutMs);
  // One agent per send: deliveries to one receiver are minutes to hours apart, a kept-alive socket would idle.
  const agent = new Agent({
    connect: { timeout: timeoutMs, lookup: guardedLookup(allowPrivateNetworks) },
    // The signal is the real limit; these only stop undici's 300 s defaults from outliving it.
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  try {
    const res = await agent.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: 'POST',
      // Credentials in the URL (https://user:pass@host/) go as HTTP Basic auth: `origin` would drop them.
      headers: { ...request.headers, 'user-agent': userAgent(options.contact), ...(basicAuth ? { authorization: basicAuth } : {}) },
      body: request.body,
      signal,
    });
    return statusOutcome(res.statusCode, res.headers, await responseHead(res.body));
  } catch (err) {
    if (cancel?.aborted) return { kind: 'retry', reason: 'connection', message: 'cut short by a shutdown: sent again at once by another worker' };
    return errorOutcome(err, signal, timeoutMs);
  } finally {
    await agent.destroy();
  }
}
