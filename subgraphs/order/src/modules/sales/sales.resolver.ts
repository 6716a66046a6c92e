import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { OrderContext } from '../../context.js';
import { OrderUser } from '../order/order.type.js';
import { SaleConnection } from './sales.type.js';

@Resolver(() => OrderUser)
export class SalesResolver {
  @FieldResolver(() => SaleConnection, {
    description: "Lines of CONFIRMED orders that sold this seller's products, newest first; only the seller themselves (or an ADMIN).",
  })
  sales(
    @Root() user: OrderUser,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: OrderContext,
  ): Promise<SaleConnection> {
    return ctx.sales.salesOf(ctx.caller, user.id, first ?? 20, after ?? null);
  }
}
