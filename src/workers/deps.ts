import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { Store } from '../store/store.js';
import type { Cores } from '../cores.js';

/** What a stage handler may use: the store, the validated config, compiled cores and a logger. */
export interface StageDeps {
  store: Store;
  config: Config;
  cores: Cores;
  log: Logger;
}
