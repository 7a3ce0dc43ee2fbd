import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openApp, type App } from '../../src/app.js';
import { DEFAULT_SEEDS_DIR, seedDocuments } from '../../src/ops/seed.js';
import { cleanDocument } from '../../src/extract/document.js';
import { createLogger } from '../../src/log.js';
import { STAGES } from '../../src/queues/names.js';
import { PIPELINE_MS, SLOW_TEST_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';

// Two "processes" (two apps, each with its own connections and workers) share one Redis, as
// `docker compose up --scale worker=2` would. Reprints of one story race through dedup at once.
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
