import type { Evidence } from '../tagging/gazetteer.js';

/** What one alert says: a tracked milestone is mentioned by new reporting on one story. */
export interface Alert {
  /** `al-` + 16 hex digits, from (milestone, story): the same story never alerts twice for a milestone. */
  id: string;
  milestone: { id: string; title: { ar: string; en: string }; due: string; bases: string[] };
  /** The story's original article (reprints appear under `alsoReportedBy`). */
  article: { id: string; title: string | null; source: string | null; url: string | null; published: string | null; language: string };
  evidence: Evidence[];
  tags: { bases: string[]; topics: string[] };
  /** When marsad first saw the article. */
  firstSeen: string;
  createdAt: string;
  /** Seeds and backfill: recorded and visible, delivered only on request (`marsad seed --alert`). */
  baseline: boolean;
}

export type DigestSchedule = { every: 'hour' } | { every: 'day'; at: string /* HH:MM */; timezone: string };

export interface SubscriberFilters {
  milestones: string[];
  bases: string[];
  topics: string[];
  languages: string[];
  outlets: string[];
}

interface SubscriberBase {
  id: string;
  filters: SubscriberFilters;
  mode: 'immediate' | 'digest';
  /** For `digest` mode. */
  digest: DigestSchedule | null;
  /** At most `max` messages per `perSeconds`; null: no limit. */
  rateLimit: { max: number; perSeconds: number } | null;
  /** Where it was defined: config/subscribers.yaml, or the CLI / API. */
  managedBy: 'config' | 'api';
  /** Set when marsad stopped delivering to it (webhook answered 410, mailbox refused for good). */
  disabled: { at: string; reason: string } | null;
}

export interface WebhookSubscriber extends SubscriberBase {
  channel: 'webhook';
  url: string;
  /** `whsec_` + base64 key. Never logged, never put in job data. */
  secret: string;
}

export interface EmailSubscriber extends SubscriberBase {
  channel: 'email';
  email: string;
}

export type Subscriber = WebhookSubscriber | EmailSubscriber;

export type DeliveryStatus = 'pending' | 'sent' | 'retrying' | 'failed' | 'dead' | 'skipped';

/** One per (alert or digest, subscriber). */
export interface Delivery {
  /** `dl-` + 16 hex digits from (alert or digest id, subscriber id). */
  id: string;
  subscriberId: string;
  channel: Subscriber['channel'];
  /** The alerts this message carries: one for immediate mode, the window's for a digest. */
  alertIds: string[];
  /** Set for digests: the window `[from, to)` in ISO 8601. */
  digest: { from: string; to: string } | null;
  status: DeliveryStatus;
  attempts: number;
  /** Set just before a send is attempted, cleared when its outcome is recorded: a send cut short by a crash shows here. */
  attemptStartedAt: string | null;
  lastError: string | null;
  /** The receiver's answer or the SMTP reply of the last attempt. */
  lastResponse: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}
