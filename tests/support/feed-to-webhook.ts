// A feed site and a webhook receiver for one subscriber, and the config folder that points marsad at them: what
// the tests of articles flowing from a feed to a webhook through worker processes stand on.
import { expect, vi } from 'vitest';
import { deliveryId } from '../../src/alerts/decide.js';
import type { App } from '../../src/app.js';
import { pollFeedsOnce } from '../../src/ops/feeds.js';
import type { FixtureArticle } from '../fixtures/feed-site/articles.js';
import { startCli, type Running } from '../integration/processes.js';
import { alertIdOf, configDir, feedEntry, newSecret, workersAttached } from './alerts-harness.js';
import { FeedSite } from './feed-site.js';
import { INTERVAL_MS, PIPELINE_MS, WAIT_MS } from './limits.js';
import { WebhookReceiver } from './webhook-receiver.js';

export class FeedToWebhook {
  readonly secret = newSecret();
  readonly hook = new WebhookReceiver(this.secret);
  readonly site: FeedSite;

  constructor(articles: FixtureArticle[]) {
    this.site = new FeedSite(articles, new Date());
  }

  async start(): Promise<void> {
    await Promise.all([this.site.start(), this.hook.start()]);
  }

  /** Safe after a failed or missing start. */
  async stop(): Promise<void> {
    await Promise.all([this.site.stop(), this.hook.stop()]);
  }

  /** A config folder with the site's feed and the receiver as webhook subscriber `subscriberId`; `webhookTimeoutMs` sets webhooks.timeoutMs. */
  configDir(subscriberId: string, opts: { webhookTimeoutMs?: number; name?: string } = {}): string {
    const files = {
      settings: opts.webhookTimeoutMs === undefined ? undefined : `fetch:\n  hostIntervalMs: 0\n  contact: mailto:tests@example.org\nwebhooks:\n  timeoutMs: ${opts.webhookTimeoutMs}\n`,
      feeds: `feeds:\n${feedEntry('fixture-site', `${this.site.baseUrl}/feed.xml`, 'Fixture Daily')}`,
      subscribers: `subscribers:\n  - id: ${subscriberId}\n    channel: webhook\n    url: ${this.hook.url}\n    secret: ${this.secret}\n`,
    };
    return configDir(files, opts.name);
  }
}

/**
 * For a site serving the Ain al-Asad convoy article alone: a `marsad worker deliver` process started on `env`,
 * holding the first attempt of the article's alert to `subscriberId` on a receiver that never answers. The other
 * stages run in this process (pollFeedsOnce starts them). The worker, the alert id (the webhook-id) and the delivery id.
 */
export async function deliveryHangingInWorker(flow: FeedToWebhook, app: App, env: NodeJS.ProcessEnv, subscriberId: string): Promise<{ worker: Running; alert: string; id: string }> {
  flow.hook.reply({ hang: true });
  const worker = startCli(['worker', 'deliver'], env);
  await workersAttached(app, 'deliver', 1);
  await pollFeedsOnce(app, app.config.feeds, { timeoutMs: PIPELINE_MS });
  const article = (await app.store.getArticles(await app.store.listArticleIds({}, 0)))[0]!;
  const alert = await alertIdOf(app, article.id, 'ain-al-asad-exit');
  await vi.waitFor(() => expect(flow.hook.requests).toHaveLength(1), { timeout: WAIT_MS, interval: INTERVAL_MS });
  return { worker, alert, id: deliveryId(alert, subscriberId) };
}
