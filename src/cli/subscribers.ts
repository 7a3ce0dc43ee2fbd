import path from 'node:path';
import type { Subscriber } from '../alerts/model.js';
import { openApp } from '../app.js';
import { loadConfig, type Config } from '../config/load.js';
import { redact, SubscriberError, type RedactedSubscriber } from '../subscribers/registry.js';
import { subscriberEntrySchema, unknownFilterIds, type KnownIds, type SubscriberEntry } from '../subscribers/schema.js';
import type { CommandContext } from './context.js';
import { UsageError } from './context.js';
import { alignColumns } from './columns.js';

export interface SubscribersOptions {
  json?: boolean;
  id?: string;
  webhook?: string;
  secret?: string;
  email?: string;
  milestone?: string[];
  base?: string[];
  topic?: string[];
  language?: string[];
  outlet?: string[];
  on?: string;
  digest?: string;
  'rate-limit'?: string;
}

const ADD_ONLY = ['id', 'webhook', 'secret', 'email', 'milestone', 'base', 'topic', 'language', 'outlet', 'digest', 'rate-limit'] as const;

/**
 * `marsad subscribers [list|add|remove|secret]`. Every subcommand first syncs config/subscribers.yaml into
 * Redis, so what it shows and changes is what workers see. Secrets appear on stdout only: masked in `list`,
 * in full once from `add` (when generated) and from `secret ID`.
 */
