import { Money, PageInfo } from '@shop/kit';
import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ORDER_STATUSES, type OrderStatus } from './order.entity.js';

export const OrderStatusEnum = Object.fromEntries(ORDER_STATUSES.map((status) => [status, status])) as { [S in OrderStatus]: S };

registerEnumType(OrderStatusEnum, {
  name: 'OrderStatus',
  description:
    'PENDING: placed, stock reserved, awaiting payment. PAID: payment captured. CONFIRMED: stock committed (final). PAYMENT_FAILED: declined, stock released (final). CANCELLED: by its owner or expired unpaid, stock released (final).',
});

@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Product')
export class ProductRef {
  @Field(() => ID)
  id!: string;
}

@Directive('@key(fields: "id")')
@ObjectType('User')
export class OrderUser {
  @Field(() => ID)
  id!: string;
}

@ObjectType('OrderItem', { description: 'What was bought, as it was at checkout.' })
export class OrderItemType {
  @Field(() => ProductRef)
  product!: ProductRef;

  @Field(() => String, { description: 'The product name at checkout.' })
  name!: string;

  @Field(() => Money, { description: 'The price paid per unit.' })
  unitPrice!: Money;

  @Field(() => Int)
  quantity!: number;

  @Field(() => Money)
  lineTotal!: Money;
}

@ObjectType('OrderStatusChange')
export class OrderStatusChangeType {
  @Field(() => OrderStatusEnum)
  status!: OrderStatus;

  @Field(() => Date)
  at!: Date;

  @Field(() => String, { nullable: true })
  reason!: string | null;
}

@Directive('@key(fields: "id")')
@ObjectType('Order')
export class OrderType {
  @Field(() => ID)
  id!: string;

  @Field(() => OrderUser)
  user!: OrderUser;

  @Field(() => [OrderItemType])
  items!: OrderItemType[];

  @Field(() => Money)
  total!: Money;

  @Field(() => OrderStatusEnum)
  status!: OrderStatus;

  @Field(() => [OrderStatusChangeType], { description: 'Every status the order has had, oldest first.' })
  statusHistory!: OrderStatusChangeType[];

  @Field(() => String, { nullable: true, description: 'Why the order failed or was cancelled.' })
  failureReason!: string | null;

  @Field(() => Int, { description: 'Counts status changes: 1 when placed, +1 per change. Subscribers use it to order updates.' })
  revision!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@ObjectType('OrderEdge')
export class OrderEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => OrderType)
  node!: OrderType;
}

@ObjectType('OrderConnection')
export class OrderConnection {
  @Field(() => [OrderEdge])
  edges!: OrderEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@InputType()
export class CheckoutInput {
  @Field(() => String, { description: 'From the payment provider (simulated: tok_visa approves, tok_chargeDeclined declines).' })
  paymentToken!: string;

  @Field(() => String, { description: 'Chosen by the client per checkout: the same key returns the same order.' })
  idempotencyKey!: string;
}
