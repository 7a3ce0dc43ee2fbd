import { describe, expect, it } from 'vitest';
import { FREE_FAILURES, LOCK_BASE_MS, LOCK_MAX_MS, LoginThrottle, WINDOW_MS } from '../../src/server/login-throttle.js';

describe('LoginThrottle', () => {
  it(`lets ${FREE_FAILURES} wrong tokens through, then locks out for a doubling time up to the maximum`, () => {
    const t = new LoginThrottle();
    let now = 0;
    for (let i = 0; i < FREE_FAILURES; i++) expect(t.fail('a', now)).toBe(0);
    expect(t.waitMs('a', now)).toBe(0);
    expect(t.fail('a', now)).toBe(LOCK_BASE_MS);
    expect(t.waitMs('a', now + 1000)).toBe(LOCK_BASE_MS - 1000);
    now += LOCK_BASE_MS;
    expect(t.fail('a', now)).toBe(2 * LOCK_BASE_MS);
    for (let i = 0; i < 30; i++) now += t.fail('a', now);
    expect(t.fail('a', now)).toBe(LOCK_MAX_MS);
  });

  it('counts each address apart, clears on a right token, forgets after a quiet window', () => {
    const t = new LoginThrottle();
    for (let i = 0; i <= FREE_FAILURES; i++) t.fail('a', 0);
    expect(t.waitMs('a', 0)).toBeGreaterThan(0);
    expect(t.waitMs('b', 0)).toBe(0);
    t.succeed('a');
    expect(t.waitMs('a', 0)).toBe(0);
    for (let i = 0; i <= FREE_FAILURES; i++) t.fail('c', 0);
    expect(t.fail('c', LOCK_BASE_MS + WINDOW_MS + 1)).toBe(0);
  });
});
