import { createHash } from 'node:crypto';
import { timelineEntries, type TimelineEntry } from '../milestones/assess.js';
import type { ChainableCommander, Redis } from 'ioredis';
import type { Article, DuplicateRef, FeedItem, SourceDocument } from '../model.js';
import { DEDUP_DEFAULTS } from '../dedup/defaults.js';
import { keys, type IndexKind, type Keys } from './keys.js';

/** Bound on following duplicate links (a chain needs as many reprints racing through dedup at once). */
const MAX_LINK_HOPS = 32;

export interface DedupRegistration {
  /** The article holding the canonical URL (itself when first), or null without a URL. */
  urlHolder: string | null;
  /** The article holding the exact content hash (itself when first). */
  hashHolder: string;
  /** Earlier-registered articles sharing an LSH band. */
  candidates: string[];
}

export interface StoredSignature {
  signature: Uint32Array;
  shingleCount: number;
}

export interface StoreOptions {
  /** Days the dedup index (bands, signatures, URL and text claims) keeps an article findable: settings dedup.windowDays. */
  dedupWindowDays?: number;
  /** The clock of the dedup window (ms); tests move it. */
  now?: () => number;
}

/** Documents, articles, feed items and state, and the dedup indexes (keys in keys.ts). */
export class Store {
  private readonly k: Keys;
  private readonly window: DedupWindow;
  private readonly now: () => number;

  constructor(
    readonly redis: Redis,
    readonly prefix: string,
    options: StoreOptions = {},
  ) {
    this.k = keys(prefix);
    this.window = dedupWindow(options.dedupWindowDays ?? DEDUP_DEFAULTS.windowDays);
    this.now = options.now ?? Date.now;
    if (!('marsadRegister' in redis)) {
      redis.defineCommand('marsadRegister', { lua: REGISTER_LUA });
      redis.defineCommand('marsadPutDocument', { lua: PUT_DOCUMENT_LUA, numberOfKeys: 2 });
    }
  }

  /**
   * Saves a raw document unless one with its id exists; returns whether it was new, which it is not when its
   * article exists (the dedup stage drops the raw document once the article is registered). Stored again for
   * a known article, it lasts a day: long enough to be cleaned again, never left behind for good.
   */
  async putDocument(doc: SourceDocument): Promise<boolean> {
    const run = (this.redis as unknown as { marsadPutDocument(doc: string, article: string, json: string, ttl: number): Promise<number> }).marsadPutDocument;
    return (await run.call(this.redis, this.k.doc(doc.id), this.k.article(doc.id), JSON.stringify(doc), KNOWN_DOCUMENT_TTL_SECONDS)) === 1;
  }

  async getDocument(id: string): Promise<SourceDocument | null> {
    const raw = await this.redis.get(this.k.doc(id));
    return raw === null ? null : (JSON.parse(raw) as SourceDocument);
  }

  /** A document and the article made of it before (a replay), in one round trip: what the clean stage reads. */
  async getDocumentWithArticle(id: string): Promise<{ doc: SourceDocument | null; article: Article | null }> {
    const [doc, article] = await this.redis.mget(this.k.doc(id), this.k.article(id));
    return { doc: doc ? (JSON.parse(doc) as SourceDocument) : null, article: article ? (JSON.parse(article) as Article) : null };
  }

  /** Records why a document could not become an article (a permanent failure), for operators. */
  async recordDocumentFailure(id: string, reason: string): Promise<void> {
    await this.redis.hset(this.k.failures, id, JSON.stringify({ reason, at: new Date().toISOString() }));
  }

  async documentFailure(id: string): Promise<string | null> {
    const raw = await this.redis.hget(this.k.failures, id);
    return raw === null ? null : (JSON.parse(raw) as { reason: string }).reason;
  }

  /** Records a feed item to fetch unless it is known; returns whether it was new. */
  async putFeedItem(item: FeedItem): Promise<boolean> {
    return (await this.redis.set(this.k.item(item.documentId), JSON.stringify(item), 'NX')) === 'OK';
  }

  async getFeedItem(documentId: string): Promise<FeedItem | null> {
    const raw = await this.redis.get(this.k.item(documentId));
    return raw === null ? null : (JSON.parse(raw) as FeedItem);
  }