export async function subscribersCommand(positionals: string[], values: Record<string, unknown>, ctx: CommandContext): Promise<number> {
  const opts = values as SubscribersOptions;
  const [sub = 'list', ...args] = positionals;
  if (!['list', 'add', 'remove', 'secret'].includes(sub)) throw new UsageError(`unknown subscribers subcommand "${sub}"`);
  if (sub !== 'add') {
    const misplaced = ADD_ONLY.filter((o) => opts[o] !== undefined);
    if (misplaced.length > 0) throw new UsageError(`${misplaced.map((o) => `--${o}`).join(', ')}: only for \`subscribers add\``);
  }
  if (sub === 'list' || sub === 'add') {
    if (args.length > 0) throw new UsageError(`\`subscribers ${sub}\` takes no arguments, got "${args.join(' ')}"`);
  } else if (args.length !== 1) {
    throw new UsageError(`\`subscribers ${sub}\` takes one subscriber id`);
  }
  if (sub === 'remove' || sub === 'secret') {
    if (opts.json) throw new UsageError(`--json: not for \`subscribers ${sub}\``);
  }

  // Everything that can be checked without Redis is checked first: loadConfig validates subscribers.yaml
  // and its filter ids, addInput the options.
  const config = loadConfig();
  const input = sub === 'add' ? addInput(opts, knownIds(config)) : null;

  const app = await openApp({ log: ctx.log, config });
  try {
    const registry = app.subscribers;
    const synced = await registry.syncFromConfig(config.subscribers, path.join(config.dir, 'subscribers.yaml'));
    if (synced.added.length + synced.updated.length + synced.removed.length > 0) ctx.log.info(synced, 'subscribers synced from subscribers.yaml');
    try {
      if (sub === 'list') {
        const all = (await registry.list()).map(redact);
        ctx.out.write(opts.json ? JSON.stringify(all, null, 2) + '\n' : formatSubscribers(all) || `no subscribers: add one to ${path.join(config.dir, 'subscribers.yaml')}, or with \`marsad subscribers add\`\n`);
      } else if (sub === 'add') {
        const added = await registry.add(input!);
        ctx.log.info({ subscriber_id: added.id, channel: added.channel }, 'subscriber added');
        const generated = added.channel === 'webhook' && input!.channel === 'webhook' && input!.secret === null ? added.secret : null;
        if (opts.json) ctx.out.write(JSON.stringify({ subscriber: redact(added), ...(generated ? { secret: generated } : {}) }, null, 2) + '\n');
        else {
          ctx.out.write(`added ${added.id}\n${formatSubscriber(redact(added))}`);
          if (generated) ctx.out.write(`secret: ${generated}\n  give it to the receiver to verify signatures; \`marsad subscribers secret ${added.id}\` shows it again\n`);
        }
      } else if (sub === 'remove') {
        await registry.remove(args[0]!);
        ctx.log.info({ subscriber_id: args[0] }, 'subscriber removed');
        ctx.out.write(`removed ${args[0]}\n`);
      } else {
        const found = await registry.get(args[0]!);
        if (found?.channel !== 'webhook') {
          ctx.err.write(`marsad subscribers: ${found ? `"${found.id}" is an email subscriber: it has no secret` : `no subscriber "${args[0]}" (\`marsad subscribers list\` shows them)`}\n`);
          return 1;
        }
        ctx.out.write(`${found.secret}\n`);
      }
      return 0;
    } catch (err) {
      if (!(err instanceof SubscriberError)) throw err;
      ctx.err.write(`marsad subscribers: ${err.message}\n`);
      return 1;
    }
  } finally {
    await app.close();
  }
}

function knownIds(config: Config): KnownIds {
  return {
    milestones: config.milestones.milestones.map((m) => m.id),
    bases: config.taxonomy.bases.map((b) => b.id),
    topics: config.taxonomy.topics.map((t) => t.id),
  };
}

/** Where a schema problem came from on the command line. */
const OPTION_OF: Record<string, string> = {
  id: '--id',
  url: '--webhook',
  secret: '--secret',
  email: '--email',
  milestones: '--milestone',
  bases: '--base',
  topics: '--topic',
  languages: '--language',
  outlets: '--outlet',
  digest: '--digest',
  on: '--on',
  mode: '--digest',
  rate_limit: '--rate-limit',
};

/** The options of `add` as a subscriber entry, validated by the schema that checks subscribers.yaml. */
function addInput(opts: SubscribersOptions, ids: KnownIds): SubscriberEntry {
  if (opts.id === undefined) throw new UsageError('--id is required');
  if ((opts.webhook === undefined) === (opts.email === undefined)) throw new UsageError('give either --webhook URL or --email ADDRESS');
  if (opts.secret !== undefined && opts.webhook === undefined) throw new UsageError('--secret is for --webhook subscribers');
  const raw = {
    id: opts.id,
    channel: opts.webhook !== undefined ? 'webhook' : 'email',
    ...(opts.webhook !== undefined ? { url: opts.webhook } : {}),
    ...(opts.secret !== undefined ? { secret: opts.secret } : {}),
    ...(opts.email !== undefined ? { email: opts.email } : {}),
    filters: { milestones: opts.milestone, bases: opts.base, topics: opts.topic, languages: opts.language, outlets: opts.outlet },
    ...(opts.on !== undefined ? { on: opts.on } : {}),
    mode: opts.digest === undefined ? 'immediate' : 'digest',
    ...(opts.digest !== undefined ? { digest: parseDigest(opts.digest) } : {}),
    ...(opts['rate-limit'] !== undefined ? { rate_limit: parseRateLimit(opts['rate-limit']) } : {}),
  };
  const parsed = subscriberEntrySchema().safeParse(raw);
  if (!parsed.success) {
    throw new UsageError(
      parsed.error.issues
        .map((issue) => {
          const key = String(issue.path[0] === 'filters' ? issue.path[1] : issue.path[0]);
          return `${OPTION_OF[key] ?? key}: ${issue.message}`;
        })
        .join('; '),
    );
  }
  const unknown = unknownFilterIds(parsed.data.filters, ids);
  if (unknown.length > 0) throw new UsageError(unknown.map((u) => `${OPTION_OF[u.filter]}: ${u.message}`).join('; '));
  return parsed.data;
}

/** `hourly`, `daily@08:00` (UTC) or `daily@08:00/Asia/Baghdad`; the schema checks the time and the zone. */
function parseDigest(value: string): unknown {
  if (value === 'hourly') return { every: 'hour' };
  const m = /^daily@([^/]*)(?:\/(.+))?$/.exec(value);
  if (!m) throw new UsageError(`--digest takes "hourly" or "daily@HH:MM[/ZONE]" (e.g. daily@08:00/Asia/Baghdad), got "${value}"`);
  return { every: 'day', at: m[1], ...(m[2] !== undefined ? { timezone: m[2] } : {}) };
}

/** `10/1h`: at most 10 messages per hour. */
function parseRateLimit(value: string): unknown {
  const m = /^(\d+)\/(.+)$/.exec(value);
  if (!m) throw new UsageError(`--rate-limit takes MAX/PER such as 10/1h, got "${value}"`);
  return { max: Number(m[1]), per: m[2] };
}

/** The first line of each subscriber, in columns: id, channel and address, secret. */
function headLines(subscribers: readonly RedactedSubscriber[]): string[] {
  return alignColumns(subscribers.map((s) => (s.channel === 'webhook' ? [s.id, `webhook ${s.url}`, `secret ${s.secret}`] : [s.id, `email ${s.email}`])));
}

function formatSubscribers(subscribers: readonly RedactedSubscriber[]): string {
  const heads = headLines(subscribers);
  return subscribers.map((s, i) => formatSubscriber(s, heads[i]!)).join('');
}

function formatSubscriber(s: RedactedSubscriber, head = headLines([s])[0]!): string {
  const when = s.mode === 'immediate' ? 'immediate' : formatDigest(s.digest);
  const filters = Object.entries(s.filters)
    .filter(([, list]) => list.length > 0)
    .map(([key, list]) => `${key}: ${list.join(', ')}`);
  const on = s.on === 'status' ? 'status changes only' : 'every report';
  const lines = [head, `  ${when}, ${on}, ${s.managedBy === 'config' ? 'from subscribers.yaml' : 'added with the CLI'}${s.disabled ? `, DISABLED since ${s.disabled.at}: ${s.disabled.reason}` : ''}`];
  lines.push(`  filters: ${filters.join('; ') || 'none (every alert)'}`);
  if (s.rateLimit) lines.push(`  rate limit: ${s.rateLimit.max} per ${formatSeconds(s.rateLimit.perSeconds)}`);
  return lines.join('\n') + '\n\n';
}

function formatDigest(d: Subscriber['digest']): string {
  if (d === null) return 'digest';
  return d.every === 'hour' ? 'hourly digest' : `daily digest at ${d.at} ${d.timezone}`;
}

function formatSeconds(s: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) if (s % size === 0) return `${s / size}${unit}`;
  return `${s}s`;
}
