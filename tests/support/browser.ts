// The dashboard tests' harness: marsad on a fresh prefix of the test Redis with its own config folder,
// the real HTTP server on loopback (auth, pages, bull-board), the seeds through the pipeline, and
// chromium for the browser test.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import type { App } from '../../src/app.js';
import { DEFAULT_SEEDS_DIR, seedDocuments } from '../../src/ops/seed.js';
import { documentId } from '../../src/ids.js';
import type { SourceDocument } from '../../src/model.js';
import { createServer } from '../../src/server/server.js';
import { DOCUMENT_STAGES } from '../../src/queues/names.js';
import { alertEnv, configDir, openAlertApp, queuesSettled, type ConfigFiles } from './alerts-harness.js';
import { PIPELINE_MS } from './limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from './redis.js';

export const ARTIFACTS_DIR = path.resolve('test-artifacts');
export const CHROMIUM = '/usr/bin/chromium';

export interface Dashboard {
  app: App;
  server: FastifyInstance;
  base: string;
  /** The operator token and the read-only one. */
  token: string;
  readerToken: string;
  close(): Promise<void>;
}

/** Seeds on a fresh prefix (the seed run leaves its in-process workers running), then the server. */
export async function startDashboard(name: string, files: ConfigFiles = {}): Promise<Dashboard> {
  const url = testRedisUrl();
  const prefix = testPrefix(name);
  const token = randomBytes(16).toString('hex');
  const readerToken = randomBytes(16).toString('hex');
  const env = alertEnv(url, prefix, configDir(files, name), { MARSAD_DASHBOARD_TOKEN: token, MARSAD_DASHBOARD_READONLY_TOKEN: readerToken });
  const app = await openAlertApp(env);
  const summary = await seedDocuments(app, DEFAULT_SEEDS_DIR, { timeoutMs: PIPELINE_MS });
  if (summary.failed > 0) throw new Error(`seeding failed: ${JSON.stringify(summary.outcomes.filter((o) => o.status === 'failed'))}`);
  // The seeds are through; their last jobs complete just after: the pages' counts are final once they have.
  await queuesSettled(app, DOCUMENT_STAGES);
  const server = await createServer(app);
  const base = await server.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    server,
    base,
    token,
    readerToken,
    async close() {
      await server.close();
      await app.close();
      await deleteKeys(url, prefix);
    },
  };
}

/**
 * New reporting (not baseline) in Arabic, published now, that mentions the Ain al-Asad, coalition
 * mission and Harir milestones: as a feed item would arrive once fetched.
 */
export function liveDocument(now = new Date()): SourceDocument {
  const url = `https://news.example.org/iraq/ain-al-asad-${now.getTime()}`;
  const body = [
    'أعلن مسؤول عسكري عراقي، اليوم، أن القوات الأمريكية بدأت الانسحاب من قاعدة عين الأسد الجوية في محافظة الأنبار، وأن آخر القوافل ستغادر القاعدة خلال الأيام المقبلة.',
    'وقال المسؤول إن الجيش العراقي سيتسلم القاعدة بالكامل بعد إخلائها من قوات التحالف الدولي، مشيراً إلى أن عمليات نقل المعدات جرت على مراحل منذ أسابيع.',
    'وأضاف أن اللجنة العسكرية العليا المشتركة بين بغداد وواشنطن تتابع تنفيذ الجدول الزمني المتفق عليه لإنهاء مهمة التحالف في العراق الاتحادي.',
    `وأشار إلى أن المرحلة الثانية من الانسحاب تشمل قاعدة حرير في إقليم كردستان، ومن المقرر أن تكتمل في أيلول من العام المقبل (رقم النشرة ${now.getTime()}).`,
  ].join('\n\n');
  return {
    id: documentId({ url, body }),
    origin: { kind: 'feed', feedId: 'dashboard-test', url },
    format: 'text',
    body,
    url,
    source: 'وكالة الاختبار',
    author: null,
    title: 'القوات الأمريكية تبدأ الانسحاب من قاعدة عين الأسد',
    published: now.toISOString(),
    language: 'ar',
    baseline: false,
    receivedAt: now.toISOString(),
  };
}

/** Puts the document in the store and on the clean queue; the seed run's workers take it from there. */
export async function enqueueDocument(app: App, doc: SourceDocument): Promise<void> {
  await app.store.putDocument(doc);
  await app.queues.enqueue('clean', { documentId: doc.id });
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}
