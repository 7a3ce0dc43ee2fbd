// What operators see of a feed that cannot be reached: a name DNS says does not exist is failing after one
// poll (not a green ok for the hours its backoff takes), and a loopback feed refused by the address guard says
// which switch opens it. Both through the real poll stage.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { collectFeeds, pollFeedsOnce } from '../../src/ops/feeds.js';
import { alertEnv, configDir, feedEntry, openAlertApp } from '../support/alerts-harness.js';
import { PIPELINE_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';

const url = testRedisUrl();
const prefix = testPrefix('feed-health');
let app: App;

beforeAll(async () => {
  const feeds = `feeds:\n${feedEntry('gone', 'https://feeds.example.invalid/rss', 'Gone Wire', 'en')}${feedEntry('local', 'http://127.0.0.1:9/rss', 'Local Wire', 'en')}`;
  // Private networks stay shut here (the harness opens them for its local servers).
  app = await openAlertApp(alertEnv(url, prefix, configDir({ feeds }, 'feed-health'), { MARSAD_ALLOW_PRIVATE_NETWORKS: 'false' }));
});

afterAll(async () => {
  await app?.close();
  await deleteKeys(url, prefix);
});

it('shows an unresolvable feed as failing with the DNS reason, and a refused loopback feed naming MARSAD_ALLOW_PRIVATE_NETWORKS', async () => {
  await pollFeedsOnce(app, app.config.feeds, { timeoutMs: PIPELINE_MS });
  const byId = new Map((await collectFeeds(app)).map((f) => [f.id, f]));
  const gone = byId.get('gone')!;
  expect(gone.status).toBe('failing');
  expect(gone.consecutiveFailures).toBe(1);
  expect(gone.lastError?.reason).toMatch(/ENOTFOUND|feeds\.example\.invalid/);
  const local = byId.get('local')!;
  expect(local.status).toBe('failing');
  expect(local.lastError?.reason).toContain('MARSAD_ALLOW_PRIVATE_NETWORKS=true');
});
