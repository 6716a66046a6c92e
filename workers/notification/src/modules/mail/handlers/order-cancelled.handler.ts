import type { EventHandler } from '@shop/messaging';
import { cancellationText } from '../../sms/templates.js';
import { cancellation } from '../templates.js';
import { queueOrderNotice, recipientOf } from './mail-queue.js';

/** The order failed, expired or was cancelled: its owner is told why (and about a refund), by mail and SMS as they chose. */
export const orderCancelled: EventHandler<'order.cancelled'> = async (event, em) => {
  const recipient = await recipientOf(em, event.data.userId);
  await queueOrderNotice(em, event, recipient, 'cancellation', cancellation(recipient.name, event.data), cancellationText(event.data));
};
