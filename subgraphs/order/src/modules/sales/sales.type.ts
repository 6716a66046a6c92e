import { Money, PageInfo } from '@shop/kit';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ProductRef } from '../order/order.type.js';

@ObjectType('Sale', {
  description: "One line of a CONFIRMED order that sold one of the seller's products; nothing of the buyer but the order id.",
})
export class SaleType {
  @Field(() => ID, { description: 'Stable: the order and the product.' })
  id!: string;

  @Field(() => ID)
  orderId!: string;

  @Field(() => ProductRef)
  product!: ProductRef;

  @Field(() => String, { description: 'The product name when it was bought.' })
  name!: string;

  @Field(() => Int)
  quantity!: number;

  @Field(() => Money, { description: 'The price paid per unit.' })
  unitPrice!: Money;

  @Field(() => Money)
  lineTotal!: Money;

  @Field(() => Date, { description: 'When the order was confirmed.' })
  soldAt!: Date;
}

@ObjectType('SaleEdge')
export class SaleEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => SaleType)
  node!: SaleType;
}

@ObjectType('SaleConnection')
export class SaleConnection {
  @Field(() => [SaleEdge])
  edges!: SaleEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "All of the seller's sold lines." })
  totalCount!: number;
}
