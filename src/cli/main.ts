import { Command, CommanderError } from '@commander-js/extra-typings';
import { STAGES } from '../queues/names.js';
import { UsageError, type CommandContext, type PlainContext } from './context.js';

// Only commander and the stage names are loaded to parse a command line and print help: each command's
// module (and with it Redis, the config, the logger) is imported by its action, so `marsad --help` stays fast.

/** A command of the tree, whatever its options: what error messages and the runner need of it. */
interface AnyCommand {
  name(): string;
  usage(): string;
  readonly parent: AnyCommand | null;
  readonly commands: readonly AnyCommand[];
}

const ENVIRONMENT = 'Environment: REDIS_URL, MARSAD_CONFIG_DIR, MARSAD_PREFIX, MARSAD_ALLOW_PRIVATE_NETWORKS, MARSAD_LOG_LEVEL (see README.md).';

/** `marsad feeds check`: the names from the top, without the program's. */
function pathOf(command: AnyCommand): string[] {
  return command.parent ? [...pathOf(command.parent), command.name()] : [];
}

/** The one-line hint under a usage error: the command's usage, and where its full help is. */
function usageHint(command: AnyCommand): string {
  const path = pathOf(command).join(' ');
  return `usage: marsad ${path} ${command.usage()}\n  (marsad ${path} --help for more)\n`;
}

/** `--timeout 30`, `--limit 5`: kept as text, each command checks its numbers with its own message. */
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

interface Io {
  /** The words after the command's name, as typed. */
  args: string[];
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

type Body<C> = (ctx: C) => Promise<number>;

/**
 * Runs one command's body and turns the errors users cause into one line on stderr and an exit code:
 * 2 for a usage error (with the usage), 1 for bad configuration, no Redis, or Redis out of memory.
 */
async function execute(command: AnyCommand, io: Io, body: Body<PlainContext>, opts: { untilSignal: boolean }): Promise<number> {
  const name = pathOf(command)[0]!;
  // A one-shot command stopped by a signal exits through process.exit, so that its exit hooks run (they
  // stop a private redis-server it started); the commands that run until a signal handle it themselves.
  const onSignal = (signal: NodeJS.Signals) => process.exit(signal === 'SIGINT' ? 130 : 143);
  if (!opts.untilSignal) for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, onSignal);
  try {
    return await body({ args: io.args, out: io.out, err: io.err });
  } catch (e) {
    if (e instanceof UsageError) {
      io.err.write(`marsad ${name}: ${e.message}\n${usageHint(command)}`);
      return 2;
    }
    const { ConfigError } = await import('../config/yaml-file.js');
    const { isRedisOutOfMemory, NoRedisError } = await import('../redis/errors.js');
    if (e instanceof ConfigError || e instanceof NoRedisError) {
      io.err.write(`marsad ${name}: ${e.message}\n`);
      return 1;
    }
    if (isRedisOutOfMemory(e)) {
      io.err.write(`marsad ${name}: Redis is out of memory (maxmemory reached, policy noeviction) and refused a write; free memory or raise maxmemory, then run it again\n`);
      return 1;
    }
    throw e;
  } finally {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, onSignal);
  }
}

/** A body with the logger of MARSAD_LOG_LEVEL, flushed when it ends. */
function logged(env: NodeJS.ProcessEnv, body: Body<CommandContext>): Body<PlainContext> {
  return async (ctx) => {
    const { createLogger } = await import('../log.js');
    const log = createLogger(env);
    try {
      return await body({ ...ctx, log });
    } finally {
      log.flush();
    }
  };
}

