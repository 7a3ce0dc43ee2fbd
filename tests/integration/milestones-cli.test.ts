// `marsad milestones` as users run it (node bin/marsad.js in a child process) after the five seeds went
// through the pipeline: the JSON contract, valid statuses, and timeline entries that point at stored
// articles and quote them at the right offsets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { STANCES } from '../../src/tagging/schema.js';
import { SLOW_TEST_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';
import { assertFreshBuild, cliEnv, killAll, runCli } from './processes.js';

/** What scripts rely on: later versions add fields, never rename these. */
const MILESTONE_FIELDS = ['id', 'title', 'due', 'from', 'status', 'since', 'sources', 'contradictions', 'timeline'];
const ENTRY_FIELDS = ['articleId', 'outlet', 'published', 'eventDate', 'stance', 'attribution', 'hedged', 'evidence'];
const STATUSES = [...STANCES, 'unreported'];
const PROCESS_TESTS = { timeout: SLOW_TEST_MS };

interface EntryJson {
  articleId: string;
  undated: boolean;
  outlet: string | null;
  published: string;
  eventDate: string | null;
  stance: string;
  attribution: { who: string; quote?: string } | null;
  hedged: boolean;
  evidence: { text: string; start: number; end: number; matches: { start: number; end: number; text: string }[] } | null;
}

interface MilestoneJson {
  id: string;
  title: { ar: string; en: string };
  due: string;
  from: string;
  status: string;
  since: string | null;
  sources: { outlet: string; reports: number }[];
  contradictions: { stance: string; against: string; articleIds: string[] }[];
  timeline: EntryJson[];
}

const config = loadConfig({ ...process.env, MARSAD_CONFIG_DIR: undefined });
const ids = config.milestones.milestones.map((m) => m.id);
let url: string;
let prefix: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  assertFreshBuild();
  url = testRedisUrl();
  prefix = testPrefix('milestones-cli');
  env = cliEnv(url, prefix);
  const seeded = await runCli(['seed'], env);
  expect(seeded.code, seeded.stderr).toBe(0);
}, SLOW_TEST_MS);

afterAll(async () => {
  await killAll();
  if (url) await deleteKeys(url, prefix);
});

describe('marsad milestones', PROCESS_TESTS, () => {
  it('--json: every milestone in config order with the contract fields, valid statuses, entries pointing at stored articles', async () => {
    const ran = await runCli(['milestones', '--json'], env);
    expect(ran.code, ran.stderr).toBe(0);
    const milestones = JSON.parse(ran.stdout) as MilestoneJson[];
    expect(milestones.map((m) => m.id)).toEqual(ids);

    const listed = await runCli(['articles', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const articles = new Map((JSON.parse(listed.stdout) as { id: string; text: string; source: string | null; milestones: { id: string; stance: string }[] }[]).map((a) => [a.id, a]));
    expect(articles.size).toBe(5);

    for (const m of milestones) {
      for (const field of MILESTONE_FIELDS) expect(m, `${m.id}.${field}`).toHaveProperty(field);
      const configured = config.milestones.milestones.find((c) => c.id === m.id)!;
      expect(m).toMatchObject({ title: configured.title, due: configured.due, from: configured.from });
      expect(STATUSES, m.id).toContain(m.status);
      // Unreported: no dated report in the window (an undated one is shown, not counted).
      expect(m.status === 'unreported').toBe(m.timeline.every((e) => e.undated));
      if (m.since !== null) expect(m.since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      // Oldest first.
      expect(m.timeline.map((e) => e.published)).toEqual(m.timeline.map((e) => e.published).sort());
      for (const e of m.timeline) {
        for (const field of ENTRY_FIELDS) expect(e, `${m.id} ${e.articleId}.${field}`).toHaveProperty(field);
        expect(STANCES).toContain(e.stance);
        expect(e.published).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(typeof e.hedged).toBe('boolean');
        const article = articles.get(e.articleId);
        expect(article, `${m.id}: ${e.articleId} is a stored article`).toBeDefined();
        expect(e.outlet).toBe(article!.source);
        // The article's stance on the milestone is the entry's, and its evidence quotes the article.
        expect(article!.milestones.find((x) => x.id === m.id)?.stance).toBe(e.stance);
        expect(e.evidence).not.toBeNull();
        expect(article!.text.slice(e.evidence!.start, e.evidence!.end)).toBe(e.evidence!.text);
        for (const match of e.evidence!.matches) expect(article!.text.slice(match.start, match.end)).toBe(match.text);
        if (e.attribution) expect(config.stance.actors.map((a) => a.id)).toContain(e.attribution.who);
      }
      for (const c of m.contradictions) for (const id of c.articleIds) expect(m.timeline.map((e) => e.articleId)).toContain(id);
    }
    // The seeds report on the milestones: at least one has a status from them.
    expect(milestones.some((m) => m.status !== 'unreported' && m.sources.length > 0)).toBe(true);
  });

  it('prints only the milestones named, in config order', async () => {
    const ran = await runCli(['milestones', ids[1]!, ids[0]!, '--json'], env);
    expect(ran.code, ran.stderr).toBe(0);
    expect((JSON.parse(ran.stdout) as MilestoneJson[]).map((m) => m.id)).toEqual([ids[0], ids[1]]);
  });

  it('text: the assessment on top, then the timeline', async () => {
    const ran = await runCli(['milestones', 'ain-al-asad-exit'], env);
    expect(ran.code, ran.stderr).toBe(0);
    const ain = config.milestones.milestones.find((m) => m.id === 'ain-al-asad-exit')!;
    expect(ran.stdout).toContain(ain.title.en);
    expect(ran.stdout).toContain(`due ${ain.due}`);
    const order = ['status:', 'summary:', 'sources:', 'contradiction', 'timeline:'].map((s) => ran.stdout.indexOf(s));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(ran.stdout).toMatch(/^ {4}\d{4}-\d{2}-\d{2} {2}event /m);
    expect(ran.stdout).toContain('«');
  });

  it('an unknown id is a usage error naming the known ids (exit 2)', async () => {
    const ran = await runCli(['milestones', 'moon-exit'], env);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(`unknown milestone "moon-exit"; known: ${ids.join(', ')}`);
    expect(ran.stderr).toContain('usage: marsad milestones');
    expect(ran.stdout).toBe('');
  });
});
