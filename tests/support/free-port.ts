// A free TCP port on loopback, for a server a test or bench starts itself. Free of vitest, so that benches use it too.
import { createServer } from 'node:net';

/** A TCP port on loopback that nothing listens on (at the time of asking). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
