// Helpers for the alert and delivery tests: a config folder of their own, the app opened on it, and
// ways to wait for (and move along) delivery jobs. Everything runs for real on loopback.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect, vi } from 'vitest';
import { alertId } from '../../src/alerts/decide.js';
import type { Delivery } from '../../src/alerts/model.js';
import { openApp, type App } from '../../src/app.js';
import { DEFAULT_CONFIG_DIR } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { jobIdFor } from '../../src/queues/jobs.js';
import type { Stage } from '../../src/queues/names.js';
import type { FixtureArticle } from '../fixtures/feed-site/articles.js';
import { ARTICLES } from '../fixtures/feed-site/articles.js';
import { INTERVAL_MS, PROCESS_MS, WAIT_MS } from './limits.js';

// The alert tests import it from here with the rest of their harness.
export { newSecret } from './subscriber.js';

export interface ConfigFiles {
  settings?: string;
  feeds?: string;
  subscribers?: string;
}

/** A MARSAD_CONFIG_DIR with the repository's taxonomy and milestones and the given other files. */
export function configDir(files: ConfigFiles, name = 'alerts'): string {
  const dir = mkdtempSync(path.join(tmpdir(), `marsad-${name}-config-`));
  for (const f of ['taxonomy.yaml', 'milestones.yaml', 'stance.yaml', 'stories.yaml']) cpSync(path.join(DEFAULT_CONFIG_DIR, f), path.join(dir, f));
  writeFileSync(path.join(dir, 'settings.yaml'), files.settings ?? 'fetch:\n  hostIntervalMs: 0\n  contact: mailto:tests@example.org\nhttp:\n  publicUrl: https://marsad.test\n');
  if (files.feeds !== undefined) writeFileSync(path.join(dir, 'feeds.yaml'), files.feeds);
  if (files.subscribers !== undefined) writeFileSync(path.join(dir, 'subscribers.yaml'), files.subscribers);
  return dir;
}

export function alertEnv(url: string, prefix: string, dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    REDIS_URL: url,
    MARSAD_PREFIX: prefix,
    MARSAD_CONFIG_DIR: dir,
    MARSAD_ALLOW_PRIVATE_NETWORKS: 'true',
    MARSAD_LOG_LEVEL: 'silent',
    ...extra,
  };
}

/** Opens the app on `env` and puts the subscribers of its subscribers.yaml in the registry, as `marsad run` does. */
export async function openAlertApp(env: NodeJS.ProcessEnv): Promise<App> {
  const app = await openApp({ log: createLogger(env), env });
  await app.subscribers.syncFromConfig(app.config.subscribers);
  return app;
}

/** A feed entry of feeds.yaml. */
export function feedEntry(id: string, url: string, name: string, language = 'ar'): string {
  return `  - id: ${id}\n    url: ${url}\n    name: ${name}\n    language: ${language}\n`;
}

/** A copy a test may change without changing ARTICLES. */
function copyOf(a: FixtureArticle): FixtureArticle {
  return { ...a, paragraphs: [...a.paragraphs] };
}

export function fixture(slug: string): FixtureArticle {
  const a = ARTICLES.find((x) => x.slug === slug);
  if (!a) throw new Error(`no fixture article ${slug}`);
  return copyOf(a);
}

/** Every fixture article, as copies. */
export function allFixtures(): FixtureArticle[] {
  return ARTICLES.map(copyOf);
}

/** Another outlet's reprint of the Ain al-Asad convoy story: a few words changed, a new headline. */
export function convoyReprint(): FixtureArticle {
  const convoy = fixture('ain-al-asad-convoy');
  return {
    slug: 'convoy-reprint',
    title: 'شهود: شاحنات أمريكية تخرج من عين الأسد نحو سوريا',
    date: convoy.date,
    paragraphs: convoy.paragraphs.map((p) => p.replace('أفاد شهود عيان', 'قال شهود').replace('عشرات الشاحنات', 'نحو أربعين شاحنة')),
  };
}

/** The id of the alert a stored article raised for a milestone: from its story and its stance on it. */
export async function alertIdOf(app: App, articleId: string, milestoneId: string): Promise<string> {
  const article = await app.store.getArticle(articleId);
  const mention = article?.milestones.find((m) => m.id === milestoneId);
  if (!mention) throw new Error(`article ${articleId} does not mention ${milestoneId}`);
  const [story] = await app.stories.storyOf([articleId]);
  return alertId(milestoneId, story ?? articleId, mention.stance);
}

