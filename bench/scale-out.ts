/**
 * Scale-out: the same corpus batch (the ANT corpus in /work/shared/corpora, the first --limit articles) seeded
 * through the document stages (clean, dedup, tag, story, alert) by 1 and by 3 `marsad worker` processes on one
 * private redis-server, and by 3 on a private three-master Redis Cluster, in one run. Per configuration: articles/s,
 * articles/s per process, and CPU ms per article (the workers' user+system time from /proc, over the batch).
 * Writes bench/results/scale-out.json. Needs `npm run build` (the workers run dist/).
 *
 *   npx tsx bench/scale-out.ts [--limit N] [--corpus DIR]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openApp } from '../src/app.js';
import { createLogger } from '../src/log.js';
import { seedDocuments } from '../src/ops/seed.js';
import { DOCUMENT_STAGES } from '../src/queues/names.js';
import { clusterUnavailable, startCluster } from '../tests/support/cluster.js';
import { stopChildren } from '../tests/support/stop-children.js';
import { DEFAULT_CORPUS_DIR, loadAntCorpus } from './dedup-corpus.js';
import { startPrivateRedis } from './private-redis.js';
import { table } from './support.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TIMEOUT_MS = 600_000;
const CLOCK_TICKS = 100; // USER_HZ on Linux: /proc/<pid>/stat counts CPU time in these

interface Row {
  config: string;
  processes: number;
  articles: number;
  seconds: number;
  articlesPerSecond: number;
  perProcess: number;
  cpuMsPerArticle: number;
}

/** User + system CPU seconds a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function corpusFolder(corpusDir: string, limit: number): { dir: string; articles: number } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'marsad-scale-out-'));
  const docs = loadAntCorpus(corpusDir).slice(0, limit);
  for (const d of docs) writeFileSync(path.join(dir, `${d.id}.json`), JSON.stringify({ title: d.title || undefined, text: d.text, url: d.url || undefined, source: d.source || undefined }));
  return { dir, articles: docs.length };
}

async function run(config: string, redisUrl: string, processes: number, input: { dir: string; articles: number }): Promise<Row> {
  const prefix = `{marsad-scale-${processes}-${Date.now()}}`;
  const configDir = mkdtempSync(path.join(os.tmpdir(), 'marsad-scale-config-'));
  // The repository's configuration without feeds or subscribers: the bench measures the document stages only.
  cpSync(path.join(REPO, 'config'), configDir, { recursive: true });
  writeFileSync(path.join(configDir, 'feeds.yaml'), 'feeds: []\n');
  writeFileSync(path.join(configDir, 'subscribers.yaml'), 'subscribers: []\n');
  const env = { ...process.env, REDIS_URL: redisUrl, MARSAD_PREFIX: prefix, MARSAD_CONFIG_DIR: configDir, MARSAD_LOG_LEVEL: 'warn', MARSAD_LOG_FORMAT: 'json' };
  const app = await openApp({ log: createLogger({ MARSAD_LOG_LEVEL: 'silent' }), env });
  const workers: ChildProcess[] = [];
  try {
    for (let i = 0; i < processes; i++) workers.push(spawn(process.execPath, [path.join(REPO, 'bin/marsad.js'), 'worker', ...DOCUMENT_STAGES], { cwd: REPO, env, stdio: ['ignore', 'ignore', 'inherit'] }));
    // Attached when every process has a worker on every document stage.
    const deadline = Date.now() + 120_000;
    while ((await Promise.all(DOCUMENT_STAGES.map((s) => app.queues.workersCount(s)))).some((n) => n < processes)) {
      if (Date.now() > deadline) throw new Error(`${processes} worker processes did not attach within 120 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const cpuBefore = workers.map((w) => cpuSeconds(w.pid!));
    const started = performance.now();
    const summary = await seedDocuments(app, input.dir, { timeoutMs: TIMEOUT_MS });
    const seconds = (performance.now() - started) / 1000;
    const cpu = workers.reduce((sum, w, i) => sum + cpuSeconds(w.pid!) - cpuBefore[i]!, 0);
    if (summary.failed > 0) throw new Error(`${config}: ${summary.failed} of ${input.articles} documents failed`);
    // Corpus files with the same text are one document (ids come from the content): count the articles made.
    const articles = summary.new;
    const articlesPerSecond = articles / seconds;
    return { config, processes, articles, seconds, articlesPerSecond, perProcess: articlesPerSecond / processes, cpuMsPerArticle: (cpu * 1000) / articles };
  } finally {
    await stopChildren(workers);
    await app.close();
    rmSync(configDir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({ options: { limit: { type: 'string', default: '600' }, corpus: { type: 'string' } } });
const input = corpusFolder(path.resolve(values.corpus ?? DEFAULT_CORPUS_DIR), Number(values.limit));
if (input.articles === 0) throw new Error(`no corpus articles under ${values.corpus ?? DEFAULT_CORPUS_DIR} (see /work/shared/corpora/README.md)`);
const rows: Row[] = [];
const redis = await startPrivateRedis();
try {
  rows.push(await run('one Redis, 1 process', redis.url, 1, input));
  rows.push(await run('one Redis, 3 processes', redis.url, 3, input));
} finally {
  await redis.stop();
}
const noCluster = clusterUnavailable();
if (noCluster === null) {
  const cluster = await startCluster();
  try {
    rows.push(await run('3-master cluster, 3 processes', cluster.url, 3, input));
  } finally {
    await cluster.stop();
  }
} else console.log(`cluster run skipped: ${noCluster}`);
rmSync(input.dir, { recursive: true, force: true });

const base = rows[0]!;
console.log(`${base.articles} articles (${input.articles} corpus files) through ${DOCUMENT_STAGES.join(', ')}; ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)} at the end`);
console.log(
  table(
    ['configuration', 'articles/s', 'vs 1 process', 'per process', 'CPU ms/article'],
    rows.map((r) => [r.config, r.articlesPerSecond.toFixed(1), `${(r.articlesPerSecond / base.articlesPerSecond).toFixed(2)}x`, r.perProcess.toFixed(1), r.cpuMsPerArticle.toFixed(1)]),
  ),
);
mkdirSync(path.join(REPO, 'bench/results'), { recursive: true });
writeFileSync(path.join(REPO, 'bench/results/scale-out.json'), `${JSON.stringify({ at: new Date().toISOString(), cores: os.cpus().length, loadAverage: os.loadavg(), rows }, null, 2)}\n`);
