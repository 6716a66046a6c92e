import { buildFederatedSubgraph, type BuiltSubgraph } from '@shop/kit';
import type { BuildSchemaOptions } from 'type-graphql';
import type { OrderContext } from './context.js';
import { OrderResolver, OrderUserResolver } from './modules/order/order.resolver.js';
import { ProductRef, OrderUser } from './modules/order/order.type.js';
import { SalesResolver } from './modules/sales/sales.resolver.js';

export const SUBGRAPH_NAME = 'order';

/** Printing the schema (compose, tests) needs no Redis: subscribing through this one fails plainly. */
const printOnlyPubSub: NonNullable<BuildSchemaOptions['pubSub']> = {
  publish: () => undefined,
  subscribe: () => {
    throw new Error('subscriptions are served by the gateway');
  },
};

export function buildOrderSubgraph(options: { pubSub?: BuildSchemaOptions['pubSub'] } = {}): Promise<BuiltSubgraph> {
  return buildFederatedSubgraph<OrderContext>({
    resolvers: [OrderResolver, OrderUserResolver, SalesResolver],
    orphanedTypes: [ProductRef, OrderUser],
    pubSub: options.pubSub ?? printOnlyPubSub,
    references: { Order: (ids, ctx) => ctx.orders.references(ctx.caller, ids) },
  });
}