/** The command tree; each action records its exit code in `exit.code`. */
function program(io: Io, exit: { code: number }) {
  const run = (command: AnyCommand, body: Body<CommandContext>, untilSignal = false) => async () => {
    exit.code = await execute(command, io, logged(io.env, body), { untilSignal });
  };
  const runPlain = (command: AnyCommand, body: Body<PlainContext>) => async () => {
    exit.code = await execute(command, io, body, { untilSignal: false });
  };
  const marsad = new Command('marsad')
    .description('marsad: monitors reporting on the US and coalition withdrawal from Iraq and Syria')
    .usage('COMMAND [options]')
    .addHelpText('after', `\n${ENVIRONMENT}`)
    .configureHelp({ sortSubcommands: false })
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s), outputError: () => {} });
  // Subcommands inherit the settings above (exitOverride, output) when made with .command().

  const runCmd = marsad.command('run').description('run every worker in one process until SIGINT/SIGTERM').usage('');
  runCmd.action((_o, c) => run(c, async (ctx) => (await import('./run.js')).runCommand(ctx), true)());

  const dashboard = marsad
    .command('dashboard')
    .description('the HTTP server alone: dashboard, JSON API, /metrics, /healthz, /readyz, unsubscribe links (marsad run starts it too)')
    .usage('')
    .addHelpText('after', '\nListens on MARSAD_PORT (default 8080) and http.host of settings.yaml (default 127.0.0.1).');
  dashboard.action((_o, c) => run(c, async (ctx) => (await import('./run.js')).dashboardCommand(ctx), true)());

  marsad
    .command('worker')
    .description('run the workers of some stages (default: all) until SIGINT/SIGTERM')
    .usage('[STAGE...]')
    .argument('[stages...]', `stages: ${STAGES.join(' ')} (default: all)`)
    .action((stages, _o, c) => run(c, async (ctx) => (await import('./run.js')).workerCommand(stages, ctx), true)());

  marsad
    .command('seed')
    .description('put every document of a folder through the pipeline and wait until all are through')
    .usage('[--dir DIR] [--alert] [--timeout SECONDS] [--json]')
    .option('--dir <dir>', 'the folder of .txt, .html, .json and .eml documents (default: seeds/)')
    .option('--alert', "deliver the seeds' alerts to the subscribers whose filters accept them (else baseline: recorded only)")
    .option('--timeout <seconds>', 'give up waiting after this long (default 600)')
    .option('--json', 'print the summary as JSON')
    .action((opts, c) => run(c, async (ctx) => (await import('./seed.js')).seedCommand(opts, ctx))());

  marsad
    .command('analyze')
    .description('clean, tag and match milestones on files, without Redis (for tuning the taxonomy)')
    .usage('FILE... [--json]')
    .argument('[files...]', 'documents to analyze (.txt, .html, .json, .eml)')
    .option('--json', 'one JSON object per file')
    .action((files, opts, c) => runPlain(c, async (ctx) => (await import('./analyze.js')).analyzeCommand(files, opts, ctx))());

  marsad
    .command('articles')
    .description('list the stored articles, newest first')
    .usage('[--json] [--base ID] [--topic ID] [--milestone ID] [--limit N]')
    .option('--json', 'print them as JSON')
    .option('--base <id>', 'only articles about this base (taxonomy.yaml)')
    .option('--topic <id>', 'only articles on this topic (taxonomy.yaml)')
    .option('--milestone <id>', 'only articles mentioning this milestone (milestones.yaml)')
    .option('--limit <n>', 'at most N articles (default: all)')
    .action((opts, c) => run(c, async (ctx) => (await import('./articles.js')).articlesCommand(opts, ctx))());

  marsad
    .command('milestones')
    .description('each milestone (or those named): its status from the reporting (since, sources, contradictions) and its timeline of reports')
    .usage('[MILESTONE_ID...] [--json]')
    .argument('[ids...]', 'milestone ids of milestones.yaml (default: all)')
    .option('--json', 'print them as JSON')
    .action((ids, opts, c) => run(c, async (ctx) => (await import('./milestones.js')).milestonesCommand(ids, opts, ctx))());

  const stories = marsad
    .command('stories')
    .description("stories, newest first: one event's reports across outlets and languages, and how each joined (reprint, same event and why); `stories show ID` prints one")
    .usage('[--json] [--milestone ID] [--limit N]  |  marsad stories show STORY_ID [--json]')
    .option('--json', 'print them as JSON')
    .option('--milestone <id>', 'only stories with a report on this milestone')
    .option('--limit <n>', 'at most N stories (default 20)');
  stories.action((opts, c) => run(c, async (ctx) => (await import('./stories.js')).storiesCommand([], opts, ctx))());
  stories
    .command('show')
    .description('one story: its reports side by side and how each joined')
    .usage('STORY_ID [--json]')
    .argument('[ids...]', 'the story id (st- and 16 hex digits)')
    .option('--json', 'print it as JSON')
    .action((ids, _o, c) => run(c, async (ctx) => (await import('./stories.js')).storiesCommand(['show', ...ids], c.optsWithGlobals(), ctx))());

  const feeds = marsad
    .command('feeds')
    .description("each feed's state (last and next poll, status, ETag, items seen, failures); `feeds check` fetches each URL now and says what it serves")
    .usage('[--json]  |  marsad feeds check [FEED_ID...] [--json]')
    .option('--json', 'print them as JSON');
  feeds.action((opts, c) => run(c, async (ctx) => (await import('./feeds.js')).feedsCommand(opts, ctx))());
  feeds
    .command('check')
    .description('fetch each feed URL now (default: all) and say what it serves: status, content type, charset, items; stores nothing')
    .usage('[FEED_ID...] [--json]')
    .argument('[ids...]', 'feed ids of feeds.yaml (default: all)')
    .option('--json', 'one JSON object per feed')
    .action((ids, _o, c) => run(c, async (ctx) => (await import('./feeds.js')).feedsCheckCommand(ids, c.optsWithGlobals(), ctx))());

  marsad
    .command('poll')
    .description('poll feeds now (default: all); with --once, wait until what they brought is through the pipeline')
    .usage('[FEED_ID...] [--once] [--timeout SECONDS]')
    .argument('[ids...]', 'feed ids of feeds.yaml (default: all)')
    .option('--once', 'wait for the polls and for what they brought to get through the pipeline')
    .option('--timeout <seconds>', 'with --once: give up waiting after this long (default 600)')
    .action((ids, opts, c) => run(c, async (ctx) => (await import('./feeds.js')).pollCommand(ids, opts, ctx))());

  marsad
    .command('alerts')
    .description('the alert log, newest first: milestone, article, evidence, reprints')
    .usage('[--json] [--limit N]')
    .option('--json', 'print them as JSON')
    .option('--limit <n>', 'at most N alerts (default 50)')
    .action((opts, c) => run(c, async (ctx) => (await import('./alerts.js')).alertsCommand(opts, ctx))());

  const deliveries = marsad
    .command('deliveries')
    .description('delivery records (status, attempts, last error); `deliveries retry ID...` puts dead ones back')
    .usage('[--json] [--dead] [--limit N]  |  marsad deliveries retry ID...')
    .option('--json', 'print them as JSON')
    .option('--dead', 'only the dead ones (attempts used up)')
    .option('--limit <n>', 'at most N records (default 50)');
  deliveries.action((opts, c) => run(c, async (ctx) => (await import('./alerts.js')).deliveriesCommand([], opts, ctx))());
  deliveries
    .command('retry')
    .description('put dead or failed deliveries back on the deliver queue with a fresh set of attempts (same message id)')
    .usage('ID...')
    .argument('[ids...]', 'delivery ids (marsad deliveries --dead lists them)')
    .action((ids, _o, c) => run(c, async (ctx) => (await import('./alerts.js')).deliveriesCommand(['retry', ...ids], c.optsWithGlobals(), ctx))());

  const subscribers = marsad
    .command('subscribers')
    .description('list, add and remove alert subscribers (webhook, email); syncs config/subscribers.yaml first')
    .usage('[list] [--json]  |  marsad subscribers add|remove|secret ...  (marsad subscribers add --help)')
    .option('--json', 'print them as JSON');
  const subscribersRun = (sub: string, args: string[], c: AnyCommand & { optsWithGlobals(): Record<string, unknown> }) =>
    run(c, async (ctx) => (await import('./subscribers.js')).subscribersCommand([sub, ...args], c.optsWithGlobals(), ctx))();
  subscribers.action((_o, c) => subscribersRun('list', [], c));
  subscribers
    .command('list')
    .description('every subscriber, secrets masked')
    .usage('[--json]')
    .option('--json', 'print them as JSON')
    .action((_o, c) => subscribersRun('list', [], c));
  subscribers
    .command('add')
    .description('add a subscriber (kept in Redis; subscribers.yaml is for those under version control)')
    .usage(
      '--id ID (--webhook URL [--secret S] | --email ADDRESS) [--milestone ID]... [--base ID]... [--topic ID]...\n' +
        '       [--language ar|en]... [--outlet NAME]... [--on report|status] [--digest hourly|daily@HH:MM[/ZONE]] [--rate-limit MAX/PER] [--json]',
    )
    .option('--id <id>', 'the subscriber id (kebab-case)')
    .option('--webhook <url>', 'deliver by signed webhook POST to this URL')
    .option('--secret <secret>', 'the webhook signing secret (whsec_…; default: generated and printed once)')
    .option('--email <address>', 'deliver by email to this address')
    .option('--milestone <id>', 'only alerts on this milestone (repeat for more)', collect)
    .option('--base <id>', 'only alerts about this base (repeat for more)', collect)
    .option('--topic <id>', 'only alerts on this topic (repeat for more)', collect)
    .option('--language <lang>', 'only reports in this language, ar or en (repeat for more)', collect)
    .option('--outlet <name>', 'only reports by this outlet (repeat for more)', collect)
    .option('--on <when>', '"report" (every report, default) or "status" (status changes only)')
    .option('--digest <schedule>', 'a digest instead of one message per alert: hourly, or daily@HH:MM[/ZONE]')
    .option('--rate-limit <max/per>', 'at most MAX messages per PER (e.g. 10/1h)')
    .option('--json', 'print the added subscriber as JSON')
    .action((_o, c) => subscribersRun('add', [], c));
  subscribers
    .command('remove')
    .description('remove a subscriber added with the CLI')
    .usage('ID')
    .argument('[ids...]', 'the subscriber id')
    .action((ids, _o, c) => subscribersRun('remove', ids, c));
  subscribers
    .command('secret')
    .description("print a webhook subscriber's signing secret")
    .usage('ID')
    .argument('[ids...]', 'the subscriber id')
    .action((ids, _o, c) => subscribersRun('secret', ids, c));

  marsad
    .command('replay')
    .description('re-run tagging (and with --stage alert, alerting) over stored articles after the taxonomy, milestones or cue lexicons changed; nothing is fetched, nothing alerted twice')
    .usage('[--since YYYY-MM-DD] [--stage tag|alert] [--json]')
    .option('--since <date>', 'only articles published (or first seen) on or after this day')
    .option('--stage <stage>', '"tag" (re-tag only, default) or "alert" (re-tag, then alert)')
    .option('--json', 'print the summary as JSON')
    .action((opts, c) => run(c, async (ctx) => (await import('./replay.js')).replayCommand(opts, ctx))());

  marsad
    .command('status')
    .description('queue counts, workers attached, articles and duplicates')
    .usage('[--json]')
    .option('--json', 'print it as JSON')
    .action((opts, c) => run(c, async (ctx) => (await import('./status.js')).statusCommand(opts, ctx))());

  return marsad;
}

