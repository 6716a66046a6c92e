import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { PageInfo } from '@shop/kit';
import type { ProductContext } from '../../context.js';
import { CreateProductInput, ProductConnection, ProductType, UpdateProductInput } from './product.type.js';

@Resolver(() => ProductType)
export class ProductResolver {
  @Query(() => ProductType, { nullable: true })
  async product(@Arg('id', () => ID) id: string, @Ctx() ctx: ProductContext): Promise<ProductType | null> {
    const product = await ctx.products.get(id);
    return product ? ProductType.from(product) : null;
  }

  @Query(() => ProductConnection, {
    description: "Products on sale by name, with cursor pagination; `search` matches name or SKU, `sellerId` keeps one seller's.",
  })
  async products(
    @Ctx() ctx: ProductContext,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('search', () => String, { nullable: true }) search?: string | null,
    @Arg('sellerId', () => ID, { nullable: true, description: "Only this seller's products (a seller's own listing)." })
    sellerId?: string | null,
  ): Promise<ProductConnection> {
    const page = await ctx.products.list({ first: first ?? 20, after, search, sellerId });
    return Object.assign(new ProductConnection(), {
      edges: page.items.map(({ cursor, product }) => ({ cursor, node: ProductType.from(product) })),
      pageInfo: Object.assign(new PageInfo(), { hasNextPage: page.hasNextPage, endCursor: page.endCursor }),
      totalCount: page.totalCount,
    });
  }

  @Mutation(() => ProductType, { description: "SELLER (the product is theirs) or ADMIN (the shop's own)." })
  async createProduct(@Arg('input', () => CreateProductInput) input: CreateProductInput, @Ctx() ctx: ProductContext): Promise<ProductType> {
    return ProductType.from(await ctx.products.create(ctx.caller, input));
  }

  @Mutation(() => ProductType, {
    description: 'Its SELLER or an ADMIN. Withdraws the product from the catalogue; it keeps resolving for carts and orders.',
  })
  async archiveProduct(@Arg('id', () => ID) id: string, @Ctx() ctx: ProductContext): Promise<ProductType> {
    return ProductType.from(await ctx.products.archive(ctx.caller, id));
  }

  @Mutation(() => ProductType, { description: 'Its SELLER or an ADMIN (FORBIDDEN for anyone else).' })
  async updateProduct(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateProductInput) input: UpdateProductInput,
    @Ctx() ctx: ProductContext,
  ): Promise<ProductType> {
    return ProductType.from(await ctx.products.update(ctx.caller, id, input));
  }
}