  /** What the fetch stage reads, in one round trip: whether the document is fetched already (not read), and its feed item. */
  async feedItemToFetch(documentId: string): Promise<{ fetched: boolean; item: FeedItem | null }> {
    const results = (await this.redis.pipeline().exists(this.k.doc(documentId)).get(this.k.item(documentId)).exec()) ?? [];
    const [exists, raw] = results.map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    return { fetched: Number(exists) > 0, item: typeof raw === 'string' ? (JSON.parse(raw) as FeedItem) : null };
  }

  /** Which of these documents marsad already has, as a fetched document or as an item to fetch. */
  async knownDocuments(ids: readonly string[]): Promise<boolean[]> {
    if (ids.length === 0) return [];
    const tx = this.redis.pipeline();
    for (const id of ids) tx.exists(this.k.item(id), this.k.doc(id));
    const results = (await tx.exec()) ?? [];
    return results.map(([err, n]) => !err && Number(n) > 0);
  }

  /**
   * GUIDs a feed has shown, kept for good (a tombstone list): an item that a feed drops and shows
   * again later, or that was removed from the store, never comes back as new.
   */
  async seenGuids(feedId: string, guids: readonly string[]): Promise<boolean[]> {
    if (guids.length === 0) return [];
    const flags = await this.redis.smismember(this.k.guids(feedId), ...guids.map(guidKey));
    return flags.map((f) => f === 1);
  }

  async markGuidsSeen(feedId: string, guids: readonly string[]): Promise<void> {
    if (guids.length > 0) await this.redis.sadd(this.k.guids(feedId), ...guids.map(guidKey));
  }

  async getFeedState<T>(feedId: string): Promise<T | null> {
    const raw = await this.redis.get(this.k.feed(feedId));
    return raw === null ? null : (JSON.parse(raw) as T);
  }

  async putFeedState<T>(feedId: string, state: T): Promise<void> {
    await this.redis.set(this.k.feed(feedId), JSON.stringify(state));
  }

  async nextSeq(): Promise<number> {
    return this.redis.incr(this.k.seq);
  }

  async getArticle(id: string): Promise<Article | null> {
    const raw = await this.redis.get(this.k.article(id));
    return raw === null ? null : (JSON.parse(raw) as Article);
  }

  async getArticles(ids: readonly string[]): Promise<Article[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(...ids.map((id) => this.k.article(id)));
    return raws.flatMap((raw) => (raw === null ? [] : [JSON.parse(raw) as Article]));
  }

  /** Writes the article and keeps the listing, the tag indexes and the milestone timelines in step with it. */
  /**
   * `duplicateLink`: also records the article's duplicate link in the same transaction (see setDuplicateLink), one
   * round trip instead of two for the stages that decide it.
   */
  async saveArticle(article: Article, previous: Article | null, duplicateLink?: { previousOriginal: string | null }): Promise<void> {
    const tx = this.redis.multi();
    if (duplicateLink) this.queueDuplicateLink(tx, article, duplicateLink.previousOriginal);
    tx.set(this.k.article(article.id), JSON.stringify({ ...article, alsoReportedBy: [] }));
    tx.zadd(this.k.articles, article.seq, article.id);
    for (const [kind, ids] of indexEntries(previous)) for (const id of ids) tx.zrem(this.k.index(kind, id), article.id);
    for (const [kind, ids] of indexEntries(article)) for (const id of ids) tx.zadd(this.k.index(kind, id), article.seq, article.id);
    for (const m of previous?.milestones ?? []) tx.hdel(this.k.timeline(m.id), article.id);
    for (const [id, entry] of timelineEntries(article)) tx.hset(this.k.timeline(id), article.id, JSON.stringify(entry));
    await tx.exec();
  }

  /** Every timeline entry of a milestone (one per article that mentions it), unordered. */
  async milestoneTimeline(milestoneId: string): Promise<TimelineEntry[]> {
    const raw = await this.redis.hvals(this.k.timeline(milestoneId));
    return raw.map((r) => JSON.parse(r) as TimelineEntry);
  }

  async countArticles(): Promise<number> {
    return this.redis.zcard(this.k.articles);
  }

