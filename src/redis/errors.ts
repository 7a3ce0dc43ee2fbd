/** No Redis to talk to: the message names the ways to get one. Apart from connection.ts so the CLI can catch it without loading ioredis. */
export class NoRedisError extends Error {
  override name = 'NoRedisError';
}

/** The URL with its credentials hidden, for messages and status (up to the last "@": a password may hold "/" or "@"). */
export function maskUrl(url: string): string {
  return url.replace(/\/\/.*@/, '//***@');
}
