import { recordEvent, type EventHandler } from '@shop/messaging';
import { announceAfterCommit, lockedOrder, type HandlerContext } from './context.js';

/** Captured: PENDING → PAID, and the product subgraph is asked (order.paid) to commit the reserved stock. */
export const paymentSucceeded =
  (context: HandlerContext): EventHandler<'payment.succeeded'> =>
  async (event, em, log) => {
    const order = await lockedOrder(em, event.data.orderId, event.type);
    if (order.status !== 'PENDING') {
      // Cancelled or expired first: the payment worker refunds a captured payment when it sees order.cancelled.
      log.info({ orderId: order.id, status: order.status }, 'payment for an order that moved on; ignored');
      return;
    }
    em.persist(order.transition('PAID'));
    recordEvent(em, 'order.paid', { orderId: order.id, userId: order.userId }, event.correlationId);
    await em.flush();
    return announceAfterCommit(context, order, log);
  };
