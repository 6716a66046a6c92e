import { recordEvent, type EventHandler } from '@shop/messaging';
import { announceAfterCommit, lockedOrder, type HandlerContext } from './context.js';

/** Declined: PENDING → PAYMENT_FAILED; order.cancelled lets the product subgraph release the reservation. */
export const paymentFailed =
  (context: HandlerContext): EventHandler<'payment.failed'> =>
  async (event, em, log) => {
    const order = await lockedOrder(em, event.data.orderId, event.type);
    if (order.status !== 'PENDING') {
      log.info({ orderId: order.id, status: order.status }, 'payment failure for an order that moved on; ignored');
      return;
    }
    em.persist(order.transition('PAYMENT_FAILED', event.data.reason));
    recordEvent(
      em,
      'order.cancelled',
      { orderId: order.id, userId: order.userId, reason: 'payment_failed', detail: event.data.reason },
      event.correlationId,
    );
    await em.flush();
    return announceAfterCommit(context, order, log);
  };
