import { recordEvent, type EventHandler } from '@shop/messaging';
import type { HandlerContext } from './index.js';

/**
 * A product got cheaper: every cart holding it for more than the new price hears of the drop, one `cart.price_dropped`
 * per line, in this inbox transaction (a redelivery finds the inbox row and records nothing). A rise says nothing,
 * even to a line still priced above it.
 */
export const productPriceChanged =
  (context: HandlerContext): EventHandler<'product.price_changed'> =>
  async (event, em, log) => {
    const { productId, oldPriceCents, newPriceCents, currency, name } = event.data;
    if (newPriceCents >= oldPriceCents) return;
    const lines: Array<{ user_id: string; price_when_added_cents: number }> = await em.execute(
      `select user_id, price_when_added_cents from cart_lines
       where product_id = ? and currency = ? and price_when_added_cents > ?`,
      [productId, currency, newPriceCents],
    );
    if (!lines.length) return;
    for (const line of lines) {
      recordEvent(
        em,
        'cart.price_dropped',
        {
          userId: line.user_id,
          productId,
          oldPriceCents: line.price_when_added_cents,
          newPriceCents,
          currency,
          ...(name ? { productName: name } : {}),
        },
        event.correlationId,
      );
    }
    await em.flush();
    log.info({ productId, carts: lines.length, newPriceCents }, 'price drop announced to the carts holding the product');
    return context.nudge;
  };
