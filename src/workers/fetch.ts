import { PermanentFailure } from '../queues/errors.js';
import { decodeBody } from '../fetch/charset.js';
import { FetchError } from '../fetch/http.js';
import type { SourceDocument } from '../model.js';
import type { JobData } from '../queues/jobs.js';
import type { StageResult } from '../queues/pipeline.js';
import type { StageDeps } from './deps.js';
import type { JobControl } from '../queues/door.js';
import { paceHost } from './pace.js';

/**
 * Fetch stage: a feed item's page, politely (robots.txt, per-host pacing shared through Redis),
 * decoded to text and stored as a document. Every failure is recorded with URL, status and reason;
 * permanent ones (404, 410, robots, unsupported content, blocked address) fail without retries.
 */
export async function handleFetch({ documentId, slotAt }: JobData<'fetch'>, deps: StageDeps, job: JobControl): Promise<StageResult> {
  const { store, config, http, robots, pacer, log } = deps;
  const { fetched, item } = await store.feedItemToFetch(documentId);
  if (fetched) return { status: 'done', next: [documentId], note: 'already fetched' };
  if (!item) throw new PermanentFailure(`no feed item ${documentId} in the store`);
  const host = new URL(item.url).host;

  const fail = async (err: FetchError | string): Promise<never> => {
    const reason = typeof err === 'string' ? err : `${err.reason}${err.status ? ` ${err.status}` : ''}: ${err.message}`;
    await store.recordDocumentFailure(documentId, `${item.url}: ${reason}`);
    log.warn({ article_id: documentId, feed_id: item.feedId, url: item.url, reason }, 'fetch failed');
    if (typeof err === 'string' || err.kind === 'permanent') throw new PermanentFailure(`${item.url}: ${reason}`);
    throw err;
  };

  const verdict = await robots.isAllowed(item.url);
  if (!verdict.allowed) {
    if (verdict.reason === 'disallowed') await fail(`robots.txt of ${host} disallows it`);
    throw new Error(`robots.txt of ${host} is unreachable: trying again later`);
  }
  await paceHost(pacer, job, host, Math.max(config.settings.fetch.hostIntervalMs, verdict.crawlDelayMs ?? 0), slotAt);

  let response;
  try {
    response = await http.get(item.url, { expect: 'html', signal: job.signal });
  } catch (err) {
    if (!(err instanceof FetchError)) throw err;
    // The site asked to be left alone: no worker sends it anything before then.
    if (err.retryAfterMs !== undefined) await pacer.backoffHost(host, err.retryAfterMs);
    return fail(err);
  }
  const feed = config.feeds.find((f) => f.id === item.feedId);
  const decoded = decodeBody(response.body, response.headers['content-type'], 'html');
  const doc: SourceDocument = {
    id: documentId,
    origin: { kind: 'feed', feedId: item.feedId, url: item.url },
    format: 'html',
    body: decoded.text,
    url: response.url,
    source: feed?.name ?? null,
    author: null,
    title: item.title,
    published: item.published,
    language: feed?.language ?? null,
    baseline: item.baseline,
    receivedAt: new Date().toISOString(),
  };
  await store.putDocument(doc);
  log.debug({ article_id: documentId, url: response.url, ms: response.elapsedMs, charset: decoded.charset }, 'fetched');
  return { status: 'done', next: [documentId] };
}
