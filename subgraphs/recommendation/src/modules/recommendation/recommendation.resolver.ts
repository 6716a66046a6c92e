import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { RecommendationContext } from '../../context.js';
import { ProductRef, RecommendationUser } from './recommendation.type.js';

const refs = (ids: string[]) => ids.map(ProductRef.of);

@Resolver(() => ProductRef)
export class ProductRecommendationResolver {
  @FieldResolver(() => [ProductRef], {
    description: 'Products bought in the same confirmed orders, most often first; never this product, never archived ones.',
  })
  async alsoBought(
    @Root() product: ProductRef,
    @Arg('first', () => Int, { nullable: true, defaultValue: 5 }) first: number | null,
    @Ctx() ctx: RecommendationContext,
  ): Promise<ProductRef[]> {
    return refs(await ctx.recommendations.alsoBought(product.id, first ?? 5));
  }

  @Query(() => [ProductRef], { description: 'Products by units in confirmed orders of the last 30 days (BEST_SELLERS_DAYS).' })
  async bestSellers(
    @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number | null,
    @Ctx() ctx: RecommendationContext,
  ): Promise<ProductRef[]> {
    return refs(await ctx.recommendations.bestSellers(first ?? 10));
  }
}

@Resolver(() => RecommendationUser)
export class UserRecommendationResolver {
  @FieldResolver(() => [ProductRef], {
    description: 'Only for the user themselves: bought with what they bought (leaving out what they have), then best sellers.',
  })
  async recommendations(
    @Root() user: RecommendationUser,
    @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number | null,
    @Ctx() ctx: RecommendationContext,
  ): Promise<ProductRef[]> {
    return refs(await ctx.recommendations.recommendationsFor(ctx.caller, user.id, first ?? 10));
  }
}
