/**
 * Webhook URLs often carry credentials: `https://user:pass@host/…` or `?token=…`. Anything that shows a
 * URL (the API, the CLI, delivery errors, logs) shows it through maskUrlSecrets.
 */

/** Query parameters whose value is a secret by their name (compared lower-case, `-` read as `_`). */
const SECRET_NAMES = new Set(['token', 'key', 'secret', 'sig', 'signature', 'password', 'passwd', 'pass', 'auth', 'access_token', 'api_key', 'apikey', 'client_secret']);
/** …or by the end of their name: `x_api_key`, `hook_token`, `webhook_secret`, `auth_sig`. */
const SECRET_SUFFIX = /(?:^|_)(?:token|key|secret|sig|signature|password|auth)$/;
/** A value that looks like a key whatever its name: 16 characters or more of base64, base64url or hex. */
const KEY_LIKE = /^[A-Za-z0-9+/_=-]{16,}$/;

export const MASK = '***';

function secretName(name: string): boolean {
  const n = name.toLowerCase().replace(/-/g, '_');
  return SECRET_NAMES.has(n) || SECRET_SUFFIX.test(n);
}

/** `https://***@host/path?token=***&lang=ar`: userinfo and secret-looking query values masked. */
export function maskUrlSecrets(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL: mask what looks like userinfo, and leave the rest.
    return url.replace(/\/\/[^@/?#]*@/, `//${MASK}@`);
  }
  const userinfo = parsed.username !== '' || parsed.password !== '';
  let query = '';
  if (parsed.search.length > 1) {
    // Rebuilt by hand, not with URLSearchParams: that would re-encode what it does not mask.
    query =
      '?' +
      parsed.search
        .slice(1)
        .split('&')
        .map((pair) => {
          const eq = pair.indexOf('=');
          if (eq < 0) return pair;
          const name = pair.slice(0, eq);
          let value = pair.slice(eq + 1);
          try {
            value = decodeURIComponent(value.replace(/\+/g, ' '));
          } catch {
            // keep the raw value
          }
          let decodedName = name;
          try {
            decodedName = decodeURIComponent(name);
          } catch {
            // keep the raw name
          }
          return secretName(decodedName) || KEY_LIKE.test(value) ? `${name}=${MASK}` : pair;
        })
        .join('&');
  }
  return `${parsed.protocol}//${userinfo ? `${MASK}@` : ''}${parsed.host}${parsed.pathname}${query}${parsed.hash}`;
}

/** The userinfo of a URL as an HTTP Basic `authorization` header value, or null when it has none. */
export function basicAuthOf(url: URL): string | null {
  if (url.username === '' && url.password === '') return null;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return `Basic ${Buffer.from(`${decode(url.username)}:${decode(url.password)}`, 'utf8').toString('base64')}`;
}
