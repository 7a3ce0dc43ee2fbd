/** No Redis to talk to: the message names the ways to get one. Apart from connection.ts so the CLI can catch it without loading ioredis. */
export class NoRedisError extends Error {
  override name = 'NoRedisError';
}

/**
 * Whether an error is Redis refusing a write for lack of memory (maxmemory with noeviction): "OOM command
 * not allowed …", also when BullMQ or a script wraps it in a message of its own.
 */
export function isRedisOutOfMemory(err: unknown): boolean {
  const message = (err as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' && message.includes('OOM command not allowed');
}

/** The URL with its credentials hidden, for messages and status (up to the last "@": a password may hold "/" or "@"). */
export function maskUrl(url: string): string {
  return url.replace(/\/\/.*@/, '//***@');
}
