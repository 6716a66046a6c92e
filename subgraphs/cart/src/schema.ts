import { buildFederatedSubgraph, type BuiltSubgraph } from '@shop/kit';
import { Directive, Query, Resolver } from 'type-graphql';

export const SUBGRAPH_NAME = 'cart';

// Placeholder until the cart issue lands: a subgraph needs one query to compose; @inaccessible keeps it out of the client API.
@Resolver()
class CartStatusResolver {
  @Directive('@inaccessible')
  @Query(() => Boolean, { name: '_cartReady' })
  ready(): boolean {
    return true;
  }
}

export function buildCartSubgraph(): Promise<BuiltSubgraph> {
  return buildFederatedSubgraph({ resolvers: [CartStatusResolver] });
}
