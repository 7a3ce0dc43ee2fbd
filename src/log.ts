import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';

const require = createRequire(import.meta.url);

/**
 * Logs on stderr (synchronous, so nothing is lost at exit); stdout stays for command output
 * (`--json`). JSON lines in production and pipes, readable lines in a terminal
 * (MARSAD_LOG_FORMAT=json|pretty decides otherwise).
 */
export function createLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  const options = {
    name: 'marsad',
    level: env.MARSAD_LOG_LEVEL ?? env.LOG_LEVEL ?? 'info',
    redact: { paths: ['*.secret', '*.password', '*.token', 'secret', 'password', 'token'], censor: '***' },
  };
  const format = env.MARSAD_LOG_FORMAT ?? (process.stderr.isTTY && env.NODE_ENV !== 'production' ? 'pretty' : 'json');
  if (format === 'pretty') {
    // Loaded only for this format, and synchronously so that createLogger stays so: JSON logs never pay for it.
    const pretty = require('pino-pretty') as typeof PinoPretty;
    return pino(options, pretty({ destination: 2, sync: true, colorize: true, ignore: 'pid,hostname' }));
  }
  return pino(options, pino.destination({ fd: 2, sync: true }));
}

export type { Logger };
