/**
 * A Redis at maxmemory (policy noeviction) refuses every write, and a BullMQ worker then fails each
 * fetch, lock renewal and move as fast as it can try: thousands of "worker error" lines a second. This
 * is the rhythm of what workers do about it instead (I/O-free; the clock is passed in): pause for a
 * doubling time (BASE_MS up to MAX_MS) after each refusal, and say so once per LOG_EVERY_MS with the
 * number of refusals since the last line.
 */
export const BASE_MS = 1_000;
export const MAX_MS = 30_000;
export const LOG_EVERY_MS = 60_000;

export interface BackoffStep {
  /** How long to stop taking jobs. */
  pauseMs: number;
  /** Whether to log now; `refusals` counts the refusals since the last line (this one included). */
  log: boolean;
  refusals: number;
}

export class OutOfMemoryBackoff {
  private pauseMs = 0;
  private lastLogAt = -Infinity;
  private unlogged = 0;
  /** A refusal was logged since the last "writes again": only then is the recovery worth a line. */
  private saidRefused = false;

  /** Whether Redis has refused a write since the last success. */
  get active(): boolean {
    return this.pauseMs > 0;
  }

  refused(now: number): BackoffStep {
    this.pauseMs = this.pauseMs === 0 ? BASE_MS : Math.min(MAX_MS, this.pauseMs * 2);
    this.unlogged += 1;
    const log = now - this.lastLogAt >= LOG_EVERY_MS;
    const refusals = this.unlogged;
    if (log) {
      this.lastLogAt = now;
      this.unlogged = 0;
      this.saidRefused = true;
    }
    return { pauseMs: this.pauseMs, log, refusals };
  }

  /**
   * A write went through: the next refusal pauses briefly again. Returns whether to say that writes go
   * through again: once after each logged refusal, so a Redis hovering at its limit costs a line or two
   * per LOG_EVERY_MS, not one per flip.
   */
  recovered(): boolean {
    this.pauseMs = 0;
    const say = this.saidRefused;
    this.saidRefused = false;
    return say;
  }
}
