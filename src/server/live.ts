import type { App } from '../app.js';
import { collectFeeds } from '../ops/feeds.js';
import type { MilestoneStatusCache } from './dashboard-data.js';
import type { EventHub } from './events.js';
import type { Section } from './views/status.js';

/** How often the watcher looks for changes while a browser follows /events. */
export const LIVE_CHECK_MS = 3_000;

type Fingerprints = Partial<Record<Section, string>>;

/**
 * Small readings that change when a section of the dashboard would: the timelines' sizes (milestones), the
 * feeds' states, the newest deliveries' statuses, the newest article, and the minute (the queues' sparklines;
 * their counts come as `counts` events). Alerts are pushed as they are recorded, not watched.
 */
async function fingerprints(app: App, statusCache: MilestoneStatusCache, now: number): Promise<Fingerprints> {
  const [milestones, feeds, deliveryIds, newest] = await Promise.all([
    statusCache.fingerprint(),
    collectFeeds(app),
    app.alerts.listDeliveryIds(20),
    app.store.listArticleIds({}, 1),
  ]);
  const deliveries = await app.alerts.getDeliveries(deliveryIds);
  return {
    milestones,
    feeds: feeds.map((f) => `${f.id}:${f.status}:${f.stale}:${f.lastPollAt}:${f.consecutiveFailures}`).join(','),
    deliveries: deliveries.map((d) => `${d.id}:${d.status}:${d.attempts}`).join(','),
    articles: newest.join(','),
    queues: String(Math.floor(now / 60_000)),
  };
}

/**
 * Tells the browsers which sections changed (`changed` events), so every table of the dashboard stays live:
 * the page fetches the section again from /fragments/:section. The readings go on while nobody follows (a
 * few small reads every LIVE_CHECK_MS), so that a change right after a browser connects is not taken for
 * the starting point; events go out only when someone follows.
 */
export function watchSections(app: App, hub: EventHub, statusCache: MilestoneStatusCache): () => void {
  let last: Fingerprints | null = null;
  let busy = false;
  const check = async () => {
    if (busy) return;
    busy = true;
    try {
      const now = await fingerprints(app, statusCache, Date.now());
      if (last && hub.listening) for (const [section, value] of Object.entries(now)) if (last[section as Section] !== value) hub.publish({ event: 'changed', data: { section } });
      last = now;
    } catch (err) {
      app.log.warn({ err: (err as Error).message }, 'dashboard could not check for changes');
    } finally {
      busy = false;
    }
  };
  void check();
  const timer = setInterval(() => void check(), LIVE_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
