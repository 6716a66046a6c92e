import { recordEvent, type EventHandler } from '@shop/messaging';
import { afterCommit, stockIn, type HandlerContext } from './context.js';

/**
 * The order is paid: its held units are sold, and the order subgraph is told which way it went (stock.committed,
 * or stock.commit_failed when the hold had lapsed and the units went back on sale, so the order is refunded).
 */
export const orderPaid =
  (context: HandlerContext): EventHandler<'order.paid'> =>
  async (event, em, log) => {
    const stock = stockIn(context, em);
    const { orderId } = event.data;
    const outcome = await stock.commit(orderId);
    if (outcome === 'committed') {
      recordEvent(em, 'stock.committed', { orderId }, event.correlationId);
    } else {
      log.warn({ orderId, outcome }, 'paid order has no held stock to commit');
      recordEvent(em, 'stock.commit_failed', { orderId, reason: outcome }, event.correlationId);
    }
    await em.flush();
    return afterCommit(context, stock);
  };
