/** Why a fetch failed: a short code, stable enough to log, count and test on. */
export type FetchErrorReason =
  | 'blocked-address'
  | 'bad-scheme'
  | 'invalid-url'
  | 'too-large'
  | 'timeout'
  | 'connect-timeout'
  | 'dns'
  | 'connection'
  | 'too-many-redirects'
  | 'redirect-loop'
  | 'http-status'
  | 'unsupported-content';

export type FetchErrorKind = 'permanent' | 'transient';

const TRANSIENT_REASONS: ReadonlySet<FetchErrorReason> = new Set(['timeout', 'connect-timeout', 'dns', 'connection']);

/** 408 and 429 say "not now", 5xx "not working now"; every other status says the same thing tomorrow. */
function statusKind(status: number): FetchErrorKind {
  return status >= 500 || status === 408 || status === 429 ? 'transient' : 'permanent';
}

export class FetchError extends Error {
  override name = 'FetchError';
  readonly kind: FetchErrorKind;
  readonly reason: FetchErrorReason;
  /** The URL that failed: the requested one, or the redirect target that did. */
  readonly url: string;
  readonly status?: number;
  /** From Retry-After on 429/503: how long the server asked us to stay away. */
  readonly retryAfterMs?: number;

  constructor(
    reason: FetchErrorReason,
    url: string,
    message: string,
    extra: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.reason = reason;
    this.url = url;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs;
    this.kind =
      reason === 'http-status' && extra.status !== undefined
        ? statusKind(extra.status)
        : TRANSIENT_REASONS.has(reason)
          ? 'transient'
          : 'permanent';
  }
}

/** True when retrying cannot help; anything that is not a FetchError is an unknown and worth a retry. */
export function isPermanent(err: unknown): boolean {
  return err instanceof FetchError && err.kind === 'permanent';
}

/** Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), in ms from `now`; undefined when unparseable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Date.parse also takes ISO strings and bare numbers; all three HTTP-date forms start with the weekday.
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
