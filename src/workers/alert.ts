import { UnrecoverableError } from 'bullmq';
import { decideAlerts } from '../alerts/raise.js';
import { routeAlert } from '../alerts/route.js';
import type { JobData } from '../queues/jobs.js';
import type { StageResult } from '../queues/pipeline.js';
import type { StageDeps } from './deps.js';

/**
 * Alert stage: one alert per (milestone, story) for new reporting, recorded on the alert log and
 * stream, then routed to the subscribers whose filters accept it. Baseline alerts (seeds, backfill)
 * are recorded and visible but not routed; `marsad seed --alert` routes them on request.
 */
export async function handleAlert({ articleId }: JobData<'alert'>, deps: StageDeps): Promise<StageResult> {
  const { store, alerts, subscribers, config, log } = deps;
  const article = await store.getArticle(articleId);
  if (!article) throw new UnrecoverableError(`article ${articleId} is not in the store`);
  const now = new Date();
  const decided = await decideAlerts(store, config, article, now);
  const next: string[] = [];
  for (const alert of decided.alerts) {
    const created = await alerts.putAlert(alert);
    const stored = created ? alert : ((await alerts.getAlerts([alert.id]))[0] ?? alert);
    if (created) {
      log.info({ alert_id: alert.id, article_id: articleId, milestone: alert.milestone.id, stance: alert.stance, status: alert.assessment.after.status, baseline: alert.baseline }, 'alert');
    }
    if (!stored.baseline) next.push(...(await routeAlert(stored, alerts, subscribers, now)));
  }
  await store.saveArticle({ ...article, stage: 'alerted' }, article);
  if (decided.alerts.length === 0) return { status: 'skipped', next: [], note: decided.reason ?? 'no alert' };
  return { status: 'done', next, note: `${decided.alerts.length} alerts, ${next.length} deliveries` };
}
