import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../config/yaml-file.js';
import { createLogger } from '../log.js';
import { NoRedisError } from '../redis/errors.js';
import { STORIES_USAGE, SUBSCRIBERS_OPTIONS, SUBSCRIBERS_USAGE } from './usage.js';
import type { Logger } from '../log.js';

export interface CommandContext {
  args: string[];
  log: Logger;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, unknown>, positionals: string[], ctx: CommandContext): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  run: {
    summary: 'run every worker in one process until SIGINT/SIGTERM',
    usage: 'marsad run',
    options: {},
    run: async (_v, _p, ctx) => (await import('./run.js')).runCommand(ctx),
  },
  dashboard: {
    summary: 'the HTTP server alone: dashboard, JSON API, /metrics, /healthz, /readyz, unsubscribe links (marsad run starts it too)',
    usage: 'marsad dashboard        (MARSAD_PORT, default 8080; http.host in settings.yaml, default 127.0.0.1)',
    options: {},
    run: async (_v, _p, ctx) => (await import('./run.js')).dashboardCommand(ctx),
  },
  worker: {
    summary: 'run the workers of some stages (default: all) until SIGINT/SIGTERM',
    usage: 'marsad worker [STAGE...]     stages: poll fetch clean dedup tag story alert digest deliver (default: all)',
    options: {},
    run: async (_v, stages, ctx) => (await import('./run.js')).workerCommand(stages, ctx),
  },
  seed: {
    summary: 'put every document of a folder through the pipeline and wait until all are through',
    usage: 'marsad seed [--dir DIR] [--alert] [--timeout SECONDS] [--json]',
    options: { dir: { type: 'string' }, alert: { type: 'boolean' }, timeout: { type: 'string' }, json: { type: 'boolean' } },
    run: async (v, _p, ctx) => (await import('./seed.js')).seedCommand(v as { dir?: string; alert?: boolean; timeout?: string; json?: boolean }, ctx),
  },
  analyze: {
    summary: 'clean, tag and match milestones on files, without Redis (for tuning the taxonomy)',
    usage: 'marsad analyze FILE... [--json]',
    options: { json: { type: 'boolean' } },
    run: async (v, files, ctx) => (await import('./analyze.js')).analyzeCommand(files, v as { json?: boolean }, ctx),
  },
  articles: {
    summary: 'list the stored articles, newest first',
    usage: 'marsad articles [--json] [--base ID] [--topic ID] [--milestone ID] [--limit N]',
    options: {
      json: { type: 'boolean' },
      base: { type: 'string' },
      topic: { type: 'string' },
      milestone: { type: 'string' },
      limit: { type: 'string' },
    },
    run: async (v, _p, ctx) => (await import('./articles.js')).articlesCommand(v as { json?: boolean; base?: string; topic?: string; milestone?: string; limit?: string }, ctx),
  },
  milestones: {
    summary: 'each milestone (or those named): its status from the reporting (since, sources, contradictions) and its timeline of reports',
    usage: 'marsad milestones [MILESTONE_ID...] [--json]',
    options: { json: { type: 'boolean' } },
    run: async (v, ids, ctx) => (await import('./milestones.js')).milestonesCommand(ids, v as { json?: boolean }, ctx),
  },
  stories: {
    summary: "stories, newest first: one event's reports across outlets and languages, and how each joined (reprint, same event and why); `stories show ID` prints one",
    usage: STORIES_USAGE,
    options: { json: { type: 'boolean' }, milestone: { type: 'string' }, limit: { type: 'string' } },
    run: async (v, positionals, ctx) => (await import('./stories.js')).storiesCommand(positionals, v as { json?: boolean; milestone?: string; limit?: string }, ctx),
  },
  feeds: {
    summary: "each feed's state (last and next poll, status, ETag, items seen, failures); `feeds check` fetches each URL now and says what it serves",
    usage: 'marsad feeds [--json]  |  marsad feeds check [FEED_ID...] [--json]',
    options: { json: { type: 'boolean' } },
    run: async (v, positionals, ctx) => {
      const [sub, ...ids] = positionals;
      if (sub === undefined) return (await import('./feeds.js')).feedsCommand(v as { json?: boolean }, ctx);
      if (sub === 'check') return (await import('./feeds.js')).feedsCheckCommand(ids, v as { json?: boolean }, ctx);
      throw new UsageError(`unknown feeds subcommand "${sub}"`);
    },
  },
  poll: {
    summary: 'poll feeds now (default: all); with --once, wait until what they brought is through the pipeline',
    usage: 'marsad poll [FEED_ID...] [--once] [--timeout SECONDS]',
    options: { once: { type: 'boolean' }, timeout: { type: 'string' } },
    run: async (v, ids, ctx) => (await import('./feeds.js')).pollCommand(ids, v as { once?: boolean; timeout?: string }, ctx),
  },
  alerts: {
    summary: 'the alert log, newest first: milestone, article, evidence, reprints',
    usage: 'marsad alerts [--json] [--limit N]',
    options: { json: { type: 'boolean' }, limit: { type: 'string' } },
    run: async (v, _p, ctx) => (await import('./alerts.js')).alertsCommand(v as { json?: boolean; limit?: string }, ctx),
  },
  deliveries: {
    summary: 'delivery records (status, attempts, last error); `deliveries retry ID...` puts dead ones back',
    usage: 'marsad deliveries [--json] [--dead] [--limit N]  |  marsad deliveries retry ID...',
    options: { json: { type: 'boolean' }, dead: { type: 'boolean' }, limit: { type: 'string' } },
    run: async (v, positionals, ctx) => (await import('./alerts.js')).deliveriesCommand(positionals, v as { json?: boolean; dead?: boolean; limit?: string }, ctx),
  },
  subscribers: {
    summary: 'list, add and remove alert subscribers (webhook, email); syncs config/subscribers.yaml first',
    usage: SUBSCRIBERS_USAGE,
    options: SUBSCRIBERS_OPTIONS,
    run: async (v, positionals, ctx) => (await import('./subscribers.js')).subscribersCommand(positionals, v, ctx),
  },
  replay: {
    summary: 're-run tagging (and with --stage alert, alerting) over stored articles after the taxonomy, milestones or cue lexicons changed; nothing is fetched, nothing alerted twice',
    usage: 'marsad replay [--since YYYY-MM-DD] [--stage tag|alert] [--json]',
    options: { since: { type: 'string' }, stage: { type: 'string' }, json: { type: 'boolean' } },
    run: async (v, _p, ctx) => (await import('./replay.js')).replayCommand(v as { since?: string; stage?: string; json?: boolean }, ctx),
  },
  status: {
    summary: 'queue counts, workers attached, articles and duplicates',
    usage: 'marsad status [--json]',
    options: { json: { type: 'boolean' } },
    run: async (v, _p, ctx) => (await import('./status.js')).statusCommand(v as { json?: boolean }, ctx),
  },
};

