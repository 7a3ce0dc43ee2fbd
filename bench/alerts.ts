// Alert latency and delivery throughput: 1,000 distinct new articles, each mentioning a milestone, are
// put in the store and enqueued for the clean stage at once; every stage (clean, dedup, tag, alert,
// deliver) runs in this process against REDIS_URL; a webhook receiver on loopback notes when each alert
// arrives. Latency is article enqueued -> webhook received, so under this burst it includes the time each
// article waits in the queues behind the others.
//
//   npx tsx bench/alerts.ts [--articles N]
//
// Uses a fresh key prefix and deletes its keys afterwards (SCAN + UNLINK on the prefix; never FLUSHDB).
import { alertProbe, deleteKeys, quantile } from './support.js';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Webhook } from 'standardwebhooks';
import { openApp } from '../src/app.js';
import { DEFAULT_CONFIG_DIR } from '../src/config/load.js';
import type { MilestoneMentionedBody } from '../src/deliver/webhook.js';
import { documentId } from '../src/ids.js';
import { createLogger } from '../src/log.js';
import type { SourceDocument } from '../src/model.js';

export interface AlertBenchFigures {
  articles: number;
  alerts: number;
  duplicates: number;
  delivered: number;
  /** Webhook requests whose signature did not verify, or that repeated a webhook-id. */
  badRequests: number;
  latencyMs: { median: number; p95: number; max: number };
  /** Deliveries received per second, from the first enqueue to the last webhook received. */
  deliveriesPerSecond: number;
  /** How long putting the 1,000 documents in the store and enqueueing them took (workers already running). */
  enqueueSeconds: number;
  wallSeconds: number;
}

