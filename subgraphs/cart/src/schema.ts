import { buildFederatedSubgraph, DEFAULT_MAX_TOTAL_CENTS, type BuiltSubgraph } from '@shop/kit';
import type { CartContext } from './context.js';
import { priceCart, priceItem, type CartItemRepresentation, type CartRepresentation } from './modules/cart/cart.pricing.js';
import { CartInternalResolver, CartResolver, CartUserResolver } from './modules/cart/cart.resolver.js';
import { CartItemResolver, CartTotalResolver } from './modules/cart/cart-totals.resolver.js';
import { CartUser, ProductRef } from './modules/cart/cart.type.js';

export const SUBGRAPH_NAME = 'cart';

export function buildCartSubgraph(options: { currency?: string; maxTotalCents?: number } = {}): Promise<BuiltSubgraph> {
  const currency = options.currency ?? 'USD';
  const maxTotalCents = options.maxTotalCents ?? DEFAULT_MAX_TOTAL_CENTS;
  return buildFederatedSubgraph<CartContext>({
    resolvers: [CartUserResolver, CartResolver, CartTotalResolver, CartItemResolver, CartInternalResolver],
    orphanedTypes: [ProductRef, CartUser],
    // Live prices arrive in the representation (@requires); computing from it costs no database read.
    fromRepresentation: {
      Cart: (representation) => priceCart(representation as unknown as CartRepresentation, currency, maxTotalCents),
      CartItem: (representation) => priceItem(representation as unknown as CartItemRepresentation, maxTotalCents),
    },
  });
}
