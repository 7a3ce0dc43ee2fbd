// "Nothing lost", as the fault suite checks it after a fault under flow: every accepted article stored
// once, every due alert delivered once (the receiver saw each webhook-id, counted once after dedup).
import { expect } from 'vitest';
import type { App } from '../../src/app.js';
import type { FixtureArticle } from '../fixtures/feed-site/articles.js';
import type { FeedSite } from '../support/feed-site.js';
import type { WebhookReceiver } from '../support/webhook-receiver.js';

/** How many of the site's article pages have been fetched at least once: "under flow" is some, not all. */
export function pagesFetched(site: FeedSite, articles: readonly FixtureArticle[]): number {
  return articles.reduce((n, a) => n + (site.count(`/news/${a.slug}.html`) > 0 ? 1 : 0), 0);
}

export async function expectNothingLost(app: App, hook: WebhookReceiver, articles: readonly FixtureArticle[]): Promise<void> {
  const stored = await app.store.getArticles(await app.store.listArticleIds({}, 0));
  const urls = stored.map((a) => (a.origin.kind === 'feed' ? a.origin.url : ''));
  expect(stored).toHaveLength(articles.length);
  expect(new Set(urls).size).toBe(articles.length);
  const deliveries = (await Promise.all((await app.alerts.listDeliveryIds(0)).map((id) => app.alerts.getDelivery(id)))).filter((d) => d !== null);
  expect(deliveries.length).toBeGreaterThan(0);
  for (const d of deliveries) expect(d, d.id).toMatchObject({ status: 'sent' });
  const received = new Set(hook.requests.filter((r) => r.verified).map((r) => r.headers['webhook-id']));
  expect([...received].sort()).toEqual(deliveries.flatMap((d) => d.alertIds).sort());
}
