import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { DEFAULT_CORPUS_DIR, loadAntCorpus } from '../../bench/dedup-corpus.js';
import { deliveryId } from '../../src/alerts/decide.js';
import { openApp, type App } from '../../src/app.js';
import { cleanDocument } from '../../src/extract/document.js';
import { createLogger } from '../../src/log.js';
import { DEFAULT_SEEDS_DIR, seedDocuments } from '../../src/ops/seed.js';
import { STAGES } from '../../src/queues/names.js';
import { alertEnv, configDir, convoyReprint, feedEntry, fixture, newSecret, openAlertApp, queuesSettled } from '../support/alerts-harness.js';
import { FeedSite } from '../support/feed-site.js';
import { INTERVAL_MS, PIPELINE_MS, PROCESS_MS, SLOW_TEST_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { assertFreshBuild, exitWithin, killAll, startCli, type Running } from './processes.js';

// Two "processes" (two apps, each with its own connections and workers) share one Redis, as
// `docker compose up --scale worker=2` would. Reprints of one story race through dedup at once.
describe('two apps on one Redis', () => {
  let apps: App[] = [];
  let url: string;
  let prefix: string;

  beforeAll(async () => {
    url = testRedisUrl();
    prefix = testPrefix('concurrency');
    const env = { ...process.env, REDIS_URL: url, MARSAD_PREFIX: prefix, MARSAD_LOG_LEVEL: 'silent' };
    apps = await Promise.all([0, 1].map(() => openApp({ log: createLogger(env), env })));
    for (const app of apps) app.startWorkers(STAGES);
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    if (url) await deleteKeys(url, prefix);
  });

  it('groups ten reprints of one story under one original, whichever worker takes which', { timeout: SLOW_TEST_MS }, async () => {
    const raw = readFileSync(path.join(DEFAULT_SEEDS_DIR, '001_0610cea943b786cc.txt'), 'utf8');
    const paragraphs = cleanDocument({ format: 'text', body: raw, url: null, title: null, published: null, language: null }).text.split('\n\n');
    const dir = mkdtempSync(path.join(tmpdir(), 'marsad-race-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    for (let i = 0; i < 10; i++) {
      // Each outlet drops a different paragraph, writes its own headline and adds its own furniture.
      const body = paragraphs.filter((_, p) => p !== i + 1);
      const text = [`عنوان المنفذ رقم ${i}: مصير التحالف الدولي في العراق`, ...body, `جميع الحقوق محفوظة لموقع رقم ${i}`].join('\n\n');
      writeFileSync(path.join(dir, `outlet-${i}.json`), JSON.stringify({ text, source: `Outlet ${i}`, url: `https://outlet${i}.example/iraq/coalition` }));
    }
    const summary = await seedDocuments(apps[0]!, dir, { timeoutMs: PIPELINE_MS });
    expect(summary).toMatchObject({ documents: 10, failed: 0, duplicates: 9 });

    const originals = summary.outcomes.filter((o) => o.article!.duplicateOf === null);
    expect(originals).toHaveLength(1);
    const originalId = originals[0]!.id;
    for (const o of summary.outcomes) if (o.id !== originalId) expect(o.article!.duplicateOf).toBe(originalId);
    const original = (await apps[1]!.store.readArticle(originalId))!;
    expect(original.alsoReportedBy.map((d) => d.id).sort()).toEqual(summary.outcomes.filter((o) => o.id !== originalId).map((o) => o.id).sort());
  });
});

/** One job a worker process finished, from its `stage done` debug log line. */
interface DoneJob {
  stage: string;
  jobId: string;
  status: string;
  time: number;
}

function doneJobs(stderr: string): DoneJob[] {
  return stderr.split('\n').flatMap((line) => {
    if (!line.includes('"stage done"')) return [];
    const entry = JSON.parse(line) as { stage: string; job_id: string; status: string; time: number };
    return [{ stage: entry.stage, jobId: entry.job_id, status: entry.status, time: entry.time }];
  });
}

/** Up to `count` corpus articles (../shared) as seed documents in a temp folder. */
function corpusFolder(count: number): { dir: string; documents: number } {
  const dir = mkdtempSync(path.join(tmpdir(), 'marsad-scale-out-'));
  const docs = loadAntCorpus().slice(0, count);
  for (const d of docs) writeFileSync(path.join(dir, `${d.id}.json`), JSON.stringify({ title: d.title || undefined, text: d.text, url: d.url || undefined, source: d.source || undefined }));
  return { dir, documents: docs.length };
}

const CORPUS_ARTICLES = 300;

/** The poll queue always holds its schedulers' next ticks (delayed): "settled" means the stages after it. */
const AFTER_POLL = STAGES.filter((s) => s !== 'poll');

// Three `marsad worker` processes (every stage each), as on three machines, against one Redis: three feeds
// polled by their schedulers, a corpus batch seeded while they run. Nothing is done twice, and each
// process's share of the work is logged (throughput per process, for docs/PERFORMANCE.md "Scale-out").
describe('three `marsad worker` processes on one Redis', { timeout: SLOW_TEST_MS }, () => {
  let url: string;
  let prefix: string;
  let app: App;
  const sites = [
    new FeedSite([fixture('ain-al-asad-convoy'), fixture('harir-handover-talks'), fixture('victory-base-inventory')], new Date()),
    new FeedSite([convoyReprint(), fixture('coalition-advisers-statement'), fixture('tanf-garrison-report')], new Date()),
    new FeedSite([fixture('militia-statement-withdrawal'), fixture('drone-attack-erbil'), fixture('football-league')], new Date()),
  ];
  const secret = newSecret();
  const hook = new WebhookReceiver(secret);
  const workers: Running[] = [];
  let dir: string | undefined;

  beforeAll(async () => {
    assertFreshBuild();
    url = testRedisUrl();
    prefix = testPrefix('scale-out');
    await Promise.all([...sites.map((s) => s.start()), hook.start()]);
    dir = configDir(
      {
        feeds: `feeds:\n${sites.map((s, i) => feedEntry(`site-${i}`, `${s.baseUrl}/feed.xml`, `Site ${i}`)).join('')}`,
        subscribers: `subscribers:\n  - id: scale-hook\n    channel: webhook\n    url: ${hook.url}\n    secret: ${secret}\n`,
      },
      'scale-out',
    );
    app = await openAlertApp(alertEnv(url, prefix, dir));
    const workerEnv = alertEnv(url, prefix, dir, { MARSAD_LOG_LEVEL: 'debug', MARSAD_LOG_FORMAT: 'json' });
    for (let i = 0; i < 3; i++) workers.push(startCli(['worker'], workerEnv));
    await vi.waitFor(
      () => {
        for (const w of workers) if (!w.stderr.includes('"workers started"')) throw new Error(`a worker has not started yet: ${w.stderr.slice(-500)}`);
      },
      { timeout: PROCESS_MS, interval: INTERVAL_MS * 4 },
    );
  }, SLOW_TEST_MS);

  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => exitWithin(w)));
    await killAll();
    await app?.close();
    await Promise.all([...sites.map((s) => s.stop()), hook.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (url) await deleteKeys(url, prefix);
  });

  it('polls each feed once, fetches each page once, and records and delivers each alert once', async () => {
    // The schedulers' first tick polls every feed at once; the next tick is a minute on, and the feeds are not due before five.
    await vi.waitFor(() => expect(sites.map((s) => s.count('/feed.xml'))).toEqual([1, 1, 1]), { timeout: PIPELINE_MS, interval: INTERVAL_MS * 4 });
    await vi.waitFor(async () => expect(await app.store.countArticles()).toBe(9), { timeout: PIPELINE_MS, interval: INTERVAL_MS * 4 });
    await queuesSettled(app, AFTER_POLL, PIPELINE_MS);

    expect(sites.map((s) => s.count('/feed.xml'))).toEqual([1, 1, 1]);
    for (const site of sites) for (const [pathname, n] of site.requests) if (pathname.startsWith('/news/')) expect(n, pathname).toBe(1);
    const articles = await app.store.getArticles(await app.store.listArticleIds({}, 0));
    expect(new Set(articles.map((a) => (a.origin as { url: string }).url)).size).toBe(9);
    expect(articles.filter((a) => a.duplicateOf !== null)).toHaveLength(1);

    const alerts = await app.alerts.getAlerts(await app.alerts.listAlertIds(0));
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.every((a) => !a.baseline)).toBe(true);
    const deliveries = await app.alerts.getDeliveries(await app.alerts.listDeliveryIds(0));
    expect(deliveries.map((d) => d.id).sort()).toEqual(alerts.map((a) => deliveryId(a.id, 'scale-hook')).sort());
    expect(deliveries.every((d) => d.status === 'sent' && d.attempts === 1)).toBe(true);
    const received = hook.requests.filter((r) => r.verified).map((r) => r.headers['webhook-id']!);
    expect(received.sort()).toEqual(alerts.map((a) => a.id).sort());

    // A poll logs its end after handing its items on: its line may come a moment after the fetches.
    const polls = () => workers.flatMap((w) => doneJobs(w.stderr)).filter((j) => j.stage === 'poll' && j.status === 'done');
    await vi.waitFor(() => expect(polls()).toHaveLength(3), { timeout: PIPELINE_MS, interval: INTERVAL_MS * 4 });
  });

  it.skipIf(!existsSync(DEFAULT_CORPUS_DIR))(`shares a corpus batch between the processes, each job done once, and logs each one's throughput${existsSync(DEFAULT_CORPUS_DIR) ? '' : ` (skipped: no corpus at ${DEFAULT_CORPUS_DIR})`}`, async () => {
    const corpus = corpusFolder(CORPUS_ARTICLES);
    onTestFinished(() => rmSync(corpus.dir, { recursive: true, force: true }));
    const before = workers.map((w) => doneJobs(w.stderr).length);
    const started = Date.now();
    const summary = await seedDocuments(app, corpus.dir, { timeoutMs: PIPELINE_MS * 2 });
    const seconds = (Date.now() - started) / 1000;
    await queuesSettled(app, AFTER_POLL, PIPELINE_MS);
    expect(summary).toMatchObject({ documents: corpus.documents, new: corpus.documents, failed: 0 });
    expect(await app.store.countArticles()).toBe(9 + corpus.documents);

    const done = workers.map((w, i) => doneJobs(w.stderr).slice(before[i]));
    const all = done.flat();
    // A job id finished by two processes would be work done twice (no job fails here, so none is retried).
    const seen = new Set<string>();
    for (const j of all) {
      const key = `${j.stage}/${j.jobId}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
    expect(all.filter((j) => j.stage === 'clean')).toHaveLength(corpus.documents);
    expect(hook.requests.filter((r) => r.verified)).toHaveLength((await app.alerts.listDeliveryIds(0)).length);

    const rows = done.map((jobs, i) => {
      const articles = jobs.filter((j) => j.stage === 'clean').length;
      return `process ${i + 1}: ${jobs.length} jobs (${articles} articles cleaned), ${(jobs.length / seconds).toFixed(1)} jobs/s, ${(articles / seconds).toFixed(1)} articles/s`;
    });
    console.log(
      [`three marsad worker processes, ${corpus.documents} corpus articles seeded through ${STAGES.length} queues in ${seconds.toFixed(1)} s: ${(corpus.documents / seconds).toFixed(1)} articles/s in all`, ...rows].join('\n'),
    );
    for (const jobs of done) expect(jobs.length).toBeGreaterThan(0);
  });
});
