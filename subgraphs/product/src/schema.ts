import { buildFederatedSubgraph, type BuiltSubgraph } from '@shop/kit';
import type { ProductContext } from './context.js';
import { ProductResolver } from './modules/product/product.resolver.js';
import { ProductType } from './modules/product/product.type.js';
import { StockResolver } from './modules/stock/stock.resolver.js';

export const SUBGRAPH_NAME = 'product';

export function buildProductSubgraph(): Promise<BuiltSubgraph> {
  return buildFederatedSubgraph<ProductContext>({
    resolvers: [ProductResolver, StockResolver],
    references: {
      Product: async (ids, ctx) => (await ctx.products.findManyById(ids)).map((p) => (p ? ProductType.from(p) : null)),
    },
  });
}
