import { Arg, Ctx, Directive, ID, Int, Mutation, Resolver } from 'type-graphql';
import { MAX_MONEY_CENTS } from '@shop/kit';
import type { ProductContext } from '../../context.js';
import { ReservedStockLine, StockLineInput } from './stock.type.js';

@Resolver()
export class StockResolver {
  @Directive('@inaccessible')
  @Mutation(() => [ReservedStockLine], {
    description:
      'Internal (SERVICE): reserve every line or none for an order, at current prices. A retry returns the first reservation; CONFLICT once it was released.',
  })
  async reserveStock(
    @Arg('orderId', () => ID) orderId: string,
    @Arg('lines', () => [StockLineInput]) lines: StockLineInput[],
    @Ctx() ctx: ProductContext,
    @Arg('maxTotalCents', () => Int, { nullable: true, description: 'Refuse (BAD_USER_INPUT, nothing reserved) above this total.' })
    maxTotalCents?: number | null,
  ): Promise<ReservedStockLine[]> {
    return (await ctx.stock.reserve(ctx.caller, orderId, lines, maxTotalCents ?? MAX_MONEY_CENTS)).map((line) =>
      Object.assign(new ReservedStockLine(), line),
    );
  }
}
