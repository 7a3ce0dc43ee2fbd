import type { Redis } from 'ioredis';
import type { Alert, Delivery } from '../alerts/model.js';
import { keys, type Keys } from './keys.js';

/** Alerts are followed on this stream by other consumers; it keeps about this many entries. */
const STREAM_LENGTH = 10_000;

/**
 * The alert, its place in the log and its stream entry, in one step: a crash between a SET and the
 * indexes would leave an alert that exists (so is never raised again) but is in no log. KEYS: alert,
 * log (sorted set), stream; ARGV: JSON, score, id, milestone id, article id, stream length.
 */
const PUT_ALERT_LUA = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], '*', 'alert', ARGV[3], 'milestone', ARGV[4], 'article', ARGV[5])
return 1
`;

interface PutAlertCommand {
  marsadPutAlert(alertKey: string, logKey: string, streamKey: string, json: string, score: number, id: string, milestone: string, article: string, maxlen: number): Promise<number>;
}

/** Alerts (log, newest first, and a stream for consumers) and delivery records. */
export class AlertStore {
  private readonly k: Keys;

  constructor(
    readonly redis: Redis,
    prefix: string,
  ) {
    this.k = keys(prefix);
    if (!('marsadPutAlert' in redis)) redis.defineCommand('marsadPutAlert', { numberOfKeys: 3, lua: PUT_ALERT_LUA });
  }

  /** Records an alert unless it exists (one per milestone and story); a new one goes on the log and the stream, atomically. */
  async putAlert(alert: Alert): Promise<boolean> {
    const created = await (this.redis as unknown as PutAlertCommand).marsadPutAlert(
      this.k.alert(alert.id),
      this.k.alerts,
      this.k.alertStream,
      JSON.stringify(alert),
      Date.parse(alert.createdAt),
      alert.id,
      alert.milestone.id,
      alert.article.id,
      STREAM_LENGTH,
    );
    return created === 1;
  }

  /**
   * The alert already raised for a milestone and stance by one of `articleIds` (a story's members), if
   * any: stories merge as reports arrive, so a story's id can change while its alert must not repeat.
   */
  async alertCovering(milestoneId: string, stance: string, articleIds: readonly string[]): Promise<string | null> {
    if (articleIds.length === 0) return null;
    const found = await this.redis.hmget(this.k.alertOf, ...articleIds.map((id) => `${milestoneId}|${stance}|${id}`));
    return found.filter((x): x is string => x !== null).sort()[0] ?? null;
  }

  /** Records that `alertId` covers the article's report on the milestone with that stance. */
  async markCovered(milestoneId: string, stance: string, articleId: string, alertId: string): Promise<void> {
    await this.redis.hset(this.k.alertOf, `${milestoneId}|${stance}|${articleId}`, alertId);
  }

  async getAlerts(ids: readonly string[]): Promise<Alert[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(...ids.map((id) => this.k.alert(id)));
    return raws.flatMap((raw) => (raw === null ? [] : [JSON.parse(raw) as Alert]));
  }

  async listAlertIds(limit: number): Promise<string[]> {
    return this.redis.zrevrange(this.k.alerts, 0, limit > 0 ? limit - 1 : -1);
  }

  async countAlerts(): Promise<number> {
    return this.redis.zcard(this.k.alerts);
  }

  /** The stream key, for consumers that follow alerts (XREAD). */
  get streamKey(): string {
    return this.k.alertStream;
  }

  /** Creates a delivery record unless it exists; returns whether it was new. */
  async createDelivery(delivery: Delivery): Promise<boolean> {
    if ((await this.redis.set(this.k.delivery(delivery.id), JSON.stringify(delivery), 'NX')) !== 'OK') return false;
    await this.redis.zadd(this.k.deliveries, Date.parse(delivery.createdAt), delivery.id);
    return true;
  }

  async getDelivery(id: string): Promise<Delivery | null> {
    const raw = await this.redis.get(this.k.delivery(id));
    return raw === null ? null : (JSON.parse(raw) as Delivery);
  }

  async getDeliveries(ids: readonly string[]): Promise<Delivery[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(...ids.map((id) => this.k.delivery(id)));
    return raws.flatMap((raw) => (raw === null ? [] : [JSON.parse(raw) as Delivery]));
  }

  /** Writes a delivery's new state; dead deliveries are also listed apart, for replay. */
  async updateDelivery(delivery: Delivery): Promise<void> {
    const tx = this.redis.multi().set(this.k.delivery(delivery.id), JSON.stringify(delivery));
    if (delivery.status === 'dead') tx.zadd(this.k.deadDeliveries, Date.parse(delivery.updatedAt), delivery.id);
    else tx.zrem(this.k.deadDeliveries, delivery.id);
    await tx.exec();
  }

  async listDeliveryIds(limit: number, only?: 'dead'): Promise<string[]> {
    return this.redis.zrevrange(only === 'dead' ? this.k.deadDeliveries : this.k.deliveries, 0, limit > 0 ? limit - 1 : -1);
  }

  async countDeliveries(only?: 'dead'): Promise<number> {
    return this.redis.zcard(only === 'dead' ? this.k.deadDeliveries : this.k.deliveries);
  }

  /** Delivery ids, newest first, from the `offset`-th on (for reading the log in pages). */
  async listDeliveryIdsFrom(offset: number, count: number): Promise<string[]> {
    return this.redis.zrevrange(this.k.deliveries, offset, offset + count - 1);
  }

  /**
   * Keeps an alert for a subscriber's next digest, scored by when it was routed (not when the alert was
   * raised): an alert routed just after a digest went out lands in the next window instead of falling
   * between two windows.
   */
  async addToDigest(subscriberId: string, alert: Alert, routedAt: number = Date.now()): Promise<void> {
    await this.redis.zadd(this.k.digestPending(subscriberId), routedAt, alert.id);
  }

  /** The end of the last digest window sent (or found empty) for a subscriber. */
  async lastDigestEnd(subscriberId: string): Promise<Date | null> {
    const raw = await this.redis.hget(this.k.digestLast, subscriberId);
    return raw === null ? null : new Date(Number(raw));
  }

  async setLastDigestEnd(subscriberId: string, to: Date): Promise<void> {
    await this.redis.hset(this.k.digestLast, subscriberId, String(to.getTime()));
  }

  /** The alerts waiting for a subscriber's digest, created in [from, to). */
  async digestAlertIds(subscriberId: string, from: Date, to: Date): Promise<string[]> {
    return this.redis.zrangebyscore(this.k.digestPending(subscriberId), from.getTime(), `(${to.getTime()}`);
  }
}
