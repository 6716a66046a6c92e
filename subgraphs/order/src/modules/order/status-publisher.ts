import { injectTraceContext, orderStatusChannel, type OrderStatusMessage } from '@shop/kit';
import type { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Logger } from 'pino';
import type { Order } from './order.entity.js';

/** Announcements that failed are tried again this often, the latest per order, until Redis takes them. */
const RETRY_MS = 1_000;
/** Orders whose announcement waits for a retry, at most; beyond, the oldest is left to the gateways' re-reads. */
const MAX_PENDING = 10_000;

/**
 * Announces committed status changes on the order's Redis channel. Redis pub/sub is at-most-once, so this is a
 * prompt, not the record: a subscriber that may have missed one re-reads the order (which holds `revision`). An
 * announcement Redis refused (it was away) is kept, the latest per order, and sent again every second until it is
 * taken, so a short outage delays the prompt instead of leaving it to the gateways' slow periodic re-read.
 */
export class StatusPublisher {
  private readonly pending = new Map<string, OrderStatusMessage>();
  private retryTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly pubsub: RedisPubSub,
    private readonly prefix: string,
    private readonly log: Logger,
    /** Called with each committed status (a placement's PENDING included), for the checkout funnel metric. */
    private readonly onAnnounced: (status: string) => void = () => undefined,
  ) {}

  channel(orderId: string): string {
    return orderStatusChannel(this.prefix, orderId);
  }

  /** Orders whose last announcement is waiting for Redis. */
  get waiting(): number {
    return this.pending.size;
  }

  async announce(orders: Order | Order[]): Promise<void> {
    for (const order of Array.isArray(orders) ? orders : [orders]) {
      const message: OrderStatusMessage = {
        orderId: order.id,
        status: order.status,
        revision: order.revision,
        at: order.updatedAt.toISOString(),
        ...injectTraceContext(),
      };
      this.onAnnounced(order.status);
      await this.send(message);
    }
  }

  /**
   * Stops retrying (at shutdown, before Redis is closed). What still waits is left to the gateways' re-reads; an
   * announcement in flight that fails after this schedules nothing.
   */
  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private async send(message: OrderStatusMessage): Promise<boolean> {
    try {
      await this.pubsub.publish(this.channel(message.orderId), message);
      // A later revision subsumes an older one waiting (the gateway reads every revision up to the announced one).
      const waiting = this.pending.get(message.orderId);
      if (waiting && waiting.revision <= message.revision) this.pending.delete(message.orderId);
      return true;
    } catch (error) {
      const waiting = this.pending.get(message.orderId);
      if (!waiting || waiting.revision <= message.revision) {
        if (!waiting) this.log.warn({ err: error, orderId: message.orderId }, 'status change not announced; retrying every second');
        this.pending.delete(message.orderId); // re-inserted last: the map stays oldest first
        this.pending.set(message.orderId, message);
        if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
      }
      if (!this.closed) this.retryTimer ??= setTimeout(() => void this.retry(), RETRY_MS).unref();
      return false;
    }
  }

  private async retry(): Promise<void> {
    this.retryTimer = undefined;
    for (const message of [...this.pending.values()]) {
      if (this.closed) return;
      if (this.pending.get(message.orderId) !== message) continue;
      if (!(await this.send(message))) return; // still away: `send` scheduled the next try
    }
  }
}
