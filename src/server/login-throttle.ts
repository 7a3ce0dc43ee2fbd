/**
 * Wrong dashboard tokens, counted per client address (I/O-free; the clock is passed in). The first
 * FREE_FAILURES wrong tokens in a window cost nothing; each one after that locks the address out for a
 * doubling time (LOCK_BASE_MS, then twice that, … up to LOCK_MAX_MS). While locked out a token is not
 * even compared, so guessing gains nothing from asking faster. A right token clears the address.
 * Per process: each dashboard process counts its own (enough to turn guessing into centuries).
 */
export const FREE_FAILURES = 5;
export const WINDOW_MS = 15 * 60_000;
export const LOCK_BASE_MS = 30_000;
export const LOCK_MAX_MS = 15 * 60_000;
/** Addresses remembered at most: beyond it the oldest are forgotten (a flood of addresses cannot exhaust memory). */
const MAX_ADDRESSES = 10_000;

interface Failures {
  count: number;
  lastAt: number;
  lockedUntil: number;
}

export class LoginThrottle {
  private readonly byAddress = new Map<string, Failures>();

  /** Milliseconds this address must still wait before a token is looked at; 0 when it may try. */
  waitMs(address: string, now: number): number {
    const f = this.current(address, now);
    return f ? Math.max(0, f.lockedUntil - now) : 0;
  }

  /** Records a wrong token; returns the lockout it starts (0 while the address is within its free failures). */
  fail(address: string, now: number): number {
    const f = this.current(address, now) ?? { count: 0, lastAt: now, lockedUntil: 0 };
    f.count += 1;
    f.lastAt = now;
    const over = f.count - FREE_FAILURES;
    const lockMs = over > 0 ? Math.min(LOCK_MAX_MS, LOCK_BASE_MS * 2 ** Math.min(over - 1, 20)) : 0;
    f.lockedUntil = now + lockMs;
    this.byAddress.delete(address); // re-inserted last: the map's order is the forgetting order
    this.byAddress.set(address, f);
    if (this.byAddress.size > MAX_ADDRESSES) this.byAddress.delete(this.byAddress.keys().next().value!);
    return lockMs;
  }

  succeed(address: string): void {
    this.byAddress.delete(address);
  }

  private current(address: string, now: number): Failures | null {
    const f = this.byAddress.get(address);
    if (!f) return null;
    // Quiet for a whole window after the lockout: the address starts afresh.
    if (now - Math.max(f.lastAt, f.lockedUntil) > WINDOW_MS) {
      this.byAddress.delete(address);
      return null;
    }
    return f;
  }
}
