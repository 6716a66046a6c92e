import { consumerHandlers } from '@shop/messaging';
import { orderPlaced } from './order-placed.handler.js';

/** Everything the cart subgraph does when another service reports: one handler per event, one file each. */
export const cartHandlers = () => consumerHandlers('cart', { 'order.placed': orderPlaced });
