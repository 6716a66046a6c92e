import { LockMode } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { recordEvent, type AfterCommit, type ParsedEvent } from '@shop/messaging';
import type { Logger } from 'pino';
import { Order } from './order.entity.js';
import type { StatusPublisher } from './status-publisher.js';

/**
 * Applies the payment worker's verdict inside the consumer's inbox transaction, with the order row locked, so
 * it cannot interleave with a cancellation or the expiry. Announcing waits for the commit.
 */
export async function handlePaymentEvent(
  event: ParsedEvent,
  em: SqlEntityManager,
  log: Logger,
  publisher: StatusPublisher,
  nudge: () => void,
): Promise<void | AfterCommit> {
  if (event.type !== 'payment.succeeded' && event.type !== 'payment.failed') return;
  const { orderId } = event.data;
  const order = await em.findOne(Order, { id: orderId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  // order.placed is only published after the order commits, so a payment for an unknown order is a real fault.
  if (!order) throw new Error(`payment for unknown order ${orderId}`);
  if (order.status !== 'PENDING') {
    // Cancelled or expired first: the payment worker refunds a captured payment when it sees order.cancelled.
    log.info({ orderId, status: order.status, event: event.type }, 'payment outcome for an order that moved on; ignored');
    return;
  }
  if (event.type === 'payment.succeeded') {
    em.persist(order.transition('PAID'));
  } else {
    em.persist(order.transition('PAYMENT_FAILED', event.data.reason));
    recordEvent(
      em,
      'order.cancelled',
      { orderId, userId: order.userId, reason: 'payment_failed', detail: event.data.reason },
      event.correlationId,
    );
  }
  await em.flush();
  log.info({ orderId, status: order.status }, 'order status changed');
  return async () => {
    await publisher.announce(order);
    nudge();
  };
}
