import { PermanentFailure } from '../queues/errors.js';
import { tagOffThread } from '../compute/index.js';
import type { JobData } from '../queues/jobs.js';
import type { StageResult } from '../queues/pipeline.js';
import type { StageDeps } from './deps.js';

/** Tag stage: bases, topics and milestone mentions from the taxonomy, with their evidence. */
export async function handleTag({ articleId }: JobData<'tag'>, { store, cores, log }: StageDeps): Promise<StageResult> {
  const previous = await store.getArticle(articleId);
  if (!previous) throw new PermanentFailure(`article ${articleId} is not in the store (was it cleaned?)`);
  const article = { ...previous, ...(await tagOffThread(cores, previous)), stage: 'tagged' as const };
  await store.saveArticle(article, previous);
  if (article.milestones.length > 0) {
    log.info({ article_id: articleId, milestones: article.milestones.map((m) => m.id) }, 'milestone mentioned');
  }
  return { status: 'done', next: [articleId], note: `${article.bases.length} bases, ${article.milestones.length} milestones` };
}
