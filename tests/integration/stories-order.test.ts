import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readStorySet, type StoryCase } from '../../bench/story-eval.js';
import { openApp, type App } from '../../src/app.js';
import { seedDocuments } from '../../src/ops/seed.js';
import { createLogger } from '../../src/log.js';
import { STAGES } from '../../src/queues/names.js';
import { PIPELINE_MS, SLOW_TEST_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';

// The labelled story set (written for marsad) through the real pipeline: the grouping must not depend on
// the order in which articles arrive, nor on which of two worker sets decides what.
const url = testRedisUrl();
const prefixes: string[] = [];
const apps: App[] = [];

afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  for (const p of prefixes) await deleteKeys(url, p);
});

async function openApps(name: string, count: number): Promise<App[]> {
  const prefix = testPrefix(name);
  prefixes.push(prefix);
  const env = { ...process.env, REDIS_URL: url, MARSAD_PREFIX: prefix, MARSAD_LOG_LEVEL: 'silent' };
  const opened = await Promise.all(Array.from({ length: count }, () => openApp({ log: createLogger(env), env })));
  apps.push(...opened);
  for (const app of opened) app.startWorkers(STAGES);
  return opened;
}

function folder(cases: readonly StoryCase[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'marsad-stories-'));
  // Seeds go in file-name order: the prefix sets the order of arrival.
  cases.forEach((c, i) =>
    writeFileSync(
      path.join(dir, `${String(i).padStart(3, '0')}-${c.id}.json`),
      JSON.stringify({ title: c.title, text: c.text, url: c.url, source: c.source, published: c.published, language: c.lang }),
    ),
  );
  return dir;
}

/** The stories as sets of labelled article ids, in a canonical form. */
async function grouping(app: App, cases: readonly StoryCase[], idOf: Map<string, string>): Promise<string[][]> {
  const stories = await app.stories.storyOf(cases.map((c) => idOf.get(c.id)!));
  const groups = new Map<string, string[]>();
  cases.forEach((c, i) => {
    const story = stories[i];
    expect(story, `${c.id} has no story`).toBeTruthy();
    groups.set(story!, [...(groups.get(story!) ?? []), c.id]);
  });
  return [...groups.values()].map((g) => g.sort()).sort((a, b) => a[0]!.localeCompare(b[0]!));
}

async function seed(app: App, cases: readonly StoryCase[]): Promise<Map<string, string>> {
  const summary = await seedDocuments(app, folder(cases), { timeoutMs: PIPELINE_MS });
  expect(summary.failed).toBe(0);
  return new Map(summary.outcomes.map((o) => [o.file.replace(/^\d{3}-|\.json$/g, ''), o.id]));
}

describe('stories through the pipeline', { timeout: SLOW_TEST_MS }, () => {
  const cases = readStorySet();
  let published: string[][];

  it('groups the labelled set, pairwise precision >= 0.95 and recall >= 0.90', async () => {
    const [app] = await openApps('stories-published', 1);
    const ordered = [...cases].sort((a, b) => a.published.localeCompare(b.published));
    published = await grouping(app!, cases, await seed(app!, ordered));
    const storyOf = new Map(published.flatMap((g, i) => g.map((id) => [id, i] as const)));
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < cases.length; i++) {
      for (let j = 0; j < i; j++) {
        const same = cases[i]!.story === cases[j]!.story;
        const grouped = storyOf.get(cases[i]!.id) === storyOf.get(cases[j]!.id);
        if (same && grouped) tp++;
        else if (grouped) fp++;
        else if (same) fn++;
      }
    }
    expect(tp / (tp + fp)).toBeGreaterThanOrEqual(0.95);
    expect(tp / (tp + fn)).toBeGreaterThanOrEqual(0.9);
  });

  it('gives the same stories when the newest arrive first, and when two worker sets race', async () => {
    const [reversedApp] = await openApps('stories-reversed', 1);
    const reversed = [...cases].sort((a, b) => b.published.localeCompare(a.published));
    expect(await grouping(reversedApp!, cases, await seed(reversedApp!, reversed))).toEqual(published);

    const racing = await openApps('stories-racing', 2);
    const shuffled = [...cases].sort((a, b) => a.url.localeCompare(b.url));
    expect(await grouping(racing[1]!, cases, await seed(racing[0]!, shuffled))).toEqual(published);
  });
});