/** The command among `argv`'s leading words that commander was parsing when it failed. */
function failedCommand(root: AnyCommand, argv: string[]): AnyCommand {
  let command = root;
  for (const word of argv) {
    const sub = command.commands.find((c) => c.name() === word);
    if (!sub) break;
    command = sub;
  }
  return command;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const io: Io = { args: argv.slice(1), out: process.stdout, err: process.stderr, env };
  const exit = { code: 0 };
  const root = program(io, exit);
  if (argv.length === 0) {
    io.out.write(root.helpInformation());
    return 2;
  }
  try {
    await root.parseAsync(argv, { from: 'user' });
    return exit.code;
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // Help asked for (--help, `marsad help CMD`): printed already.
    if (e.exitCode === 0) return 0;
    if (e.code === 'commander.unknownCommand') {
      io.err.write(`marsad: unknown command "${argv[0]}"\n\n${root.helpInformation()}`);
      return 2;
    }
    const command = failedCommand(root, argv);
    // Commander's messages start with "error: "; ours name the command instead.
    const message = e.message.replace(/^error: /, '');
    io.err.write(pathOf(command).length > 0 ? `marsad ${pathOf(command)[0]}: ${message}\n${usageHint(command)}` : `marsad: ${message}\n\n${root.helpInformation()}`);
    return 2;
  }
}
