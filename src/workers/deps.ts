import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { Cores } from '../cores.js';
import type { HttpClient } from '../fetch/http.js';
import type { HostPacer } from '../fetch/pacing.js';
import type { RobotsPolicy } from '../fetch/robots.js';
import type { Store } from '../store/store.js';

/** What a stage handler may use: the store, the validated config, compiled cores, the web, a logger. */
export interface StageDeps {
  store: Store;
  config: Config;
  cores: Cores;
  http: HttpClient;
  robots: RobotsPolicy;
  pacer: HostPacer;
  log: Logger;
}
