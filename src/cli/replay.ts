import { openApp, type App } from '../app.js';
import { tagArticle } from '../cores.js';
import { raiseAlerts } from '../workers/alert.js';
import { sendAndWait } from '../ops/wait.js';
import { Progress } from './progress.js';
import { UsageError, type CommandContext } from './context.js';

export interface ReplaySummary {
  /** The config version (taxonomy, milestones, cue lexicons) the articles are now tagged with. */
  configVersion: string;
  since: string | null;
  stage: 'tag' | 'alert';
  /** Stored articles considered (published, or first seen, on or after `since`). */
  articles: number;
  /** Articles whose tags, milestones or stances changed. */
  changed: number;
  /** Articles not yet through the tag stage: the pipeline tags them with the current config. */
  skipped: number;
  alerts: { raised: number; new: number };
  deliveries: number;
}

const BATCH = 200;
/** How long replay waits for the first attempt of the deliveries it queued. */
const DELIVERY_WAIT_MS = 120_000;

/**
 * Re-runs tagging (bases, topics, milestone mentions and their stances) over stored articles with the
 * current config, without fetching anything, and with `stage: 'alert'` the alert stage too. Idempotent:
 * an unchanged article is rewritten as it was, and alerts and deliveries have ids from business keys, so
 * none is recorded or sent twice for the same (milestone, story, stance).
 */
export async function replayArticles(app: App, opts: { since?: string; stage: 'tag' | 'alert'; progress?: Progress; timeoutMs?: number }): Promise<ReplaySummary> {
  const summary: ReplaySummary = {
    configVersion: app.cores.version,
    since: opts.since ?? null,
    stage: opts.stage,
    articles: 0,
    changed: 0,
    skipped: 0,
    alerts: { raised: 0, new: 0 },
    deliveries: 0,
  };
  if (opts.stage === 'alert') await app.subscribers.syncFromConfig(app.config.subscribers);
  const ids = await app.store.listArticleIds({}, 0);
  const now = new Date();
  const deliveries: string[] = [];
  for (let i = 0; i < ids.length; i += BATCH) {
    for (const article of await app.store.getArticles(ids.slice(i, i + BATCH))) {
      if (opts.since && (article.published ?? article.firstSeen).slice(0, 10) < opts.since) continue;
      summary.articles++;
      if (article.stage === 'cleaned') {
        summary.skipped++;
        continue;
      }
      const tags = tagArticle(app.cores, article);
      const retagged = { ...article, ...tags };
      if (JSON.stringify([article.bases, article.topics, article.milestones, article.taggedWith]) !== JSON.stringify([tags.bases, tags.topics, tags.milestones, tags.taggedWith])) {
        summary.changed++;
      }
      await app.store.saveArticle(retagged, article);
      if (opts.stage === 'alert') {
        const raised = await raiseAlerts(retagged, { ...app, log: app.log }, now);
        summary.alerts.raised += raised.alerts;
        summary.alerts.new += raised.created;
        deliveries.push(...raised.deliveries);
      }
    }
    opts.progress?.update(Math.min(i + BATCH, ids.length), ids.length);
  }
  summary.deliveries = (await sendAndWait(app, deliveries, opts.timeoutMs ?? DELIVERY_WAIT_MS)).length;
  return summary;
}

export async function replayCommand(opts: { since?: string; stage?: string; json?: boolean }, ctx: CommandContext): Promise<number> {
  if (opts.since !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(opts.since) || Number.isNaN(Date.parse(opts.since)))) {
    throw new UsageError(`--since takes a date YYYY-MM-DD, got "${opts.since}"`);
  }
  const stage = opts.stage ?? 'tag';
  if (stage !== 'tag' && stage !== 'alert') throw new UsageError(`--stage takes "tag" (re-tag only) or "alert" (re-tag, then alert), got "${stage}"`);
  const app = await openApp({ log: ctx.log });
  try {
    const progress = new Progress('replay', ctx.err);
    const summary = await replayArticles(app, { ...(opts.since ? { since: opts.since } : {}), stage, progress });
    progress.done();
    if (opts.json) ctx.out.write(JSON.stringify(summary, null, 2) + '\n');
    else {
      const alerted = stage === 'alert' ? `; alerts: ${summary.alerts.raised} raised, ${summary.alerts.new} new, ${summary.deliveries} deliveries queued` : '';
      ctx.out.write(
        `replayed ${summary.articles} articles${summary.since ? ` since ${summary.since}` : ''} with config ${summary.configVersion}: ${summary.changed} changed, ${summary.skipped} not yet tagged (left to the pipeline)${alerted}\n`,
      );
    }
    return 0;
  } finally {
    await app.close();
  }
}
