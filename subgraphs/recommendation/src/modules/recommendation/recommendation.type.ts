import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The product subgraph owns products: this one holds only the key, and the gateway fetches the rest from there. */
@Directive('@key(fields: "id")')
@ObjectType('Product')
export class ProductRef {
  @Field(() => ID)
  id!: string;

  static of(id: string): ProductRef {
    return Object.assign(new ProductRef(), { id });
  }
}

@Directive('@key(fields: "id")')
@ObjectType('User')
export class RecommendationUser {
  @Field(() => ID)
  id!: string;
}
