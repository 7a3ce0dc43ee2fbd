/** No Redis to talk to: the message names the ways to get one. Apart from connection.ts so the CLI can catch it without loading ioredis. */
export class NoRedisError extends Error {
  override name = 'NoRedisError';
}
