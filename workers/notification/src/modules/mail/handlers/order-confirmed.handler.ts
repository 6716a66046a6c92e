import type { EventHandler } from '@shop/messaging';
import { receiptText } from '../../sms/templates.js';
import { newSale, receipt } from '../templates.js';
import { queueMail, queueOrderNotice, recipientOf } from './mail-queue.js';

/**
 * The order is confirmed: its owner gets a receipt (by mail, and by SMS if they opted in), and each seller with
 * lines in it one "new sale" mail listing only those lines.
 */
export const orderConfirmed: EventHandler<'order.confirmed'> = async (event, em) => {
  const recipient = await recipientOf(em, event.data.userId);
  await queueOrderNotice(em, event, recipient, 'receipt', receipt(recipient.name, event.data), receiptText(event.data));
  const bySeller = new Map<string, typeof event.data.items>();
  for (const item of event.data.items) {
    if (!item.sellerId) continue;
    const lines = bySeller.get(item.sellerId) ?? [];
    lines.push(item);
    bySeller.set(item.sellerId, lines);
  }
  for (const [sellerId, lines] of bySeller) {
    const seller = await recipientOf(em, sellerId);
    if (!seller.emailEnabled) continue;
    await queueMail(
      em,
      event,
      'new_sale',
      seller.email,
      newSale(seller.name, event.data, lines),
      `new_sale:${event.data.orderId}:${sellerId}`,
    );
  }
};
