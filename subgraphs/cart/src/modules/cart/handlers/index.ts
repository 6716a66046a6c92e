import { consumerHandlers } from '@shop/messaging';
import { orderPlaced } from './order-placed.handler.js';
import { productPriceChanged } from './product-price-changed.handler.js';

export interface HandlerContext {
  /** Wakes the outbox relay once events recorded by a handler have committed. */
  nudge: () => void;
}

/** Everything the cart subgraph does when another service reports: one handler per event, one file each. */
export const cartHandlers = (context: HandlerContext) =>
  consumerHandlers('cart', {
    'order.placed': orderPlaced,
    'product.price_changed': productPriceChanged(context),
  });
