import type { EventHandler } from '@shop/messaging';
import { afterCommit, stockIn, type HandlerContext } from './context.js';

/** A checkout that never became an order: whatever it holds goes back on sale (nothing of it was ever sold). */
export const checkoutAbandoned =
  (context: HandlerContext): EventHandler<'checkout.abandoned'> =>
  async (event, em, log) => {
    const stock = stockIn(context, em);
    const changed = await stock.giveBack(event.data.orderId, ['held']);
    log.info({ orderId: event.data.orderId, products: changed.length }, 'abandoned checkout released');
    return afterCommit(context, stock, changed);
  };
