import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** One product of one confirmed order (its lines for that product summed): what bestSellers and "what you bought" read. */
@Entity({ tableName: 'purchases' })
@Index({ name: 'purchases_confirmed_at_idx', properties: ['confirmedAt'] })
@Index({ name: 'purchases_user_idx', properties: ['userId'] })
export class Purchase {
  @PrimaryKey({ type: 'uuid' })
  orderId!: string;

  @PrimaryKey({ type: 'uuid' })
  productId!: string;

  @Property({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'integer' })
  quantity!: number;

  @Property({ type: 'datetime' })
  confirmedAt!: Date;
}

/** How many confirmed orders held both products; kept in both directions, so a product's row set is one index range. */
@Entity({ tableName: 'co_purchases' })
export class CoPurchase {
  @PrimaryKey({ type: 'uuid' })
  productId!: string;

  @PrimaryKey({ type: 'uuid' })
  otherId!: string;

  @Property({ type: 'integer' })
  orders!: number;
}
