import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: the bad-day suite of issue #12 (docs/RELIABILITY.md lists each case, its outcome and
 * its test). tests/faults/ holds the cases that need faults of their own (Redis killed, down, emptied or full;
 * SSRF with a canary; the dashboard's CSRF and login throttling); the cases already covered where their
 * code is tested are run from there rather than copied. Every Redis a test breaks is a private redis-server.
 */
export const FAULT_CASES_ELSEWHERE = [
  'tests/integration/alerts-crash.test.ts', // a deliver worker kill -9'd mid-delivery
  'tests/integration/shutdown.test.ts', // SIGTERM, a second signal, a frozen Redis
  'tests/integration/out-of-memory.test.ts', // Redis at maxmemory: read-only commands, one-line refusals
  'tests/integration/fetch-http.test.ts', // oversized and dripping bodies, gzip bombs, redirect loops
  'tests/integration/fetch-robots.test.ts', // robots.txt answers and failures
  'tests/integration/email-send.test.ts', // SMTP faults, header injection
  'tests/integration/webhook-send.test.ts', // receivers that fail, hang, stall or redirect
  'tests/integration/bad-day.test.ts', // alias bombs, feeds: [], binary files, bull-board's log, framing
  'tests/integration/bad-input.test.ts', // broken configuration and documents
  'tests/integration/deliveries-permanent.test.ts', // deliveries that cannot succeed, atomic alert log
  'tests/integration/url-secrets.test.ts', // credentials in webhook URLs
  'tests/integration/poll-subscribers.test.ts', // poll --once routes its alerts
  'tests/unit/feeds-parse.test.ts', // XML bombs, XXE, a 50,000-item feed
  'tests/unit/charset.test.ts', // windows-1256 and other charsets
  'tests/unit/fetch-address-guard.test.ts', // the SSRF address table
];

export default defineConfig({
  test: {
    include: ['tests/faults/**/*.test.ts', ...FAULT_CASES_ELSEWHERE],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
