import { recordEvent, type EventHandler } from '@shop/messaging';
import { announceAfterCommit, lockedOrder, type HandlerContext } from './context.js';

/**
 * Paid, but the units were no longer held (the reservation lapsed while the system was degraded): the order
 * cannot be filled, so PAID → CANCELLED and the payment worker refunds it (order.cancelled, refunded).
 */
export const stockCommitFailed =
  (context: HandlerContext): EventHandler<'stock.commit_failed'> =>
  async (event, em, log) => {
    const order = await lockedOrder(em, event.data.orderId, event.type);
    if (order.status !== 'PAID') {
      log.info({ orderId: order.id, status: order.status }, 'stock commit failed for an order that is not PAID; nothing to do');
      return;
    }
    log.warn({ orderId: order.id, reason: event.data.reason }, 'paid order could not be filled; refunding');
    em.persist(order.transition('CANCELLED', 'The reserved stock was no longer held when the payment was confirmed'));
    order.refunded = true;
    recordEvent(
      em,
      'order.cancelled',
      { orderId: order.id, userId: order.userId, reason: 'expired', detail: 'reservation lapsed', refunded: true },
      event.correlationId,
    );
    await em.flush();
    return announceAfterCommit(context, order, log);
  };
