import type { EventHandler } from '@shop/messaging';
import { lowStock } from '../templates.js';
import { queueMail, recipientOf } from './mail-queue.js';

/** A seller's product runs low: one mail to the seller (the product subgraph sends one such event per time it runs low). */
export const productLowStock: EventHandler<'product.low_stock'> = async (event, em) => {
  const seller = await recipientOf(em, event.data.sellerId);
  if (!seller.emailEnabled) return;
  await queueMail(em, event, 'low_stock', seller.email, lowStock(seller.name, event.data));
};
