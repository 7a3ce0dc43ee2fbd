import type { Status } from '../milestones/assess.js';
import type { Evidence } from '../tagging/gazetteer.js';
import type { Stance } from '../tagging/schema.js';
import type { Attribution } from '../tagging/stance.js';

/** A milestone's assessment in brief, as an alert carries it before and after its report. */
export interface AssessmentBrief {
  status: Status;
  since: string | null;
  contradictions: number;
  summary: { en: string; ar: string };
}

/** What one alert says: new reporting on one story says something happened to a tracked milestone. */
export interface Alert {
  /**
   * `al-` + 16 hex digits, from (milestone, story, the story's stance on it): the same story never alerts
   * twice for a milestone unless what it says changes (a report of completion, then its denial).
   */
  id: string;
  milestone: { id: string; title: { ar: string; en: string }; due: string; bases: string[] };
  /** The story the alert is about (`st-…`); null on alerts recorded before stories. */
  storyId?: string | null;
  /** The story's first article to alert (its other reports appear under `alsoReportedBy`). */
  article: { id: string; title: string | null; source: string | null; url: string | null; published: string | null; language: string };
  evidence: Evidence[];
  /** What the report says happened (its deciding mention), who says so, and whether it is hedged. */
  stance: Stance;
  /** Who says it, with the actor's display names (config/stance.yaml) for messages. */
  attribution: (Attribution & { name?: { ar: string; en: string } }) | null;
  hedged: boolean;
  eventDate: string | null;
  /** The milestone's assessment without this report and with it. */
  assessment: { before: AssessmentBrief; after: AssessmentBrief };
  /** The assessed status changed, or a new contradiction appeared: what `on: status` subscribers get. */
  statusChange: boolean;
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

/**
 * What a subscriber is told about: every new report of a milestone (`report`, the default), or only a
 * change of its assessed status or a new contradiction between credible reports (`status`).
 */
export type AlertOn = 'report' | 'status';

interface SubscriberBase {
  id: string;
  filters: SubscriberFilters;
  on: AlertOn;
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
