import { pino, type Logger } from 'pino';

/** JSON logs on stderr (synchronous, so nothing is lost at exit); stdout stays for command output (`--json`). */
export function createLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  return pino(
    {
      name: 'marsad',
      level: env.MARSAD_LOG_LEVEL ?? env.LOG_LEVEL ?? 'info',
      redact: { paths: ['*.secret', '*.password', '*.token', 'secret', 'password', 'token'], censor: '***' },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

export type { Logger };
