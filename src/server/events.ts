import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Alert } from '../alerts/model.js';
import type { App } from '../app.js';
import { STAGES, type Stage } from '../queues/names.js';
import { connect } from '../redis/connection.js';

/**
 * One Server-Sent Event: `counts` ({stage, counts}), `alert` ({id, html, html_ar}: the row in each interface
 * language) or `changed` ({section}: a table of the dashboard changed; the page fetches it again).
 */
export interface DashboardEvent {
  event: 'counts' | 'alert' | 'changed';
  data: unknown;
}

type Listener = (e: DashboardEvent) => void;

/** Job events come in bursts (a seed run completes dozens a second): one count query per stage per this. */
const COUNTS_DEBOUNCE_MS = 250;
/** XREAD BLOCK timeout: how long a stopped reader can take to notice, at most. */
const ALERT_BLOCK_MS = 5000;
/** A comment line this often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 25_000;

/**
 * Follows BullMQ's queue events and marsad's alert stream for the dashboard's browsers. Started by the
 * first browser, stopped when the server closes; one set of Redis connections however many browsers.
 */
export class EventHub {
  private readonly listeners = new Set<Listener>();
  private starting: Promise<void> | null = null;
  private stopped = false;
  private queueChanges: { close(): Promise<void> } | null = null;
  private alertConnection: Redis | null = null;
  private readonly timers = new Map<Stage, NodeJS.Timeout>();

  constructor(
    private readonly app: App,
    private readonly renderAlert: (alert: Alert, lang: 'en' | 'ar') => string,
  ) {}

  /** Whether any browser is following: watchers skip their work when none is. */
  get listening(): boolean {
    return this.listeners.size > 0;
  }

  /** Sends an event to every browser (the section watcher's `changed`). */
  publish(e: DashboardEvent): void {
    this.emit(e);
  }

  /** Adds a listener once the sources are followed (so nothing after this call is missed); returns its removal. */
  async subscribe(listener: Listener): Promise<() => void> {
    // A failed start (Redis away) is tried again by the next browser.
    this.starting ??= this.start().catch((err: unknown) => {
      this.starting = null;
      throw err;
    });
    await this.starting;
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: DashboardEvent): void {
    for (const l of this.listeners) l(e);
  }

  private async start(): Promise<void> {
    this.queueChanges = await this.app.queues.watchChanges(STAGES, (stage) => this.countsChanged(stage));
    const key = this.app.alerts.streamKey;
    const conn = connect(this.app.endpoint.url, 'worker');
    conn.on('error', (err) => this.app.log.warn({ err: err.message }, 'dashboard alert stream connection error'));
    this.alertConnection = conn;
    // Start after the newest entry now, so that a reconnect in the loop cannot skip or repeat alerts.
    const newest = await conn.xrevrange(key, '+', '-', 'COUNT', 1);
    void this.followAlerts(conn, key, newest[0]?.[0] ?? '0-0');
  }

  private countsChanged(stage: Stage): void {
    if (this.timers.has(stage) || this.stopped) return;
    this.timers.set(
      stage,
      setTimeout(() => {
        this.timers.delete(stage);
        this.app.queues
          .jobCounts(stage)
          .then((counts) => this.emit({ event: 'counts', data: { stage, counts } }))
          .catch((err: Error) => this.app.log.warn({ err: err.message, stage }, 'dashboard could not read queue counts'));
      }, COUNTS_DEBOUNCE_MS),
    );
  }

  private async followAlerts(conn: Redis, key: string, from: string): Promise<void> {
    let last = from;
    while (!this.stopped) {
      try {
        const res = await conn.xread('BLOCK', ALERT_BLOCK_MS, 'STREAMS', key, last);
        if (!res) continue;
        const ids: string[] = [];
        for (const [, entries] of res) {
          for (const [entryId, fields] of entries) {
            last = entryId;
            const at = fields.indexOf('alert');
            if (at >= 0 && fields[at + 1]) ids.push(fields[at + 1]!);
          }
        }
        for (const alert of await this.app.alerts.getAlerts(ids)) this.emit({ event: 'alert', data: { id: alert.id, html: this.renderAlert(alert, 'en'), html_ar: this.renderAlert(alert, 'ar') } });
      } catch (err) {
        if (this.stopped) return;
        this.app.log.warn({ err: (err as Error).message }, 'dashboard alert stream read failed; retrying');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.listeners.clear();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await this.starting?.catch(() => {});
    // disconnect() ends a pending XREAD BLOCK at once (quit would wait for it).
    this.alertConnection?.disconnect();
    await this.queueChanges?.close();
  }
}

/** `GET /events`: the hub's events as text/event-stream, until the browser goes away or the server closes. */
export function registerEvents(server: FastifyInstance, hub: EventHub): void {
  const open = new Set<() => void>();

  server.get('/events', async (_request, reply) => {
    let unsubscribe: (() => void) | null = null;
    let heartbeat: NodeJS.Timeout | null = null;
    let closed = false;
    const end = () => {
      closed = true;
      unsubscribe?.();
      if (heartbeat) clearInterval(heartbeat);
      open.delete(end);
      if (!reply.raw.writableEnded) reply.raw.end();
    };
    // The response's 'close': the browser went away (or we ended the stream).
    reply.raw.on('close', end);
    // Subscribe before the headers: a browser that sees the stream open misses nothing after it.
    unsubscribe = await hub.subscribe((e) => reply.raw.write(`event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`));
    reply.hijack();
    if (closed) {
      end();
      return;
    }
    reply.raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    reply.raw.write('retry: 3000\n: connected\n\n');
    heartbeat = setInterval(() => reply.raw.write(': ping\n\n'), HEARTBEAT_MS);
    open.add(end);
  });

  // Open streams would keep server.close() waiting for ever: end them first, then stop following Redis.
  server.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });
  server.addHook('onClose', async () => {
    await hub.close();
  });
}
