import type { EventHandler } from '@shop/messaging';
import { priceDrop } from '../templates.js';
import { queueMail, recipientOf } from './mail-queue.js';

/**
 * Something in the user's cart got cheaper: one mail per (user, product, new price), however many events say so
 * (a redelivery, or the price going down, up and down to the same amount again). Only by mail, and only to users
 * who have not turned e-mail off.
 */
export const cartPriceDropped: EventHandler<'cart.price_dropped'> = async (event, em) => {
  const { userId, productId, newPriceCents, currency } = event.data;
  const recipient = await recipientOf(em, userId);
  if (!recipient.emailEnabled) return;
  const onceKey = `price_drop:${userId}:${productId}:${newPriceCents}:${currency}`;
  await queueMail(em, event, 'price_drop', recipient.email, priceDrop(recipient.name, event.data), onceKey);
};
