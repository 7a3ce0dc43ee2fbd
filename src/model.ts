import type { Evidence } from './tagging/gazetteer.js';
import type { MilestoneMention } from './tagging/milestones.js';

export type Language = 'ar' | 'en' | 'und';

/** Where a document came from: a seed file, or a feed item (the feeds issue). */
export type Origin = { kind: 'seed'; file: string } | { kind: 'feed'; feedId: string; url: string };

/** A raw document as it entered marsad, before cleaning. */
export interface SourceDocument {
  id: string;
  origin: Origin;
  format: 'text' | 'html';
  body: string;
  url: string | null;
  source: string | null;
  author: string | null;
  /** Values given with the document (a .json seed, a feed item), used when the text itself has none. */
  title: string | null;
  published: string | null;
  language: Language | null;
  /** Seeds and feed backfill: recorded and visible, but not new reporting (no alerts). */
  baseline: boolean;
  receivedAt: string;
}

/** A feed item waiting to be fetched, as the poll stage found it. */
export interface FeedItem {
  documentId: string;
  feedId: string;
  url: string;
  guid: string;
  title: string | null;
  published: string | null;
  summary: string | null;
  baseline: boolean;
  discoveredAt: string;
}

export interface DuplicateRef {
  id: string;
  source: string | null;
  url: string | null;
  title: string | null;
  published: string | null;
  /** How the duplicate was recognised. */
  match: 'url' | 'exact' | 'near' | 'contained' | 'same-event';
  similarity: number;
}

export interface TagRef {
  id: string;
  count: number;
  evidence: Evidence[];
}

/** A milestone an article mentions: its stance, history flag, evidence and classified mentions. */
export type MilestoneRef = MilestoneMention;

/** The article as stored and as printed by `marsad articles --json`. Fields are added, never renamed. */
export interface Article {
  id: string;
  origin: Origin;
  url: string | null;
  canonicalUrl: string | null;
  source: string | null;
  author: string | null;
  byline: string | null;
  title: string | null;
  published: string | null;
  language: Language;
  text: string;
  /** Ids of the bases and topics, for filtering; their evidence is in `tags`. */
  bases: string[];
  topics: string[];
  milestones: MilestoneRef[];
  tags: { bases: TagRef[]; topics: TagRef[] };
  duplicateOf: string | null;
  duplicateMatch: DuplicateRef['match'] | null;
  similarity: number | null;
  alsoReportedBy: DuplicateRef[];
  contentHash: string;
  /** Order in which marsad first saw articles; an original always has a lower seq than its duplicates. */
  seq: number;
  firstSeen: string;
  /** How far through the pipeline it is; `alerted`: its alerts (if any) are recorded and routed. */
  stage: 'cleaned' | 'deduped' | 'tagged' | 'grouped' | 'alerted';
  /** Seeds and feed backfill: recorded and visible, but not new reporting. */
  baseline: boolean;
  warnings: string[];
  /** The story it belongs to (`st-` + its earliest member's id): set at read time from the story index; null before grouping. */
  storyId?: string | null;
  /** The config version (taxonomy, milestones, cue lexicons) that tagged it; null before tagging. */
  taggedWith?: string | null;
}