  /**
   * Article ids, newest first, optionally only those tagged with every given base/topic/milestone,
   * and only those older than `beforeSeq` when given (the next page of a listing).
   */
  /**
   * The lowest seq of the articles first seen at or after `since` (ms); Infinity when none. Seqs are
   * given in first-seen order, so a binary search over the listing reads about log2(n) articles.
   */
  async firstSeqSince(since: number): Promise<number> {
    const total = await this.redis.zcard(this.k.articles);
    let lo = 0;
    let hi = total;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const [id] = await this.redis.zrange(this.k.articles, String(mid), String(mid));
      const article = id ? await this.getArticle(id) : null;
      if (article && Date.parse(article.firstSeen) >= since) hi = mid;
      else lo = mid + 1;
    }
    if (lo >= total) return Infinity;
    const [, score] = await this.redis.zrange(this.k.articles, String(lo), String(lo), 'WITHSCORES');
    return Number(score);
  }

  /** Ids in a tag index from `minSeq` on, and which of them are reprints (read from the link hash, not the articles). */
  async indexSince(kind: IndexKind, id: string, minSeq: number): Promise<{ ids: string[]; reprints: number }> {
    if (!Number.isFinite(minSeq)) return { ids: [], reprints: 0 };
    const ids = await this.redis.zrangebyscore(this.k.index(kind, id), minSeq, '+inf');
    let reprints = 0;
    for (let i = 0; i < ids.length; i += 1000) {
      const links = await this.redis.hmget(this.k.duplicateOf, ...ids.slice(i, i + 1000));
      reprints += links.filter((l) => l !== null).length;
    }
    return { ids, reprints };
  }

  async listArticleIds(filter: { base?: string; topic?: string; milestone?: string }, limit: number, beforeSeq?: number): Promise<string[]> {
    const sets = [
      filter.base && this.k.index('base', filter.base),
      filter.topic && this.k.index('topic', filter.topic),
      filter.milestone && this.k.index('milestone', filter.milestone),
    ].filter((s): s is string => Boolean(s));
    const newest = (key: string, count: number) =>
      beforeSeq === undefined
        ? this.redis.zrevrange(key, 0, count > 0 ? count - 1 : -1)
        : count > 0
          ? this.redis.zrevrangebyscore(key, `(${beforeSeq}`, '-inf', 'LIMIT', 0, count)
          : this.redis.zrevrangebyscore(key, `(${beforeSeq}`, '-inf');
    if (sets.length === 0) return newest(this.k.articles, limit);
    if (sets.length === 1) return newest(sets[0]!, limit);
    // Intersect by reading the smallest index and checking membership in the others.
    const cards = await Promise.all(sets.map((s) => this.redis.zcard(s)));
    const order = sets.map((s, i) => [s, cards[i]!] as const).sort((a, b) => a[1] - b[1]);
    const [smallest, ...rest] = order.map(([s]) => s);
    const candidates = await newest(smallest!, 0);
    const out: string[] = [];
    for (const id of candidates) {
      const scores = await Promise.all(rest.map((s) => this.redis.zscore(s, id)));
      if (scores.every((x) => x !== null)) out.push(id);
      if (limit > 0 && out.length >= limit) break;
    }
    return out;
  }

  /**
   * Stores a MinHash signature with its distinct-shingle count (needed for containment estimates), for as long
   * as the LSH bands registered now can point to it: the dedup window, plus up to a quarter of it.
   */
  async putSignature(articleId: string, signed: StoredSignature): Promise<void> {
    const packed = new Uint32Array(signed.signature.length + 1);
    packed[0] = signed.shingleCount;
    packed.set(signed.signature, 1);
    const expiresAt = this.window.bucketExpiresAt(this.window.bucketOf(this.now()));
    await this.redis.set(this.k.signature(articleId), Buffer.from(packed.buffer), 'EXAT', expiresAt);
  }

  async getSignatures(ids: readonly string[]): Promise<Map<string, StoredSignature>> {
    const out = new Map<string, StoredSignature>();
    if (ids.length === 0) return out;
    const raws = await this.redis.mgetBuffer(...ids.map((id) => this.k.signature(id)));
    ids.forEach((id, i) => {
      const buf = raws[i];
      if (!buf || buf.byteLength < 8 || buf.byteLength % 4 !== 0) return;
      const packed = new Uint32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      out.set(id, { shingleCount: packed[0]!, signature: packed.subarray(1) });
    });
    return out;
  }

  /**
   * Registers an article for dedup in one atomic step: it gets its place in the dedup order, claims
   * its canonical URL and content hash (or learns who holds them), joins its LSH bands, and learns
   * which articles registered before it share a band (at most `maxCandidates`). Claims and bands
   * last for the dedup window (see DedupWindow), so holders and candidates are the articles
   * registered within it. Because all of it happens at once, the holder of a URL or hash, and every
   * candidate, was registered earlier: links always point back in that order, so two workers racing
   * on one story can never link in a cycle. The article's raw document is dropped: it is cleaned by now.
   */
  async registerForDedup(
    articleId: string,
    claims: { urlKey: string | null; contentHash: string; bandKeys: readonly string[] },
    maxCandidates: number,
  ): Promise<DedupRegistration> {
    const bands = claims.bandKeys.map(splitBandKey);
    const namespace = bands[0]?.namespace ?? '';
    if (bands.some((b) => b.namespace !== namespace)) throw new RangeError('the band keys of one article must share one namespace');
    const bucket = this.window.bucketOf(this.now());
    const redisKeys = [
      this.k.dedupOrder,
      this.k.dedupCounter,
      this.k.doc(articleId),
      ...Array.from({ length: LIVE_BUCKETS }, (_, age) => this.k.claimBucket(this.window.bucketSeconds, bucket - age)),
      ...Array.from({ length: LIVE_BUCKETS }, (_, age) => this.k.bandBucket(namespace, this.window.bucketSeconds, bucket - age)),
    ];
    const run = (this.redis as unknown as { marsadRegister(n: number, ...args: (string | number | Buffer)[]): Promise<[string, string, string[]]> }).marsadRegister;
    const [urlHolder, hashHolder, candidates] = await run.call(
      this.redis,
      redisKeys.length,
      ...redisKeys,
      articleId,
      maxCandidates,
      this.window.bucketExpiresAt(bucket),
      MAX_BAND_MEMBERS,
      LIVE_BUCKETS,
      claims.urlKey === null ? '' : claimField('url', claims.urlKey),
      claimField('text', claims.contentHash),
      ...bands.map((b) => Buffer.from(b.hash, 'hex')),
    );
    return { urlHolder: urlHolder === '' ? null : urlHolder, hashHolder, candidates };
  }

  /**
   * Records an article's duplicate link ("also reported by" on its original), replacing the one a
   * previous run recorded, so that a replay never leaves a stale link behind.
   */
  async setDuplicateLink(article: Article, previousOriginal: string | null): Promise<void> {
    const tx = this.redis.multi();
    this.queueDuplicateLink(tx, article, previousOriginal);
    await tx.exec();
  }

  private queueDuplicateLink(tx: ChainableCommander, article: Article, previousOriginal: string | null): void {
    if (previousOriginal && previousOriginal !== article.duplicateOf) tx.zrem(this.k.duplicates(previousOriginal), article.id);
    if (article.duplicateOf) {
      tx.zadd(this.k.duplicates(article.duplicateOf), article.seq, article.id);
      tx.hset(this.k.duplicateOf, article.id, article.duplicateOf);
    } else {
      tx.hdel(this.k.duplicateOf, article.id);
    }
  }

  async countDuplicates(): Promise<number> {
    return this.redis.hlen(this.k.duplicateOf);
  }

  /**
   * The original an article reprints, following the links up. Links are written to the article that
   * matched, which may itself turn out to be a reprint once its own dedup finishes (two workers, one
   * story): following them at read time keeps every group with one original, whatever the timing.
   * Links always point to an earlier-registered article, so there is no cycle; the bound is a guard.
   */
  async originalOf(id: string): Promise<string | null> {
    let current = id;
    for (let hop = 0; hop < MAX_LINK_HOPS; hop++) {
      const parent = await this.redis.hget(this.k.duplicateOf, current);
      if (parent === null) return current === id ? null : current;
      current = parent;
    }
    return current;
  }

  /** The reprints of an original (direct and through other reprints), oldest first. */
  async alsoReportedBy(originalId: string): Promise<DuplicateRef[]> {
    const seen = new Set<string>([originalId]);
    let frontier = [originalId];
    const found: string[] = [];
    for (let hop = 0; hop < MAX_LINK_HOPS && frontier.length > 0; hop++) {
      const children = (await Promise.all(frontier.map((id) => this.redis.zrange(this.k.duplicates(id), '0', '-1')))).flat();
      frontier = children.filter((c) => !seen.has(c));
      for (const c of frontier) seen.add(c);
      found.push(...frontier);
    }
    const reprints = await this.getArticles(found);
    reprints.sort((a, b) => a.seq - b.seq);
    return reprints.map((d) => ({
      id: d.id,
      source: d.source,
      url: d.url,
      title: d.title,
      published: d.published,
      match: d.duplicateMatch ?? 'near',
      similarity: d.similarity ?? 1,
    }));
  }

  /** The article as users see it: `duplicateOf` is the group's original; an original lists its reprints; its story. */
  async readArticle(id: string): Promise<Article | null> {
    const article = await this.getArticle(id);
    if (article === null) return null;
    const storyId = await this.redis.hget(this.k.storyOf, id);
    if (article.duplicateOf !== null) return { ...article, storyId, duplicateOf: (await this.originalOf(id)) ?? article.duplicateOf, alsoReportedBy: [] };
    return { ...article, storyId, alsoReportedBy: await this.alsoReportedBy(id) };
  }

  /**
   * The other reports of an alert's story, oldest first: its reprints, and the separate reports of the
   * same event in any language (`match: 'same-event'`). Alerts recorded before stories: the reprints only.
   */
  async storyReports(alert: { article: { id: string }; storyId?: string | null }): Promise<DuplicateRef[]> {
    const reprints = await this.alsoReportedBy(alert.article.id);
    const members = alert.storyId ? await this.redis.hget(this.k.storyMembers, alert.storyId) : null;
    if (members === null) return reprints;
    const known = new Set([alert.article.id, ...reprints.map((r) => r.id)]);
    const others = (await this.getArticles((JSON.parse(members) as string[]).filter((id) => !known.has(id)))).sort((a, b) => a.seq - b.seq);
    return [
      ...reprints,
      ...others.map((d) => ({
        id: d.id,
        source: d.source,
        url: d.url,
        title: d.title,
        published: d.published,
        match: d.duplicateOf !== null ? (d.duplicateMatch ?? 'near') : ('same-event' as const),
        similarity: d.duplicateOf !== null ? (d.similarity ?? 1) : 0,
      })),
    ];
  }
}

