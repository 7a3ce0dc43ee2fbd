import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { Cores } from '../cores.js';
import type { HttpClient } from '../fetch/http.js';
import type { HostPacer } from '../fetch/pacing.js';
import type { RobotsPolicy } from '../fetch/robots.js';
import type { Mailer } from '../deliver/email-transport.js';
import type { AlertStore } from '../store/alert-store.js';
import type { Store } from '../store/store.js';
import type { StoryStore } from '../store/story-store.js';
import type { RateLimiter } from '../subscribers/rate-limit.js';
import type { SubscriberRegistry } from '../subscribers/registry.js';

/** What a stage handler may use: the store, the validated config, compiled cores, the web, a logger. */
export interface StageDeps {
  store: Store;
  config: Config;
  cores: Cores;
  http: HttpClient;
  robots: RobotsPolicy;
  pacer: HostPacer;
  alerts: AlertStore;
  stories: StoryStore;
  subscribers: SubscriberRegistry;
  rateLimiter: RateLimiter;
  /** The SMTP transport, created on first use; null when no SMTP server is configured. */
  mailer: () => Mailer | null;
  /** Signs one-click unsubscribe links (created in Redis on first use). */
  unsubscribeKey: () => Promise<Buffer>;
  log: Logger;
}
