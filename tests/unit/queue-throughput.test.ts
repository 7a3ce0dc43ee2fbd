import { describe, expect, it } from 'vitest';
import { perMinute, type FinishedMetrics } from '../../src/queues/throughput.js';

const MIN = 60_000;
/** A time in minute `m` (plus `s` seconds) of an arbitrary day. */
const at = (m: number, s = 0) => 29_000_000 * MIN + m * MIN + s * 1000;

const metrics = (count: number, prevTS: number, prevCount: number, data: number[] = []): FinishedMetrics => ({ meta: { count, prevTS, prevCount }, data });

describe('perMinute (BullMQ metrics to a per-minute series)', () => {
  // [case, metrics, minutes, now, expected (oldest first, the last is now's minute)]
  const cases: [string, FinishedMetrics, number, number, number[]][] = [
    ['no job ever finished', metrics(0, 0, 0), 3, at(10), [0, 0, 0]],
    ['the first job: the open minute holds it', metrics(1, at(10, 5), 0), 3, at(10, 30), [0, 0, 1]],
    ['jobs in the open minute only', metrics(7, at(10, 5), 3), 2, at(10, 59), [0, 4]],
    ['closed minutes are read from the head of data', metrics(10, at(10, 1), 9, [5, 4]), 4, at(10, 20), [0, 4, 5, 1]],
    ['zeros pushed for empty minutes stay zeros', metrics(12, at(10), 11, [0, 0, 6, 5]), 5, at(10, 1), [5, 6, 0, 0, 1]],
    ['minutes after the open one, up to now, had no job', metrics(3, at(7, 30), 1, [2]), 5, at(10), [2, 2, 0, 0, 0]],
    ['the open minute fell out of the window', metrics(3, at(2), 1, [2]), 3, at(10), [0, 0, 0]],
    ['data shorter than the window pads with zeros', metrics(2, at(10), 1, [1]), 4, at(10), [0, 0, 1, 1]],
  ];
  it.each(cases)('%s', (_name, m, minutes, now, expected) => {
    expect(perMinute(m, minutes, now)).toEqual(expected);
  });

  it('counts every finished job once over a window that covers them all', () => {
    const m = metrics(20, at(30, 10), 17, [4, 0, 6, 0, 0, 7]);
    expect(perMinute(m, 60, at(31)).reduce((a, b) => a + b, 0)).toBe(20);
  });
});
