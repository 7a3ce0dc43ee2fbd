/**
 * Jobs finished per minute, from BullMQ's metrics (a Worker with the `metrics` option counts them in
 * Redis). Pure: the door reads the metrics and hands them here.
 *
 * How BullMQ keeps them: `meta.count` counts every finished job; the jobs since `meta.prevCount` all
 * finished in the minute of `meta.prevTS` (the first job of a later minute closes that minute). When a
 * minute is closed its count is pushed to the head of `data`, followed by a zero for every empty minute
 * between it and the closing job's. So `data[i]` is the minute `i + 1` before prevTS's minute, and
 * minutes after prevTS's, up to now, had no finished job.
 */
export interface FinishedMetrics {
  meta: { count: number; prevTS: number; prevCount: number };
  /** Newest first, one point per minute. */
  data: readonly number[];
}

const MINUTE_MS = 60_000;

/** Finished jobs in each of the `minutes` whole minutes up to and including now's, oldest first. */
export function perMinute(metrics: FinishedMetrics, minutes: number, now: number): number[] {
  const { count, prevTS, prevCount } = metrics.meta;
  const openMinute = Math.floor(prevTS / MINUTE_MS);
  const nowMinute = Math.floor(now / MINUTE_MS);
  const series: number[] = [];
  for (let minute = nowMinute - minutes + 1; minute <= nowMinute; minute++) {
    if (prevTS === 0 || minute > openMinute) series.push(0);
    else if (minute === openMinute) series.push(Math.max(0, count - prevCount));
    else series.push(metrics.data[openMinute - 1 - minute] ?? 0);
  }
  return series;
}
