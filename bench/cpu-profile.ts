import { readFileSync } from 'node:fs';

/**
 * Where a process's CPU went, from a V8 `.cpuprofile` (node --cpu-prof's format): each sample's time goes to the
 * category of the frame it was taken in. Native frames and Node's own modules (socket writes, streams, regexp and
 * string built-ins) take the category of the code that called them, so a socket write for a Redis command counts as
 * ioredis; JSON.parse / JSON.stringify are counted apart (repeated parsing is one of the costs looked for). What
 * no library or marsad module called (timers, the event loop, async hooks) is 'node runtime'.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export const CATEGORIES = [
  'stage cores (src + html parsing)',
  'marsad glue (workers, store, queue door)',
  'JSON parse/stringify',
  'BullMQ',
  'ioredis',
  'zod (payload checks)',
  'logging (pino)',
  'http client (undici)',
  'compute pool (worker_threads hand-off)',
  'node runtime (event loop, timers)',
  'garbage collection',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

const CORE_SRC = /\/src\/(extract|dedup|tagging|text|stories|alerts|milestones|feeds|cores\.ts)/;
const HTML_LIBS = /node_modules\/(cheerio|cheerio-select|parse5[^/]*|htmlparser2|domhandler|domutils|dom-serializer|css-select|css-what|nth-check|boolbase|entities|encoding-sniffer|iconv-lite|whatwg-[^/]+)\//;

function categoryOfUrl(url: string): Category | null {
  if (url === '') return null;
  if (url.includes('node_modules/bullmq/')) return 'BullMQ';
  if (/node_modules\/(ioredis|@ioredis|redis-parser|redis-errors|cluster-key-slot|denque|standard-as-callback)\//.test(url)) return 'ioredis';
  if (url.includes('node_modules/zod/')) return 'zod (payload checks)';
  if (/node_modules\/(pino[^/]*|sonic-boom|thread-stream|fast-redact|quick-format-unescaped|on-exit-leak-free|atomic-sleep|safe-stable-stringify)\//.test(url)) return 'logging (pino)';
  if (url.includes('node_modules/undici/')) return 'http client (undici)';
  if (HTML_LIBS.test(url) || CORE_SRC.test(url)) return 'stage cores (src + html parsing)';
  if (url.includes('/src/compute/')) return 'compute pool (worker_threads hand-off)';
  if (url.includes('/src/')) return 'marsad glue (workers, store, queue door)';
  if (url.startsWith('node:') || !url.includes('/')) return null;
  return 'other';
}

/** CPU ms per category in one profile (idle time left out). */
export function profileByCategory(file: string): Record<Category, number> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, Category | 'idle'>();
  const categoryOf = (id: number): Category | 'idle' => {
    const known = memo.get(id);
    if (known) return known;
    const { functionName, url } = byId.get(id)!.callFrame;
    let category: Category | 'idle';
    if (functionName === '(idle)') category = 'idle';
    else if (functionName === '(garbage collector)') category = 'garbage collection';
    else if (functionName === '(program)') category = 'other';
    else if (functionName === '(root)') category = 'node runtime (event loop, timers)';
    else if (url === '' && (functionName === 'parse' || functionName === 'stringify')) category = 'JSON parse/stringify';
    else {
      const own = categoryOfUrl(url);
      const up = parent.get(id);
      category = own ?? (up === undefined ? 'node runtime (event loop, timers)' : categoryOf(up));
    }
    memo.set(id, category);
    return category;
  };
  const out = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  profile.samples.forEach((id, i) => {
    const category = categoryOf(id);
    if (category !== 'idle') out[category] += (profile.timeDeltas[i] ?? 0) / 1000;
  });
  return out;
}
