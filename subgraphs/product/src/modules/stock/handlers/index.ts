import { consumerHandlers } from '@shop/messaging';
import { checkoutAbandoned } from './checkout-abandoned.handler.js';
import type { HandlerContext } from './context.js';
import { orderCancelled } from './order-cancelled.handler.js';
import { orderPaid } from './order-paid.handler.js';

export type { HandlerContext } from './context.js';

/** Everything the product subgraph does when an order moves: one handler per event, one file each. */
export const productHandlers = (context: HandlerContext) =>
  consumerHandlers('product', {
    'order.paid': orderPaid(context),
    'order.cancelled': orderCancelled(context),
    'checkout.abandoned': checkoutAbandoned(context),
  });
