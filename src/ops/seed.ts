import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App } from '../app.js';
import { DOCUMENT_STAGES } from '../queues/names.js';
import { decideAlerts } from '../alerts/raise.js';
import { routeAlert } from '../alerts/route.js';
import { readSeedFolder } from '../seed/documents.js';
import type { Article } from '../model.js';
import { ensureWorkers, sendAndWait, waitThroughPipeline, type ProgressSink } from './wait.js';

export const DEFAULT_SEEDS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../seeds');

export interface SeedOutcome {
  file: string;
  id: string;
  status: 'new' | 'known' | 'failed';
  error?: string;
  article?: Pick<Article, 'id' | 'title' | 'published' | 'bases' | 'topics' | 'duplicateOf' | 'duplicateMatch'> & { milestones: string[] };
}

export interface SeedSummary {
  dir: string;
  /** With `--alert`: the deliveries of the seeds' (baseline) alerts, and how their first attempt went. */
  deliveries?: { id: string; subscriberId: string; status: string; lastError: string | null }[];
  documents: number;
  new: number;
  known: number;
  failed: number;
  duplicates: number;
  problems: string[];
  outcomes: SeedOutcome[];
}

export async function seedDocuments(app: App, dir: string, opts: { timeoutMs: number; progress?: ProgressSink }): Promise<SeedSummary> {
  const { documents, problems } = readSeedFolder(dir, new Date().toISOString(), app.config.settings.fetch.maxBodyBytes);
  const outcomes = new Map<string, SeedOutcome>();
  const pending = new Set<string>();
  const existing = new Map((await app.store.getArticles(documents.map((d) => d.id))).map((a) => [a.id, a]));
  for (const doc of documents) {
    const created = await app.store.putDocument(doc);
    const done = existing.get(doc.id)?.stage === 'alerted';
    outcomes.set(doc.id, { file: doc.origin.kind === 'seed' ? doc.origin.file : doc.id, id: doc.id, status: created ? 'new' : 'known' });
    if (!done) {
      pending.add(doc.id);
      await app.queues.enqueue('clean', { documentId: doc.id });
    }
  }

  if (pending.size > 0) await ensureWorkers(app, DOCUMENT_STAGES);
  opts.progress?.update(documents.length - pending.size, documents.length);
  const errors = await waitThroughPipeline(app, [...pending], DOCUMENT_STAGES, { timeoutMs: opts.timeoutMs, progress: opts.progress });
  for (const [id, error] of errors) if (error) Object.assign(outcomes.get(id)!, { status: 'failed', error });

  for (const outcome of outcomes.values()) {
    const a = await app.store.readArticle(outcome.id);
    if (a && outcome.status !== 'failed') {
      outcome.article = {
        id: a.id,
        title: a.title,
        published: a.published,
        bases: a.bases,
        topics: a.topics,
        milestones: a.milestones.map((m) => m.id),
        duplicateOf: a.duplicateOf,
        duplicateMatch: a.duplicateMatch,
      };
    }
  }
  const list = [...outcomes.values()];
  return {
    dir,
    documents: documents.length,
    new: list.filter((o) => o.status === 'new').length,
    known: list.filter((o) => o.status === 'known').length,
    failed: list.filter((o) => o.status === 'failed').length,
    duplicates: list.filter((o) => o.article?.duplicateOf).length,
    problems,
    outcomes: list,
  };
}

/**
 * `--alert`: delivers the alerts of the seeded articles, which as baseline are otherwise only
 * recorded, to the subscribers whose filters accept them, and waits for each first attempt.
 */
export async function deliverSeedAlerts(app: App, summary: SeedSummary, timeoutMs: number): Promise<NonNullable<SeedSummary['deliveries']>> {
  const now = new Date();
  const articles = await app.store.getArticles(summary.outcomes.filter((o) => o.status !== 'failed').map((o) => o.id));
  const alertIds: string[] = [];
  for (const a of articles) alertIds.push(...(await decideAlerts(app.store, app.stories, app.config, a, now)).alerts.map((al) => al.id));
  const deliveryIds: string[] = [];
  for (const alert of await app.alerts.getAlerts(alertIds)) deliveryIds.push(...(await routeAlert(alert, app.alerts, app.subscribers, now)));
  const deliveries = await sendAndWait(app, deliveryIds, timeoutMs);
  return deliveries.map((d) => ({ id: d.id, subscriberId: d.subscriberId, status: d.status, lastError: d.lastError }));
}

