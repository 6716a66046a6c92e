import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { OrderStatusMessage } from '@shop/kit';
import type { OrderContext } from '../../context.js';
import { CheckoutInput, OrderConnection, OrderType, OrderUser } from './order.type.js';

@Resolver(() => OrderUser)
export class OrderUserResolver {
  @FieldResolver(() => OrderConnection, { description: "The user's orders, newest first; only the user themselves (or an ADMIN)." })
  orders(
    @Root() user: OrderUser,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: OrderContext,
  ): Promise<OrderConnection> {
    return ctx.orders.ordersOf(ctx.caller, user.id, first, after ?? null);
  }
}

@Resolver(() => OrderType)
export class OrderResolver {
  @Query(() => OrderType, { nullable: true, description: 'An order; only its owner or an ADMIN may read it.' })
  order(
    @Arg('id', () => ID) id: string,
    @Arg('revision', () => Int, { nullable: true, description: 'The order as it was right after this status change (1 = placed).' })
    revision: number | null,
    @Ctx() ctx: OrderContext,
  ): Promise<OrderType | null> {
    return ctx.orders.order(ctx.caller, id, revision ?? null);
  }

  @Mutation(() => OrderType, {
    description: "Buys the caller's whole cart at the current prices: reserves the stock and returns the order PENDING; payment follows.",
  })
  checkout(@Arg('input', () => CheckoutInput) input: CheckoutInput, @Ctx() ctx: OrderContext): Promise<OrderType> {
    return ctx.orders.checkout(ctx.caller, { ...input });
  }

  @Mutation(() => OrderType, {
    description: 'Cancels an order before it is CONFIRMED (owner or ADMIN); stock is released, a captured payment refunded.',
  })
  cancelOrder(@Arg('id', () => ID) id: string, @Ctx() ctx: OrderContext): Promise<OrderType> {
    return ctx.orders.cancel(ctx.caller, id);
  }

  // Served by the gateway, which resolves the client's whole selection (any federated field) per change; declared
  // here so it is part of the supergraph, the API schema and the SDK.
  @Subscription(() => OrderType, {
    description: 'The order now, then again after every status change until a final one (owner or ADMIN). Subscribe at the gateway.',
    topics: ({ args, context }) => (context as OrderContext).orders.channel(String((args as { orderId: string }).orderId)),
  })
  async orderStatusChanged(
    @Root() message: OrderStatusMessage,
    @Arg('orderId', () => ID) orderId: string,
    @Ctx() ctx: OrderContext,
  ): Promise<OrderType> {
    const order = await ctx.orders.order(ctx.caller, message.orderId ?? orderId);
    if (!order) throw new Error(`order ${orderId} disappeared`);
    return order;
  }
}
