import type { EventHandler } from '@shop/messaging';
import { afterCommit, stockIn, type HandlerContext } from './context.js';

/**
 * The order failed, expired or was cancelled: its units go back on sale. Held ones always; committed ones too,
 * which happens when the owner cancelled a paid order just as its stock was being committed (the order stays
 * CANCELLED and is refunded, so the units were never sold). A CONFIRMED order cannot be cancelled.
 */
export const orderCancelled =
  (context: HandlerContext): EventHandler<'order.cancelled'> =>
  async (event, em, log) => {
    const stock = stockIn(context, em);
    const changed = await stock.giveBack(event.data.orderId, ['held', 'committed']);
    if (changed.length) log.info({ orderId: event.data.orderId, products: changed.length, reason: event.data.reason }, 'stock released');
    return afterCommit(context, stock, changed);
  };
