import type { Redis } from 'ioredis';

/** Helpers shared by the benchmarks. */

/** SCAN + UNLINK of the keys under `prefix`: the Redis may be shared, so never FLUSHDB. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}:*`;
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** The q-quantile (nearest rank) of ascending `sorted`. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export interface Stats {
  mean: number;
  p50: number;
  p95: number;
}

export function stats(xs: readonly number[]): Stats {
  if (xs.length === 0) return { mean: 0, p50: 0, p95: 0 };
  const s = [...xs].sort((a, b) => a - b);
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, p50: quantile(s, 0.5), p95: quantile(s, 0.95) };
}

/** Left-aligned first column, right-aligned numbers, two spaces between columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}
