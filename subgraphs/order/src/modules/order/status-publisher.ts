import { injectTraceContext, orderStatusChannel, type OrderStatusMessage } from '@shop/kit';
import type { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Logger } from 'pino';
import type { Order } from './order.entity.js';

/**
 * Announces committed status changes on the order's Redis channel. Redis pub/sub is at-most-once, so this is a
 * prompt, not the record: a subscriber that may have missed one re-reads the order (which holds `revision`).
 */
export class StatusPublisher {
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
      try {
        await this.pubsub.publish(this.channel(order.id), message);
      } catch (error) {
        this.log.warn({ err: error, orderId: order.id }, 'status change not announced; subscribers catch up by re-reading');
      }
    }
  }
}
