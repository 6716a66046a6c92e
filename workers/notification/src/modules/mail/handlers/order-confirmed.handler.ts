import type { EventHandler } from '@shop/messaging';
import { receipt } from '../templates.js';
import { queueMail, recipientOf } from './mail-queue.js';

/** The order is confirmed: its owner gets a receipt. */
export const orderConfirmed: EventHandler<'order.confirmed'> = async (event, em) => {
  const recipient = await recipientOf(em, event.data.userId);
  await queueMail(em, event, 'receipt', recipient.email, receipt(recipient.name, event.data));
};
