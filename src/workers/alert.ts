import { UnrecoverableError } from 'bullmq';
import { decideAlerts } from '../alerts/raise.js';
import { routeAlert } from '../alerts/route.js';
import type { Article } from '../model.js';
import type { JobData } from '../queues/jobs.js';
import type { StageResult } from '../queues/pipeline.js';
import type { StageDeps } from './deps.js';

/**
 * Alert stage: one alert per (milestone, story, stance) for new reporting, recorded on the alert log and
 * stream, then routed to the subscribers whose filters accept it. Baseline alerts (seeds, backfill)
 * are recorded and visible but not routed; `marsad seed --alert` routes them on request.
 */
export async function handleAlert({ articleId }: JobData<'alert'>, deps: StageDeps): Promise<StageResult> {
  const article = await deps.store.getArticle(articleId);
  if (!article) throw new UnrecoverableError(`article ${articleId} is not in the store`);
  const raised = await raiseAlerts(article, deps, new Date());
  if (raised.alerts === 0) return { status: 'skipped', next: [], note: raised.reason ?? 'no alert' };
  return { status: 'done', next: raised.deliveries, note: `${raised.alerts} alerts, ${raised.deliveries.length} deliveries` };
}

/**
 * Records the alerts an article raises and routes the new reporting among them; marks the article as
 * through the alert stage. Replaying it records and routes nothing twice (ids from business keys).
 * Also what `marsad replay --stage alert` runs on stored articles.
 */
export async function raiseAlerts(
  article: Article,
  { store, stories, alerts, subscribers, config, log }: Pick<StageDeps, 'store' | 'stories' | 'alerts' | 'subscribers' | 'config' | 'log'>,
  now: Date,
): Promise<{ alerts: number; created: number; deliveries: string[]; reason: string | null }> {
  const decided = await decideAlerts(store, stories, config, article, now);
  const deliveries: string[] = [];
  let created = 0;
  for (const alert of decided.alerts) {
    const isNew = await alerts.putAlert(alert);
    const stored = isNew ? alert : ((await alerts.getAlerts([alert.id]))[0] ?? alert);
    if (isNew) {
      created++;
      log.info({ alert_id: alert.id, article_id: article.id, milestone: alert.milestone.id, stance: alert.stance, status: alert.assessment.after.status, baseline: alert.baseline }, 'alert');
    }
    if (!stored.baseline) deliveries.push(...(await routeAlert(stored, alerts, subscribers, now)));
  }
  await store.saveArticle({ ...article, stage: 'alerted' }, article);
  return { alerts: decided.alerts.length, created, deliveries, reason: decided.reason };
}
