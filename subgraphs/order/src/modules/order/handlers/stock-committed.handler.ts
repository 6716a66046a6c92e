import { recordEvent, type EventHandler } from '@shop/messaging';
import { OrderItem, Sale } from '../order.entity.js';
import { announceAfterCommit, lockedOrder, type HandlerContext } from './context.js';

/** The paid order's units are sold: PAID → CONFIRMED, announced as order.confirmed with what was bought. */
export const stockCommitted =
  (context: HandlerContext): EventHandler<'stock.committed'> =>
  async (event, em, log) => {
    const order = await lockedOrder(em, event.data.orderId, event.type);
    if (order.status !== 'PAID') {
      // CONFIRMED: a repeated answer. CANCELLED: the owner cancelled in between; the product subgraph puts the
      // committed units back when it sees that order.cancelled, and the payment worker refunds.
      log.info({ orderId: order.id, status: order.status }, 'stock committed for an order that is not PAID; nothing to do');
      return;
    }
    const change = order.transition('CONFIRMED');
    em.persist(change);
    const items = await em.find(OrderItem, { orderId: order.id }, { orderBy: { position: 'asc' } });
    // Each seller's lines become its sales, with the order: CONFIRMED is final, so a sale is never taken back.
    for (const item of items) {
      if (!item.sellerId) continue;
      const { productId, sellerId, name, unitPriceCents, quantity } = item;
      em.persist(
        em.create(Sale, {
          orderId: order.id,
          productId,
          sellerId,
          name,
          unitPriceCents,
          quantity,
          currency: order.currency,
          soldAt: change.at,
        }),
      );
    }
    recordEvent(
      em,
      'order.confirmed',
      {
        orderId: order.id,
        userId: order.userId,
        totalCents: order.totalCents,
        currency: order.currency,
        items: items.map(({ productId, name, quantity, unitPriceCents, sellerId }) => ({
          productId,
          name,
          quantity,
          unitPriceCents,
          sellerId,
        })),
      },
      event.correlationId,
    );
    await em.flush();
    return announceAfterCommit(context, order, log);
  };
