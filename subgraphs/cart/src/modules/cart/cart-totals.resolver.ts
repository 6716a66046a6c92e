import { FieldResolver, Resolver, Root } from 'type-graphql';
import { AppError, Money } from '@shop/kit';
import { CartItemType, CartType } from './cart.type.js';

// An amount too large for GraphQL's Int is priced as an AppError: thrown here, it fails that one field with
// its code instead of the whole entity (or an INTERNAL_SERVER_ERROR from Int serialization).
const shown = (amount: Money | AppError | undefined): Money => {
  if (amount instanceof AppError) throw amount;
  return amount!;
};

@Resolver(() => CartType)
export class CartTotalResolver {
  @FieldResolver(() => Money)
  subtotal(@Root() cart: CartType): Money {
    return shown(cart.subtotal);
  }
}

@Resolver(() => CartItemType)
export class CartItemResolver {
  @FieldResolver(() => Money)
  lineTotal(@Root() item: CartItemType): Money {
    return shown(item.lineTotal);
  }
}
