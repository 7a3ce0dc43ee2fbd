import { createHash } from 'node:crypto';
import { loadConfig } from '../config/load.js';
import { openApp } from '../app.js';
import { FeedParseError, parseFeed } from '../feeds/parse.js';
import type { FeedConfig } from '../feeds/schema.js';
import { decodeBody } from '../fetch/charset.js';
import { createHttpClient, FetchError } from '../fetch/http.js';
import { collectFeeds, enqueueManualPolls, pollFeedsOnce } from '../ops/feeds.js';
import type { CommandContext } from './context.js';
import { UsageError } from './context.js';
import { Progress } from './progress.js';

function selectFeeds(feeds: readonly FeedConfig[], ids: string[]): FeedConfig[] {
  const unknown = ids.filter((id) => !feeds.some((f) => f.id === id));
  if (unknown.length > 0) throw new UsageError(`unknown feed ${unknown.join(', ')}; feeds.yaml has ${feeds.map((f) => f.id).join(', ') || 'no feeds'}`);
  return ids.length === 0 ? [...feeds] : feeds.filter((f) => ids.includes(f.id));
}

/** `marsad feeds [--json]`: each feed's state as the poll stage keeps it. */
export async function feedsCommand(opts: { json?: boolean }, ctx: CommandContext): Promise<number> {
  const app = await openApp({ log: ctx.log });
  try {
    const reports = await collectFeeds(app);
    if (opts.json) {
      ctx.out.write(JSON.stringify(reports, null, 2) + '\n');
      return 0;
    }
    if (reports.length === 0) ctx.out.write(`no feeds in ${app.config.dir}/feeds.yaml\n`);
    for (const r of reports) {
      const flags = [r.verified ? '' : 'unverified', r.stale ? 'STALE' : ''].filter(Boolean).join(', ');
      ctx.out.write(
        `${r.id}  ${r.status.toUpperCase()}${flags ? ` (${flags})` : ''}  ${r.name}\n` +
          `  ${r.url}\n` +
          `  last poll ${r.lastPollAt ?? '-'}, last success ${r.lastSuccessAt ?? '-'}, next poll ${r.nextPollAt ?? 'at the next tick'} (every ${Math.round(r.intervalSeconds / 60)} min)\n` +
          `  ETag ${r.etag ? 'held' : '-'}, Last-Modified ${r.lastModified ?? '-'}, items seen ${r.itemsSeen}, failures ${r.failures} (${r.consecutiveFailures} in a row)\n` +
          (r.lastError ? `  last error ${r.lastError.at}: ${r.lastError.reason}\n` : ''),
      );
    }
    return 0;
  } finally {
    await app.close();
  }
}

/**
 * `marsad feeds check [FEED_ID...]`: what each URL really serves, without touching the store: the
 * status, content type, charset, and whether it parses as a feed (how many items, the newest).
 */
export async function feedsCheckCommand(ids: string[], opts: { json?: boolean }, ctx: CommandContext): Promise<number> {
  const config = loadConfig();
  const feeds = selectFeeds(config.feeds, ids);
  const http = createHttpClient(config.settings.fetch);
  let failures = 0;
  try {
    for (const feed of feeds) {
      const report: Record<string, unknown> = { id: feed.id, url: feed.url, verified: feed.verified };
      try {
        const response = await http.get(feed.url, { expect: 'feed' });
        const decoded = decodeBody(response.body, response.headers['content-type'], 'xml');
        Object.assign(report, {
          ok: true,
          status: response.status,
          finalUrl: response.url,
          redirects: response.redirects.length,
          contentType: response.headers['content-type'] ?? null,
          charset: `${decoded.charset} (${decoded.source})`,
          bytes: response.body.length,
          ms: Math.round(response.elapsedMs),
          etag: response.headers.etag ?? null,
          sha256: createHash('sha256').update(response.body).digest('hex').slice(0, 16),
        });
        const parsed = await parseFeed(decoded.text, response.url, { maxItems: config.settings.feeds.maxItemsPerPoll });
        Object.assign(report, { format: parsed.format, title: parsed.title, items: parsed.itemCount, newest: parsed.items[0]?.title ?? null });
      } catch (err) {
        if (!(err instanceof FetchError) && !(err instanceof FeedParseError)) throw err;
        failures++;
        Object.assign(report, { ok: false, error: err.message });
      }
      if (opts.json) ctx.out.write(JSON.stringify(report) + '\n');
      else if (report.ok) {
        ctx.out.write(`✓ ${feed.id}: ${report.status} ${report.contentType}, ${report.charset}, ${report.format} "${report.title}" with ${report.items} items (newest: ${report.newest})${report.redirects ? `, via ${report.redirects} redirects to ${report.finalUrl}` : ''}\n`);
      } else ctx.out.write(`✗ ${feed.id}: ${report.error}\n`);
    }
  } finally {
    await http.close();
  }
  return failures > 0 ? 1 : 0;
}

/**
 * `marsad poll [FEED_ID...] [--once]`: polls now, whether the feeds are due or not. With `--once`
 * it waits until the polls are done and the new items are through the pipeline.
 */
export async function pollCommand(ids: string[], opts: { once?: boolean; timeout?: string }, ctx: CommandContext): Promise<number> {
  const timeoutSeconds = opts.timeout === undefined ? 600 : Number(opts.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError(`--timeout takes a number of seconds, got "${opts.timeout}"`);
  const config = loadConfig();
  const feeds = selectFeeds(config.feeds, ids);
  const app = await openApp({ log: ctx.log, config });
  try {
    // What the polls bring may raise alerts: route them to the subscribers of subscribers.yaml, as `run` does.
    await app.subscribers.syncFromConfig(app.config.subscribers);
    if (!opts.once) {
      await enqueueManualPolls(app, feeds);
      ctx.out.write(`queued a poll of ${feeds.length} feed${feeds.length === 1 ? '' : 's'}; workers will take them (marsad feeds shows the result)\n`);
      return 0;
    }
    const { polls, documents } = await pollFeedsOnce(app, feeds, { timeoutMs: timeoutSeconds * 1000, progress: new Progress('poll', ctx.err) });
    for (const p of polls) ctx.out.write(`${p.failed ? '✗' : '✓'} ${p.feedId}: ${p.note}\n`);
    const articles = await app.store.getArticles([...documents.keys()]);
    const failures = [...documents].filter(([, e]) => e !== null);
    ctx.out.write(
      `${polls.length} feeds polled (${polls.filter((p) => p.failed).length} failed), ${documents.size} new items, ` +
        `${articles.filter((a) => a.stage === 'alerted').length} through the pipeline, ${articles.filter((a) => a.duplicateOf).length} duplicates, ${failures.length} failed\n`,
    );
    for (const [id, error] of failures) ctx.out.write(`  ✗ ${id}: ${error}\n`);
    return polls.some((p) => p.failed) || failures.length > 0 ? 1 : 0;
  } finally {
    await app.close();
  }
}
