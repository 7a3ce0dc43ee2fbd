import type { Redis } from 'ioredis';
import { mulberry32 } from '../tests/support/random.js';

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

const FILLER = (
  'market farmers harvest wheat rain river bridge school teachers students library museum hospital doctors nurses clinic road ' +
  'traffic festival music poetry novel painter gallery football stadium coach league season budget bank currency prices bread ' +
  'sugar fuel electricity grid station water pipes engineers repairs village town council mayor residents shops bakery tailors ' +
  'carpets pottery dates palms orchards cattle sheep desert dunes weather dust storm summer winter families children wedding'
).split(' ');
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * Probe article n for the benches that need alerts: English, a tracked milestone in the lead sentence dated ahead
 * of `today` (a plan stated further down, or a date gone by, reads as background and raises no alert), and
 * wording of its own, so that probes are neither duplicates of each other nor one story.
 */
export function alertProbe(n: number, today: Date = new Date()): { title: string; paragraphs: string[] } {
  const rnd = mulberry32(20251205 + n);
  const sentence = (len: number): string => {
    const w = Array.from({ length: len }, () => (rnd() < 0.15 ? String(Math.floor(rnd() * 9000) + 10) : FILLER[Math.floor(rnd() * FILLER.length)]!));
    return `${w[0]!.charAt(0).toUpperCase()}${w[0]!.slice(1)} ${w.slice(1).join(' ')}.`;
  };
  const title = `Report ${n}: ${sentence(6).slice(0, -1)}`;
  const milestone = `US forces will vacate Ain al-Asad air base by ${MONTHS[n % 12]} ${today.getUTCFullYear() + 1}, a provincial official said in report ${n}.`;
  return { title, paragraphs: [`${milestone} ${sentence(15)}`, `${sentence(16)} ${sentence(14)}`, `${sentence(18)} ${sentence(12)}`] };
}
