import type { Config } from '../config/load.js';
import type { Store } from '../store/store.js';
import { actorNames, milestoneStatus, type MilestoneStatus } from './assess.js';

/**
 * The status of each tracked milestone (or of those named), in config order, from the timelines in the
 * store: what `marsad milestones`, `/api/milestones` and the dashboard show.
 */
export async function readMilestoneStatuses(store: Store, config: Pick<Config, 'milestones' | 'stance'>, ids?: readonly string[]): Promise<MilestoneStatus[]> {
  const names = actorNames(config.stance);
  const wanted = config.milestones.milestones.filter((m) => !ids || ids.length === 0 || ids.includes(m.id));
  return Promise.all(wanted.map(async (m) => milestoneStatus(m, await store.milestoneTimeline(m.id), names)));
}
