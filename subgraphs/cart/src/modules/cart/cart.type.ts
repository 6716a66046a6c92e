import { Money, type AppError } from '@shop/kit';
import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

const LIVE_PRICE = 'product { price { amountCents currency } }';

/** The product subgraph owns products; the cart only holds the key and asks federation for the live price. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Product')
export class ProductRef {
  @Field(() => ID)
  id!: string;

  @Directive('@external')
  @Field(() => Money)
  price?: Money;
}

@Directive('@key(fields: "id")')
@ObjectType('User')
export class CartUser {
  @Field(() => ID)
  id!: string;
}

// quantity and priceWhenAdded are in the key so that the second hop (after the product subgraph supplied
// the live price) has everything it needs in the representation: no second database read.
@Directive('@key(fields: "id quantity priceWhenAdded { amountCents currency }")')
@ObjectType('CartItem')
export class CartItemType {
  @Field(() => ID, { description: 'Stable per cart and product.' })
  id!: string;

  @Field(() => ProductRef)
  product!: ProductRef;

  @Field(() => Int)
  quantity!: number;

  @Field(() => Money, { description: 'The price when this product was first added to the cart.' })
  priceWhenAdded!: Money;

  @Directive(`@requires(fields: "${LIVE_PRICE}")`)
  @Field(() => Money, { description: "The product's price now." })
  unitPrice?: Money;

  /** An AppError when the line is too large to show: its field resolver throws it, so only this field fails. */
  @Directive(`@requires(fields: "${LIVE_PRICE}")`)
  @Field(() => Money, { description: 'unitPrice × quantity, at the current price.' })
  lineTotal?: Money | AppError;

  @Directive(`@requires(fields: "${LIVE_PRICE}")`)
  @Field(() => Boolean, { description: 'True when the current price differs from priceWhenAdded.' })
  priceChanged?: boolean;
}

@Directive('@key(fields: "id items { id quantity }")')
@ObjectType('Cart')
export class CartType {
  @Field(() => ID)
  id!: string;

  @Field(() => [CartItemType])
  items!: CartItemType[];

  @Field(() => Int, { description: 'Units in the cart (sum of quantities).' })
  itemCount!: number;

  /** As CartItem.lineTotal: an AppError when the total is too large to show. */
  @Directive(`@requires(fields: "items { ${LIVE_PRICE} }")`)
  @Field(() => Money, { description: 'Sum of the line totals at current prices.' })
  subtotal?: Money | AppError;
}

// Internal API for the order subgraph: @inaccessible keeps it out of the client schema, and the service
// layer refuses any caller without a SERVICE token.
@Directive('@inaccessible')
@ObjectType()
export class CartLineSnapshot {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int)
  quantity!: number;

  @Field(() => Date, { description: 'When the line was added or last changed, to the millisecond.' })
  updatedAt!: Date;
}
