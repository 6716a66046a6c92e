import { Money, money, PageInfo } from '@shop/kit';
import { Directive, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { ProductRecord } from './product.cache.js';

/** The user subgraph owns users; a product only names its seller. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('User')
export class SellerRef {
  @Field(() => ID)
  id!: string;
}

@Directive('@key(fields: "id")')
@ObjectType('Product')
export class ProductType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  sku!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  description!: string;

  @Field(() => Money)
  price!: Money;

  @Field(() => Int, { description: 'Units that can still be bought (reserved units are not included; 0 once archived).' })
  stock!: number;

  @Field(() => Boolean)
  inStock!: boolean;

  @Field(() => Boolean, { description: 'Withdrawn from sale: no longer listed, but still shown where carts and orders refer to it.' })
  archived!: boolean;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => SellerRef, { nullable: true, description: "The user who sells it; null for the shop's own products." })
  seller!: SellerRef | null;

  static from(product: ProductRecord): ProductType {
    return Object.assign(new ProductType(), {
      id: product.id,
      sku: product.sku,
      name: product.name,
      description: product.description,
      price: money(product.priceCents, product.currency),
      stock: product.archivedAt ? 0 : product.stock,
      inStock: !product.archivedAt && product.stock > 0,
      archived: product.archivedAt !== null,
      updatedAt: product.updatedAt,
      seller: product.sellerId ? Object.assign(new SellerRef(), { id: product.sellerId }) : null,
    });
  }
}

@ObjectType()
export class ProductEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => ProductType)
  node!: ProductType;
}

@ObjectType()
export class ProductConnection {
  @Field(() => [ProductEdge])
  edges!: ProductEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

@InputType()
export class CreateProductInput {
  @Field(() => String)
  sku!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { defaultValue: '' })
  description!: string;

  @Field(() => Int)
  priceCents!: number;

  @Field(() => String, { nullable: true, description: 'ISO 4217; defaults to the catalogue currency.' })
  currency?: string | null;

  @Field(() => Int)
  stock!: number;
}

@InputType()
export class UpdateProductInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Int, { nullable: true })
  priceCents?: number | null;

  @Field(() => Int, { nullable: true })
  stock?: number | null;
}