function help(): string {
  const lines = ['marsad: monitors reporting on the US and coalition withdrawal from Iraq and Syria', '', 'Commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(9)} ${c.summary}`, `            ${c.usage}`);
  lines.push('', 'Environment: REDIS_URL, MARSAD_CONFIG_DIR, MARSAD_PREFIX, MARSAD_ALLOW_PRIVATE_NETWORKS, MARSAD_LOG_LEVEL (see README.md).');
  return lines.join('\n') + '\n';
}

/** Redis refuses writes with "OOM command not allowed ..." once it is at maxmemory with noeviction. */
export function isRedisOutOfMemory(e: unknown): boolean {
  return e instanceof Error && /^OOM /.test(e.message);
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  const out = process.stdout;
  const err = process.stderr;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    out.write(help());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    err.write(`marsad: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  const log = createLogger(env);
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (parsed.values.help) {
      out.write(`${command.usage}\n  ${command.summary}\n`);
      return 0;
    }
    return await command.run(parsed.values, parsed.positionals, { args: rest, log, out, err });
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`marsad ${name}: ${e.message}\nusage: ${command.usage}\n`);
      return 2;
    }
    if (e instanceof ConfigError || e instanceof NoRedisError) {
      err.write(`marsad ${name}: ${e.message}\n`);
      return 1;
    }
    if (isRedisOutOfMemory(e)) {
      err.write(`marsad ${name}: Redis is out of memory (maxmemory reached, policy noeviction) and refused a write; free memory or raise maxmemory, then run it again\n`);
      return 1;
    }
    throw e;
  } finally {
    log.flush();
  }
}
