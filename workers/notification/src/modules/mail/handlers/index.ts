import { consumerHandlers } from '@shop/messaging';
import { orderCancelled } from './order-cancelled.handler.js';
import { orderConfirmed } from './order-confirmed.handler.js';
import { userRegistered } from './user-registered.handler.js';

/** Every mail the notification worker sends, by the event that causes it: one handler per event, one file each. */
export const notificationHandlers = () =>
  consumerHandlers('notification', {
    'user.registered': userRegistered,
    'order.confirmed': orderConfirmed,
    'order.cancelled': orderCancelled,
  });