function indexEntries(article: Article | null): [IndexKind, string[]][] {
  if (article === null) return [];
  return [
    ['base', article.bases],
    ['topic', article.topics],
    ['milestone', article.milestones.map((m) => m.id)],
  ];
}

/** GUIDs can be long URLs: the set keeps a fixed-size hash of each. */
function guidKey(guid: string): string {
  return sha256(guid).slice(0, 24);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The dedup window in time buckets of a quarter of it. An article's LSH bands go into the bucket of the time it
 * is registered, and every bucket expires whole once its newest entry is a window old: an indexed article stays
 * findable for the window and at most a quarter longer, and the index holds about 1.25 windows of articles
 * whatever has come before. Lookups read the LIVE_BUCKETS buckets that can hold entries younger than the window.
 */
export interface DedupWindow {
  bucketSeconds: number;
  bucketOf(nowMs: number): number;
  /** Unix seconds at which a bucket's keys, and the signatures and claims written with it, expire. */
  bucketExpiresAt(bucket: number): number;
}

const BUCKETS_PER_WINDOW = 4;
/** The current bucket and the BUCKETS_PER_WINDOW before it. */
const LIVE_BUCKETS = BUCKETS_PER_WINDOW + 1;
/**
 * Articles kept per band value and bucket, newest last: a band shared by more (a stock phrase, one story
 * reprinted many times) still yields its latest articles, which link up to the group's original.
 */
const MAX_BAND_MEMBERS = 8;

export function dedupWindow(days: number): DedupWindow {
  if (!(days > 0)) throw new RangeError(`the dedup window must be a positive number of days, got ${days}`);
  const bucketSeconds = Math.ceil((days * 86_400) / BUCKETS_PER_WINDOW);
  return {
    bucketSeconds,
    bucketOf: (nowMs) => Math.floor(nowMs / 1000 / bucketSeconds),
    bucketExpiresAt: (bucket) => (bucket + LIVE_BUCKETS) * bucketSeconds,
  };
}

/** A claim's field in a claim bucket: what is claimed, and 8 bytes of the sha256 of its value. */
export function claimField(kind: 'url' | 'text', value: string): Buffer {
  return Buffer.concat([Buffer.from(kind === 'url' ? 'u' : 't'), createHash('sha256').update(value).digest().subarray(0, 8)]);
}

/** `namespace:band:hash16` (see workers/dedup.ts and dedup/lsh.ts) into the namespace and the 64-bit hash. */
function splitBandKey(key: string): { namespace: string; hash: string } {
  const m = /^(.*):\d+:([0-9a-f]{16})$/.exec(key);
  if (!m) throw new RangeError(`not an LSH band key (namespace:band:16 hex digits): ${key}`);
  return { namespace: m[1]!, hash: m[2]! };
}

const KNOWN_DOCUMENT_TTL_SECONDS = 86_400;

// KEYS: 1 document, 2 article. ARGV: 1 JSON, 2 seconds a document of a known article is kept.
const PUT_DOCUMENT_LUA = `
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2])
  return 0
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then return 1 end
return 0
`;

// KEYS: 1 order zset, 2 order counter, 3 raw document, then the live claim buckets and the live band buckets
//   (ARGV[5] of each), current first.
// ARGV: 1 article id, 2 candidate cap, 3 the current buckets' expiry (unix s), 4 members kept per band value,
//   5 live buckets, 6 URL claim field ('' without a URL), 7 text claim field, 8.. band hashes (8 bytes).
// An article keeps its order on a replay, so a re-run finds the same earlier articles.
// Claims: a bucket is one hash, claim field -> the id of the first article registered with it; a claim found
// in a live bucket holds, else the article takes it in the current bucket.
// Bands: a bucket is one hash, band hash -> the dedup orders of the articles sharing it, so one HMGET reads all
// of an article's bands in a bucket. Spreading each bucket over hashes small enough for Redis's listpack
// encoding took a third of the memory but a call per band and bucket (~200 calls instead of ~15, twice the
// time). Candidates are the articles of a lower order sharing a band in a live bucket, resolved to ids at the end.
// The raw document has served once the article reaches dedup (it was cleaned): it is dropped here.
const REGISTER_LUA = `
local id = ARGV[1]
local cap = tonumber(ARGV[2])
local expiresAt = tonumber(ARGV[3])
local keep = tonumber(ARGV[4])
local live = tonumber(ARGV[5])
local order = redis.call('ZSCORE', KEYS[1], id)
if not order then
  order = redis.call('INCR', KEYS[2])
  redis.call('ZADD', KEYS[1], order, id)
end
order = tonumber(order)
redis.call('DEL', KEYS[3])

local claimFields = {ARGV[7]}
if ARGV[6] ~= '' then claimFields[2] = ARGV[6] end
local holders = {}
for k = 4, 3 + live do
  local values = redis.call('HMGET', KEYS[k], unpack(claimFields))
  for f = 1, #claimFields do
    if values[f] and not holders[f] then holders[f] = values[f] end
  end
end
local claims = {}
for f = 1, #claimFields do
  if not holders[f] then
    holders[f] = id
    claims[#claims + 1] = claimFields[f]
    claims[#claims + 1] = id
  end
end
if #claims > 0 then
  redis.call('HSET', KEYS[4], unpack(claims))
  redis.call('EXPIREAT', KEYS[4], expiresAt)
end

local fields = {}
for a = 8, #ARGV do fields[#fields + 1] = ARGV[a] end
local seen = {}
local found = {}
local updates = {}
local current = 4 + live
for k = current, #KEYS do
  local values = #fields > 0 and redis.call('HMGET', KEYS[k], unpack(fields)) or {}
  for f = 1, #fields do
    local members = values[f]
    local mine = false
    if members then
      for m in string.gmatch(members, '%d+') do
        local o = tonumber(m)
        if o == order then mine = true
        elseif o < order and not seen[o] and #found < cap then
          seen[o] = true
          found[#found + 1] = o
        end
      end
    end
    if k == current and not mine then
      local list = {}
      if members then for m in string.gmatch(members, '%d+') do list[#list + 1] = m end end
      list[#list + 1] = tostring(order)
      while #list > keep do table.remove(list, 1) end
      updates[#updates + 1] = fields[f]
      updates[#updates + 1] = table.concat(list, ',')
    end
  end
end
if #updates > 0 then
  redis.call('HSET', KEYS[current], unpack(updates))
  redis.call('EXPIREAT', KEYS[current], expiresAt)
end
local out = {}
for _, o in ipairs(found) do
  local ids = redis.call('ZRANGE', KEYS[1], o, o, 'BYSCORE')
  if ids[1] then out[#out + 1] = ids[1] end
end
local urlHolder = ''
if ARGV[6] ~= '' then urlHolder = holders[2] end
return {urlHolder, holders[1], out}
`;
