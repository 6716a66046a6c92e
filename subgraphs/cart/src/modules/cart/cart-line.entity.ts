import { Check, Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** One product in one user's cart. A user has exactly one cart, so the cart is identified by the user. */
@Entity({ tableName: 'cart_lines' })
@Check({ name: 'cart_lines_quantity_positive', expression: 'quantity >= 1' })
export class CartLine {
  [OptionalProps]?: 'addedAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @PrimaryKey({ type: 'uuid' })
  productId!: string;

  @Property({ type: 'integer' })
  quantity!: number;

  /** The product's price when the line was first added; later adds keep it, so price changes show. */
  @Property({ type: 'integer' })
  priceWhenAddedCents!: number;

  @Property({ type: 'string', length: 3, columnType: 'char(3)' })
  currency!: string;

  @Property({ type: 'datetime' })
  addedAt: Date = new Date();

  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
