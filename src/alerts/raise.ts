import type { Config } from '../config/load.js';
import { actorNames } from '../milestones/assess.js';
import type { Article } from '../model.js';
import type { Store } from '../store/store.js';
import type { StoryStore } from '../store/story-store.js';
import { alertsFor, newsOf } from './decide.js';

/**
 * The alerts an article raises now, with the timelines of the milestones it mentions read from the store,
 * and the members of its story (an alert one of them raised for the same milestone and stance covers it).
 */
export async function decideAlerts(
  store: Store,
  stories: StoryStore,
  config: Pick<Config, 'milestones' | 'stance' | 'settings'>,
  article: Article,
  now: Date,
): Promise<ReturnType<typeof alertsFor> & { members: string[] }> {
  // Most articles are news on no milestone: they raise no alert, and their story is not read.
  const { news, reason } = newsOf(article, { now, windowDays: config.settings.alerts.windowDays });
  if (news.length === 0) return { alerts: [], reason, members: [article.id] };
  const [storyId] = await stories.storyOf([article.id]);
  const members = storyId ? await stories.members(storyId) : [article.id];
  // Only the timelines of the milestones the article is news on.
  const timelines = new Map(await Promise.all(news.map(async (m) => [m.id, await store.milestoneTimeline(m.id)] as const)));
  const decided = alertsFor(article, config.milestones.milestones, { now, windowDays: config.settings.alerts.windowDays, timelines, names: actorNames(config.stance), storyId: storyId ?? null });
  return { ...decided, members: members.length > 0 ? members : [article.id] };
}
