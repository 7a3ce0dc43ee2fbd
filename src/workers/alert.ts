import { PermanentFailure } from '../queues/errors.js';
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
  if (!article) throw new PermanentFailure(`article ${articleId} is not in the store`);
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
  for (const decidedAlert of decided.alerts) {
    // A story member's alert for the same milestone and stance covers this report, even when the story's
    // id changed since (two stories merged): it is listed under that alert, not raised again.
    const covering = await alerts.alertCovering(decidedAlert.milestone.id, decidedAlert.stance, decided.members);
    let stored = covering !== null ? (await alerts.getAlerts([covering]))[0] : undefined;
    if (!stored) {
      const isNew = await alerts.putAlert(decidedAlert);
      stored = isNew ? decidedAlert : ((await alerts.getAlerts([decidedAlert.id]))[0] ?? decidedAlert);
      if (isNew) {
        created++;
        const { id, milestone, stance, assessment, baseline } = decidedAlert;
        log.info({ alert_id: id, article_id: article.id, milestone: milestone.id, stance, status: assessment.after.status, baseline }, 'alert');
      }
    }
    await alerts.markCovered(stored.milestone.id, decidedAlert.stance, article.id, stored.id);
    if (!stored.baseline) deliveries.push(...(await routeAlert(stored, alerts, subscribers, now)));
  }
  await store.saveArticle({ ...article, stage: 'alerted' }, article);
  return { alerts: decided.alerts.length, created, deliveries, reason: decided.reason };
}
