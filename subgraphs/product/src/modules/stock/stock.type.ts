import { Directive, Field, ID, InputType, Int, ObjectType } from 'type-graphql';

// Internal API for the order subgraph: @inaccessible keeps it out of the client schema, and the service
// layer refuses any caller without a SERVICE token.
@Directive('@inaccessible')
@InputType()
export class StockLineInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int)
  quantity!: number;
}

@Directive('@inaccessible')
@ObjectType()
export class ReservedStockLine {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int)
  quantity!: number;

  @Field(() => String)
  name!: string;

  @Field(() => Int)
  unitPriceCents!: number;

  @Field(() => String)
  currency!: string;

  @Field(() => ID, { nullable: true, description: 'The selling user; null for the house.' })
  sellerId!: string | null;
}
