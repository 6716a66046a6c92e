import { LockMode } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { AfterCommit } from '@shop/messaging';
import type { Logger } from 'pino';
import { Order } from '../order.entity.js';
import type { StatusPublisher } from '../status-publisher.js';

export interface HandlerContext {
  publisher: StatusPublisher;
  /** Wakes the outbox relay once an event written by a handler has committed. */
  nudge: () => void;
}

/**
 * The order, locked for the rest of the inbox transaction, so a handler cannot interleave with a cancellation,
 * the expiry or another handler. Every event the order consumer gets is about an order this service stored
 * before publishing anything about it, so a missing one is a real fault (retried, then dead-lettered).
 */
export async function lockedOrder(em: SqlEntityManager, orderId: string, eventType: string): Promise<Order> {
  const order = await em.findOne(Order, { id: orderId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!order) throw new Error(`${eventType} for unknown order ${orderId}`);
  return order;
}

/** After the commit: the subscribers hear of the change and the relay publishes what the handler recorded. */
export function announceAfterCommit(context: HandlerContext, order: Order, log: Logger): AfterCommit {
  log.info({ orderId: order.id, status: order.status }, 'order status changed');
  return async () => {
    context.nudge();
    await context.publisher.announce(order);
  };
}
