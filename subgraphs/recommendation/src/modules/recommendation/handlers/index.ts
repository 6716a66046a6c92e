import { consumerHandlers } from '@shop/messaging';
import { orderConfirmed } from './order-confirmed.handler.js';

/** Everything the recommendation subgraph does when another service reports: one handler per event, one file each. */
export const recommendationHandlers = () => consumerHandlers('recommendation', { 'order.confirmed': orderConfirmed });
