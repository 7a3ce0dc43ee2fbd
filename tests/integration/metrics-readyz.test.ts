import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { feedBounds, initialFeedState } from '../../src/feeds/schedule.js';
import { STAGES } from '../../src/queues/names.js';
import { INTERVAL_MS, SLOW_TEST_MS, WAIT_MS } from '../support/limits.js';
import { bearer, putDelivery, READER_TOKEN, startDashboard, type Dashboard } from './api-harness.js';

/** `name{labels} value` lines of a metric, as a map from the label text to the value. */
function samples(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`, 'gm'))) out.set(m[1] ?? '', Number(m[2]));
  return out;
}

describe('with every stage served by this process', () => {
  let d: Dashboard;
  beforeAll(async () => {
    d = await startDashboard('metrics', { workers: STAGES, seed: true });
    const feed = d.app.config.feeds[0]!;
    await d.app.store.putFeedState(feed.id, { ...initialFeedState(feedBounds(d.app.config.settings.feeds, feed)), status: 'ok', lastSuccessAt: '2026-11-30T08:00:00.000Z', failures: 1 });
    await putDelivery(d.app, 'dl-00000000000000e1', 'dead');
  }, SLOW_TEST_MS);
  afterAll(async () => d?.close());

  it('/metrics needs a role and serves marsad_ series with sample lines', async () => {
    expect((await fetch(`${d.base}/metrics`)).status).toBe(401);
    // A job's duration is observed when its worker hears it completed, just after the queue says so.
    const { res, text } = await vi.waitFor(
      async () => {
        const res = await fetch(`${d.base}/metrics`, { headers: bearer(READER_TOKEN) });
        const text = await res.text();
        expect(samples(text, 'marsad_job_duration_seconds_count').get('{queue="clean",outcome="completed"}')).toBe(5);
        return { res, text };
      },
      { timeout: WAIT_MS, interval: INTERVAL_MS },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(samples(text, 'marsad_queue_jobs').get('{queue="clean",state="completed"}')).toBe(5);
    expect(samples(text, 'marsad_queue_jobs').get('{queue="deliver",state="waiting"}')).toBe(0);
    expect(samples(text, 'marsad_queue_workers').get('{queue="tag"}')).toBe(1);
    expect(samples(text, 'marsad_queue_oldest_waiting_seconds').get('{queue="fetch"}')).toBe(0);
    expect(samples(text, 'marsad_job_duration_seconds_count').get('{queue="clean",outcome="completed"}')).toBe(5);
    expect(samples(text, 'marsad_articles').get('')).toBe(5);
    expect(samples(text, 'marsad_duplicate_articles').get('')).toBeGreaterThanOrEqual(0);
    expect(samples(text, 'marsad_alerts').get('')).toBeGreaterThanOrEqual(0);
    expect(samples(text, 'marsad_deliveries').get('{status="dead"}')).toBe(1);
    const feed = d.app.config.feeds[0]!.id;
    expect(samples(text, 'marsad_feed_last_success_timestamp_seconds').get(`{feed="${feed}"}`)).toBe(Date.parse('2026-11-30T08:00:00Z') / 1000);
    expect(samples(text, 'marsad_feed_failures').get(`{feed="${feed}"}`)).toBe(1);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
  });

  it('/readyz is ready: Redis with noeviction, a worker on every queue, nothing stuck', async () => {
    const res = await fetch(`${d.base}/readyz`);
    expect(await res.json()).toEqual({ status: 'ready', reasons: [], maxmemoryPolicy: 'noeviction', notes: [] });
    expect(res.status).toBe(200);
  });
});

describe('a dashboard with no workers anywhere', () => {
  let d: Dashboard;
  beforeAll(async () => {
    d = await startDashboard('readyz');
  });
  afterAll(async () => d?.close());

  it('/readyz answers 503 with the reasons when a queue has waiting jobs and no worker', async () => {
    await d.app.queues.enqueue('fetch', { documentId: '0123456789abcdef' });
    const res = await fetch(`${d.base}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; reasons: string[] };
    expect(body.status).toBe('unavailable');
    expect(body.reasons).toContain('queue fetch: no worker attached and 1 jobs waiting');
    expect(body.reasons).toContain('queue clean: no worker attached');
  });
});
