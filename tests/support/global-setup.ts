import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string | null;
    redisProblem: string | null;
  }
}

/**
 * Integration tests get Redis from REDIS_URL; else from a testcontainers Redis when a Docker engine
 * answers; else they fail with how to provide one. Unit tests need neither.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    project.provide('redisProblem', null);
    return async () => {};
  }
  try {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer('redis:7-alpine')
      .withExposedPorts(6379)
      .withCommand(['redis-server', '--maxmemory-policy', 'noeviction'])
      .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
      .start();
    project.provide('redisUrl', `redis://${container.getHost()}:${container.getMappedPort(6379)}`);
    project.provide('redisProblem', null);
    return async () => {
      await container.stop();
    };
  } catch (err) {
    project.provide('redisUrl', null);
    project.provide(
      'redisProblem',
      `Integration tests need Redis 7 and none was available.\n` +
        `  - set REDIS_URL (e.g. REDIS_URL=redis://127.0.0.1:6379; tests use their own key prefix and never flush it), or\n` +
        `  - run a Docker engine so that testcontainers can start redis:7-alpine.\n` +
        `testcontainers said: ${(err as Error).message.split('\n')[0]}`,
    );
    return async () => {};
  }
}
