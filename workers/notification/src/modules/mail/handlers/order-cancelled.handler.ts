import type { EventHandler } from '@shop/messaging';
import { cancellation } from '../templates.js';
import { queueMail, recipientOf } from './mail-queue.js';

/** The order failed, expired or was cancelled: its owner is told why (and about a refund). */
export const orderCancelled: EventHandler<'order.cancelled'> = async (event, em) => {
  const recipient = await recipientOf(em, event.data.userId);
  await queueMail(em, event, 'cancellation', recipient.email, cancellation(recipient.name, event.data));
};
