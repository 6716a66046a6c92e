import { buildFederatedSubgraph, type BuiltSubgraph } from '@shop/kit';
import type { ProductContext } from './context.js';
import { ProductResolver } from './modules/product/product.resolver.js';
import { ProductType } from './modules/product/product.type.js';

export const SUBGRAPH_NAME = 'product';

export function buildProductSubgraph(): Promise<BuiltSubgraph> {
  return buildFederatedSubgraph<ProductContext>({
    resolvers: [ProductResolver],
    references: {
      Product: async (ids, ctx) => (await ctx.products.findManyById(ids)).map((p) => (p ? ProductType.from(p) : null)),
    },
  });
}
