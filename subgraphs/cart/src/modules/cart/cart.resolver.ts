import { Arg, Ctx, Directive, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireCaller } from '@shop/kit';
import type { CartContext } from '../../context.js';
import { CartLineSnapshot, CartType, CartUser } from './cart.type.js';

@Resolver(() => CartUser)
export class CartUserResolver {
  // Shared with the user subgraph (the same field, the same answer): the planner may start `me { cart }` here.
  @Directive('@shareable')
  @Query(() => CartUser, { nullable: true, description: 'The signed-in user; null when anonymous.' })
  me(@Ctx() ctx: CartContext): CartUser | null {
    const id = ctx.carts.signedInUser(ctx.caller);
    return id ? Object.assign(new CartUser(), { id }) : null;
  }

  @FieldResolver(() => CartType, { description: "The user's cart; only the user themselves may read it." })
  cart(@Root() user: CartUser, @Ctx() ctx: CartContext): Promise<CartType> {
    return ctx.carts.cartOf(ctx.caller, user.id);
  }
}

@Resolver(() => CartType)
export class CartResolver {
  @Query(() => CartType, { description: "The signed-in caller's cart (the same as `me { cart }`)." })
  cart(@Ctx() ctx: CartContext): Promise<CartType> {
    return ctx.carts.cartOf(ctx.caller, requireCaller(ctx.caller).userId);
  }

  @Mutation(() => CartType, { description: 'Adds to the line for this product (creating it at the current price).' })
  addToCart(
    @Arg('productId', () => ID) productId: string,
    @Arg('quantity', () => Int) quantity: number,
    @Ctx() ctx: CartContext,
  ): Promise<CartType> {
    return ctx.carts.add(ctx.caller, productId, quantity);
  }

  @Mutation(() => CartType, { description: 'Sets the quantity of a line; 0 removes it.' })
  updateCartItem(
    @Arg('productId', () => ID) productId: string,
    @Arg('quantity', () => Int) quantity: number,
    @Ctx() ctx: CartContext,
  ): Promise<CartType> {
    return ctx.carts.set(ctx.caller, productId, quantity);
  }

  @Mutation(() => CartType, { description: 'Drops the line for this product (no error if it is not in the cart).' })
  removeFromCart(@Arg('productId', () => ID) productId: string, @Ctx() ctx: CartContext): Promise<CartType> {
    return ctx.carts.remove(ctx.caller, productId);
  }
}

@Resolver()
export class CartInternalResolver {
  @Directive('@inaccessible')
  @Query(() => [CartLineSnapshot], { description: "Internal (SERVICE): a user's cart lines as they are now, by product id." })
  async cartSnapshot(@Arg('userId', () => ID) userId: string, @Ctx() ctx: CartContext): Promise<CartLineSnapshot[]> {
    return (await ctx.carts.snapshot(ctx.caller, userId)).map((line) => Object.assign(new CartLineSnapshot(), line));
  }
}
