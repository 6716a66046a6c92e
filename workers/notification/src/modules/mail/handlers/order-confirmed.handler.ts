import type { EventHandler } from '@shop/messaging';
import { receiptText } from '../../sms/templates.js';
import { receipt } from '../templates.js';
import { queueOrderNotice, recipientOf } from './mail-queue.js';

/** The order is confirmed: its owner gets a receipt (by mail, and by SMS if they opted in). */
export const orderConfirmed: EventHandler<'order.confirmed'> = async (event, em) => {
  const recipient = await recipientOf(em, event.data.userId);
  await queueOrderNotice(em, event, recipient, 'receipt', receipt(recipient.name, event.data), receiptText(event.data));
};
