import { openApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import { actorNames, type ActorNames } from '../milestones/assess.js';
import { joinText, listStories, readStory, STORY_ID, type Story } from '../stories/read.js';
import type { CommandContext } from './context.js';
import { UsageError } from './context.js';
import { unknownMilestones } from '../ops/milestones.js';


export const DEFAULT_STORIES_LIMIT = 20;

/**
 * `marsad stories`: the stories of the newest reporting (optionally on one milestone), newest first, each with
 * its articles side by side and how each joined; `marsad stories show ID`: one story.
 */
export async function storiesCommand(positionals: string[], opts: { json?: boolean; milestone?: string; limit?: string }, ctx: CommandContext): Promise<number> {
  const [sub, ...rest] = positionals;
  if (sub !== undefined && sub !== 'show') throw new UsageError(`unknown stories subcommand "${sub}"`);
  if (sub === 'show') {
    if (rest.length !== 1) throw new UsageError('stories show takes one story id (st- and 16 hex digits)');
    if (opts.milestone !== undefined || opts.limit !== undefined) throw new UsageError('stories show takes no --milestone or --limit');
    const id = rest[0]!;
    if (!STORY_ID.test(id)) throw new UsageError(`"${id}" is not a story id (st- and 16 hex digits)`);
    const app = await openApp({ log: ctx.log });
    try {
      const story = await readStory(app, id);
      if (!story) {
        ctx.err.write(`marsad stories: no story ${id}\n`);
        return 1;
      }
      ctx.out.write(opts.json ? JSON.stringify(story, null, 2) + '\n' : formatStory(story, actorNames(app.config.stance)));
      return 0;
    } finally {
      await app.close();
    }
  }
  const limit = opts.limit === undefined ? DEFAULT_STORIES_LIMIT : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit takes a whole number of at least 1, got "${opts.limit}"`);
  // Arguments are checked against the configuration before Redis is needed.
  const config = loadConfig();
  if (opts.milestone !== undefined) {
    const unknown = unknownMilestones(config, [opts.milestone]);
    if (unknown) throw new UsageError(unknown);
  }
  const app = await openApp({ log: ctx.log, config });
  try {
    const stories = await listStories(app, { milestone: opts.milestone, limit });
    if (opts.json) ctx.out.write(JSON.stringify(stories, null, 2) + '\n');
    else ctx.out.write(stories.map((s) => formatStory(s, actorNames(config.stance))).join('\n') || 'no stories\n');
    return 0;
  } finally {
    await app.close();
  }
}

export function formatStory(s: Story, names: ActorNames): string {
  const lines = [
    `${s.id}  ${s.title ?? '(no headline)'}`,
    `  ${s.articles.length} report${s.articles.length === 1 ? '' : 's'}; languages: ${s.languages.join(', ') || '-'}; outlets: ${s.outlets.join(', ') || '-'}`,
    `  first report ${s.firstReport}, latest report ${s.latestReport}`,
    `  milestones: ${s.milestones.map((m) => `${m.id} (${m.stance}${m.stances.length > 1 ? `; also ${m.stances.filter((x) => x !== m.stance).join(', ')}` : ''})`).join(', ') || '-'}`,
  ];
  for (const a of s.articles) {
    lines.push(`    ${(a.published ?? a.firstSeen).slice(0, 10)}  ${(a.source ?? 'outlet unknown').padEnd(16)}  ${a.language.padEnd(3)}  ${a.title ?? '(no headline)'}  ${a.id}`);
    lines.push(`      ${joinText(a.joined, names)}`);
  }
  return lines.join('\n') + '\n';
}
