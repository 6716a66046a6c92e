import type { EventHandler } from '@shop/messaging';
import { RecommendationRepository } from '../recommendation.repository.js';

/**
 * A confirmed order counts: its products become purchases (best sellers, the buyer's history) and every pair of
 * them one more co-purchase. Only order.confirmed is consumed because CONFIRMED is final: an order cancelled before
 * it never sends one, and nothing cancels it after.
 */
export const orderConfirmed: EventHandler<'order.confirmed'> = async (event, em, log) => {
  const { orderId, userId, items } = event.data;
  const quantities = new Map<string, number>();
  // A product may sit on more than one line of an order; it is one purchase.
  for (const line of items) quantities.set(line.productId, (quantities.get(line.productId) ?? 0) + line.quantity);
  const recorded = await new RecommendationRepository(em).recordOrder({
    orderId,
    userId,
    confirmedAt: new Date(event.occurredAt),
    lines: [...quantities].map(([productId, quantity]) => ({ productId, quantity })),
  });
  log.info({ orderId, products: quantities.size, recorded }, recorded ? 'confirmed order counted' : 'confirmed order already counted');
};