/** Waits until `expected` workers of `stage` are attached: a worker process attaches once it has loaded the app, seconds on a loaded machine. */
export async function workersAttached(app: App, stage: Stage, expected: number): Promise<void> {
  await vi.waitFor(async () => expect(await app.queues.workersCount(stage)).toBe(expected), { timeout: PROCESS_MS, interval: INTERVAL_MS });
}

export async function deliveryJob(app: App, deliveryId: string) {
  return app.queues.queuesForBoard().deliver.getJob(jobIdFor('deliver', { deliveryId }));
}

export async function getDelivery(app: App, id: string): Promise<Delivery> {
  const d = await app.alerts.getDelivery(id);
  if (!d) throw new Error(`no delivery ${id}`);
  return d;
}

/**
 * Waits until the delivery's job is delayed (a retry scheduled by the backoff) and promotes it, so a
 * test does not wait 5 s, 5 min, 30 min… for the next attempt.
 */
export async function promoteRetry(app: App, deliveryId: string, timeout = WAIT_MS): Promise<void> {
  await vi.waitFor(
    async () => {
      const job = await deliveryJob(app, deliveryId);
      if (!job) throw new Error(`no job for ${deliveryId}`);
      const state = await job.getState();
      if (state !== 'delayed') throw new Error(`job for ${deliveryId} is ${state}, not delayed yet`);
      await job.promote();
    },
    { timeout, interval: INTERVAL_MS },
  );
}

type JobState = Awaited<ReturnType<NonNullable<Awaited<ReturnType<typeof deliveryJob>>>['getState']>>;

/**
 * The delivery's job once BullMQ has moved it to `state`, read after the move (attemptsMade, delay…). The
 * worker updates the delivery record inside its processor, before BullMQ moves the job: a test that saw
 * the record change must still wait for the job.
 */
export async function waitForJobState(app: App, deliveryId: string, state: JobState, timeout = WAIT_MS) {
  return vi.waitFor(
    async () => {
      const job = await deliveryJob(app, deliveryId);
      if (!job) throw new Error(`no job for ${deliveryId}`);
      const now = await job.getState();
      if (now !== state) throw new Error(`job for ${deliveryId} is ${now}, not ${state} yet`);
      return (await deliveryJob(app, deliveryId))!;
    },
    { timeout, interval: INTERVAL_MS },
  );
}

/**
 * Waits until the queues of `stages` have nothing waiting, active or delayed. A stage's processor hands its
 * result on (and saves what the next stages and the tests look at) before BullMQ completes its job: a
 * document can be through the pipeline while its last jobs are still active. Counts read after this are final.
 */
export async function queuesSettled(app: App, stages: readonly Stage[], timeout = WAIT_MS): Promise<void> {
  await vi.waitFor(
    async () => {
      const busy: string[] = [];
      for (const stage of stages) {
        const { waiting, active, delayed, prioritized } = await app.queues.jobCounts(stage);
        const counts = { waiting, active, delayed, prioritized };
        for (const [state, n] of Object.entries(counts)) if (n > 0) busy.push(`${stage}: ${n} ${state}`);
      }
      if (busy.length > 0) throw new Error(`queues still busy (${busy.join(', ')})`);
    },
    { timeout, interval: INTERVAL_MS },
  );
}

/**
 * Waits until the deliver queue has nothing waiting, active or delayed: whatever was going to be sent has
 * been. A test that checks that nothing more arrives checks it after this, rather than after a pause.
 */
export async function deliveriesSettled(app: App, timeout = WAIT_MS): Promise<void> {
  await queuesSettled(app, ['deliver'], timeout);
}

export async function waitForDelivery(app: App, id: string, ok: (d: Delivery) => boolean, timeout = WAIT_MS): Promise<Delivery> {
  return vi.waitFor(
    async () => {
      const d = await app.alerts.getDelivery(id);
      if (!d || !ok(d)) throw new Error(`delivery ${id} is ${d ? `${d.status} after ${d.attempts} attempts` : 'missing'}`);
      return d;
    },
    { timeout, interval: INTERVAL_MS },
  );
}

/** Deliveries of one subscriber, every record the store lists. */
export async function deliveriesOf(app: App, subscriberId: string): Promise<Delivery[]> {
  return (await app.alerts.getDeliveries(await app.alerts.listDeliveryIds(0))).filter((d) => d.subscriberId === subscriberId);
}

export async function pause(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** What a command wrote to its `out`, with a context as main() builds one. */
export function captureContext(env: NodeJS.ProcessEnv) {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, cb) {
        append(String(chunk));
        cb();
      },
    });
  return {
    ctx: { args: [], log: createLogger(env), out: sink((s) => (out += s)), err: sink((s) => (err += s)) },
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}