export async function benchAlerts(opts: { articles?: number; redisUrl?: string; timeoutMs?: number } = {}): Promise<AlertBenchFigures> {
  const count = opts.articles ?? 1000;
  const url = opts.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `{marsad-bench-alerts-${randomBytes(4).toString('hex')}}`;
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const verifier = new Webhook(secret);

  // The receiver: notes when each alert arrives (by article id), checks the signature.
  const received = new Map<string, number>();
  let badRequests = 0;
  let allIn: () => void = () => {};
  const done = new Promise<void>((resolve) => (allIn = resolve));
  let expected = count;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const raw = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
      try {
        verifier.verify(raw, headers);
        const body = JSON.parse(raw) as MilestoneMentionedBody;
        const articleId = body.data.alert.article.id;
        if (received.has(articleId)) badRequests++;
        else received.set(articleId, at);
      } catch {
        badRequests++;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      if (received.size >= expected) allIn();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/bench`;

  const dir = mkdtempSync(path.join(tmpdir(), 'marsad-bench-alerts-'));
  for (const f of ['taxonomy.yaml', 'milestones.yaml', 'stance.yaml', 'stories.yaml']) cpSync(path.join(DEFAULT_CONFIG_DIR, f), path.join(dir, f));
  // The synthetic articles are variations of a few templates on one day: as stories they would be a handful,
  // and so would the alerts. This bench measures alert delivery, so each article stays a story of its own.
  const stories = readFileSync(path.join(dir, 'stories.yaml'), 'utf8');
  writeFileSync(path.join(dir, 'stories.yaml'), stories.replace(/^  min_score: .*$/m, '  min_score: 1000').replace(/^  jaccard: .*$/m, '  jaccard: 1').replace(/^  containment: .*$/m, '  containment: 1'));
  writeFileSync(path.join(dir, 'settings.yaml'), 'fetch:\n  hostIntervalMs: 0\n  contact: mailto:bench@example.org\nhttp:\n  publicUrl: https://marsad.test\n');
  writeFileSync(path.join(dir, 'subscribers.yaml'), `subscribers:\n  - id: bench-hook\n    channel: webhook\n    url: ${hookUrl}\n    secret: ${secret}\n`);
  const env = { ...process.env, REDIS_URL: url, MARSAD_PREFIX: prefix, MARSAD_CONFIG_DIR: dir, MARSAD_ALLOW_PRIVATE_NETWORKS: 'true', MARSAD_LOG_LEVEL: process.env.MARSAD_LOG_LEVEL ?? 'silent' };
  const app = await openApp({ log: createLogger(env), env });
  try {
    await app.subscribers.syncFromConfig(app.config.subscribers);
    app.startWorkers(['clean', 'dedup', 'tag', 'story', 'alert', 'deliver']);

    const today = new Date();
    const now = today.toISOString();
    const docs: SourceDocument[] = Array.from({ length: count }, (_, i) => {
      // Fresh reporting as marsad alerts on it: the milestone in the lead sentence, dated ahead of the run's day.
      const { title, paragraphs } = alertProbe(i, today);
      const text = paragraphs.join('\n\n');
      const docUrl = `https://bench.example/news/${i}`;
      return {
        id: documentId({ url: docUrl, body: '' }),
        origin: { kind: 'feed', feedId: 'bench-wire', url: docUrl },
        format: 'text',
        body: `${title}\n\n${text}\n`,
        url: docUrl,
        source: 'Bench Wire',
        author: null,
        title,
        published: now,
        language: 'en',
        baseline: false,
        receivedAt: now,
      };
    });

    const enqueuedAt = new Map<string, number>();
    const started = Date.now();
    for (const doc of docs) {
      await app.store.putDocument(doc);
      enqueuedAt.set(doc.id, Date.now());
      await app.queues.enqueue('clean', { documentId: doc.id });
    }
    const enqueued = Date.now();

    // Until every article has been through the alert stage, an article without a milestone lowers `expected`.
    const timeoutMs = opts.timeoutMs ?? 100_000;
    const deadline = started + timeoutMs;
    let alerted = 0;
    while (Date.now() < deadline) {
      const articles = await app.store.getArticles(docs.map((d) => d.id));
      const through = articles.filter((a) => a.stage === 'alerted');
      alerted = through.length;
      if (alerted === count) {
        expected = through.filter((a) => a.duplicateOf === null && a.milestones.length > 0).length;
        if (received.size >= expected) allIn();
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    await Promise.race([done, new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))]);
    const finished = Math.max(...received.values(), started);

    const latencies = [...received].map(([id, at]) => at - enqueuedAt.get(id)!).sort((a, b) => a - b);
    const alerts = (await app.alerts.listAlertIds(0)).length;
    const figures: AlertBenchFigures = {
      articles: count,
      alerts,
      duplicates: await app.store.countDuplicates(),
      delivered: received.size,
      badRequests,
      latencyMs: { median: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), max: latencies.at(-1) ?? NaN },
      deliveriesPerSecond: Math.round((received.size / ((finished - started) / 1000)) * 10) / 10,
      enqueueSeconds: Math.round((enqueued - started) / 100) / 10,
      wallSeconds: Math.round((finished - started) / 100) / 10,
    };
    if (alerted < count) throw Object.assign(new Error(`only ${alerted} of ${count} articles got through the alert stage in ${timeoutMs} ms`), { figures });
    // Without alerts the latency and delivery figures measure nothing: say so instead of printing them.
    if (alerts === 0) throw Object.assign(new Error(`bench/alerts.ts: none of the ${count} articles raised an alert, so there is no latency to measure: check that its probes (bench/support.ts alertProbe) still read as fresh milestone news`), { figures });
    return figures;
  } finally {
    await app.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    rmSync(dir, { recursive: true, force: true });
    const cleaner = new Redis(url, { maxRetriesPerRequest: 3 });
    try {
      await deleteKeys(cleaner, prefix);
    } finally {
      cleaner.disconnect();
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--articles');
  const articles = i > 0 ? Number(process.argv[i + 1]) : 1000;
  benchAlerts({ articles }).then(
    (f) => {
      console.log(JSON.stringify(f, null, 2));
      const problems = [
        f.duplicates > 0 ? `${f.duplicates} articles were merged as duplicates: the generated texts are not distinct enough` : '',
        f.alerts !== f.articles ? `${f.alerts} alerts for ${f.articles} articles` : '',
        f.delivered !== f.alerts ? `${f.delivered} of ${f.alerts} alerts delivered` : '',
        f.badRequests > 0 ? `${f.badRequests} bad or repeated webhook requests` : '',
      ].filter(Boolean);
      for (const p of problems) console.error(`! ${p}`);
      process.exit(problems.length > 0 ? 1 : 0);
    },
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
