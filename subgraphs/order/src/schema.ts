import { buildFederatedSubgraph, type BuiltSubgraph } from '@shop/kit';
import { Directive, Query, Resolver } from 'type-graphql';

export const SUBGRAPH_NAME = 'order';

// Placeholder until the order issue lands: a subgraph needs one query to compose; @inaccessible keeps it out of the client API.
@Resolver()
class OrderStatusResolver {
  @Directive('@inaccessible')
  @Query(() => Boolean, { name: '_orderReady' })
  ready(): boolean {
    return true;
  }
}

export function buildOrderSubgraph(): Promise<BuiltSubgraph> {
  return buildFederatedSubgraph({ resolvers: [OrderStatusResolver] });
}
