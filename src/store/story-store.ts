import type { Redis } from 'ioredis';
import type { StoryFeatures } from '../stories/features.js';
import { keys, type Keys } from './keys.js';

/** How one article joined its story: the article it links to, and why. */
export interface StoryLinkRecord {
  with: string;
  kind: 'reprint' | 'same-event';
  reasons: string[];
  score?: number;
  jaccard?: number;
  containment?: number;
}

/** A story's id: `st-` + the smallest article id among its members, so it does not depend on arrival order. */
export function storyIdOf(memberIds: readonly string[]): string {
  return `st-${[...memberIds].sort()[0]}`;
}

// KEYS: 1 story-of hash, 2 story-members hash, 3 story-links hash.
// ARGV: 1 article id, 2 its links (JSON), 3.. the articles it links to.
// Merges the article's story with those of the linked articles (a singleton when none) in one step, so two
// workers deciding at once end with one story: the union is the same whichever runs first.
const JOIN_LUA = `
local id = ARGV[1]
local members = {}
local seen = {}
local olds = {}
local function add(article)
  if seen[article] then return end
  seen[article] = true
  members[#members + 1] = article
end
for i = 3, #ARGV do add(ARGV[i]) end
add(id)
local n = 1
while n <= #members do
  local story = redis.call('HGET', KEYS[1], members[n])
  if story and not olds[story] then
    olds[story] = true
    local listed = redis.call('HGET', KEYS[2], story)
    if listed then for _, m in ipairs(cjson.decode(listed)) do add(m) end end
  end
  n = n + 1
end
table.sort(members)
local target = 'st-' .. members[1]
for story, _ in pairs(olds) do if story ~= target then redis.call('HDEL', KEYS[2], story) end end
redis.call('HSET', KEYS[2], target, cjson.encode(members))
for _, m in ipairs(members) do redis.call('HSET', KEYS[1], m, target) end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[3], id, ARGV[2]) end
return target
`;

/** Story features, their time index per concept, and story membership (keys in keys.ts). */
export class StoryStore {
  private readonly k: Keys;

  constructor(
    readonly redis: Redis,
    prefix: string,
  ) {
    this.k = keys(prefix);
    if (!('marsadStoryJoin' in redis)) redis.defineCommand('marsadStoryJoin', { lua: JOIN_LUA, numberOfKeys: 3 });
  }

  /** Makes the article findable by the articles after it (and by those being decided at the same time). */
  async register(features: StoryFeatures, lookup: readonly string[]): Promise<void> {
    const tx = this.redis.multi().hset(this.k.storyFeatures, features.id, JSON.stringify(features));
    for (const c of lookup) tx.zadd(this.k.storyIndex(c), features.day, features.id);
    await tx.exec();
  }

  /**
   * Articles sharing a lookup concept within `windowMs` of `day`, with their features: per concept the
   * `perSide` nearest in time on each side, so the work per article stays bounded however busy a day is.
   */
  async candidates(features: StoryFeatures, lookup: readonly string[], windowMs: number, perSide: number): Promise<StoryFeatures[]> {
    const pipe = this.redis.pipeline();
    for (const c of lookup) {
      pipe.zrevrangebyscore(this.k.storyIndex(c), features.day, features.day - windowMs, 'LIMIT', 0, perSide);
      pipe.zrangebyscore(this.k.storyIndex(c), `(${features.day}`, features.day + windowMs, 'LIMIT', 0, perSide);
    }
    const ids = new Set<string>();
    for (const [err, found] of (await pipe.exec()) ?? []) if (!err) for (const id of found as string[]) if (id !== features.id) ids.add(id);
    if (ids.size === 0) return [];
    const raws = await this.redis.hmget(this.k.storyFeatures, ...ids);
    return raws.flatMap((r) => (r === null ? [] : [JSON.parse(r) as StoryFeatures]));
  }

  /** Joins the article to the stories of the articles it links to; returns its story id. */
  async join(articleId: string, links: readonly StoryLinkRecord[]): Promise<string> {
    const run = (this.redis as unknown as { marsadStoryJoin(...args: string[]): Promise<string> }).marsadStoryJoin;
    return run.call(this.redis, this.k.storyOf, this.k.storyMembers, this.k.storyLinks, articleId, links.length > 0 ? JSON.stringify(links) : '', ...links.map((l) => l.with));
  }

  async storyOf(articleIds: readonly string[]): Promise<(string | null)[]> {
    if (articleIds.length === 0) return [];
    return this.redis.hmget(this.k.storyOf, ...articleIds);
  }

  async members(storyId: string): Promise<string[]> {
    const raw = await this.redis.hget(this.k.storyMembers, storyId);
    return raw === null ? [] : (JSON.parse(raw) as string[]);
  }

  async links(articleIds: readonly string[]): Promise<Map<string, StoryLinkRecord[]>> {
    if (articleIds.length === 0) return new Map();
    const raws = await this.redis.hmget(this.k.storyLinks, ...articleIds);
    return new Map(articleIds.flatMap((id, i) => (raws[i] ? [[id, JSON.parse(raws[i]!) as StoryLinkRecord[]] as const] : [])));
  }

  /** Every story id, for listings (a story is small; their number grows with the store). */
  async storyIds(): Promise<string[]> {
    return this.redis.hkeys(this.k.storyMembers);
  }
}
