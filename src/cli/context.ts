import type { Logger } from '../log.js';

// What every command's module needs from the CLI, apart from the parser in main.ts: the commands import
// this, main.ts imports the commands lazily, and nothing imports main.ts back.

export interface CommandContext {
  args: string[];
  log: Logger;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** What a command that writes no log gets (`marsad analyze`): it spares loading the logger. */
export type PlainContext = Omit<CommandContext, 'log'>;

export class UsageError extends Error {
  override name = 'UsageError';
}
