import { buildFederatedSubgraph, type BuiltSubgraph } from '@shop/kit';
import type { RecommendationContext } from './context.js';
import { ProductRecommendationResolver, UserRecommendationResolver } from './modules/recommendation/recommendation.resolver.js';
import { ProductRef, RecommendationUser } from './modules/recommendation/recommendation.type.js';

export const SUBGRAPH_NAME = 'recommendation';

export function buildRecommendationSubgraph(): Promise<BuiltSubgraph> {
  return buildFederatedSubgraph<RecommendationContext>({
    resolvers: [ProductRecommendationResolver, UserRecommendationResolver],
    orphanedTypes: [ProductRef, RecommendationUser],
    // Both entities are keys only: the representation is the whole object, nothing to load.
    fromRepresentation: {
      Product: (representation) => ProductRef.of(String(representation.id)),
      User: (representation) => Object.assign(new RecommendationUser(), { id: String(representation.id) }),
    },
  });
}
