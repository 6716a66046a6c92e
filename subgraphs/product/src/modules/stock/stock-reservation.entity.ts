import { Check, Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

export type ReservationStatus = 'held' | 'committed' | 'released';

/**
 * Units taken out of `products.stock` for one order. Keyed by the order id, so a retried reservation finds
 * the first one, and a sweeper can release what an order that never came to be was holding.
 */
@Entity({ tableName: 'stock_reservations' })
@Check({ name: 'stock_reservations_quantity_positive', expression: 'quantity >= 1' })
@Index({
  name: 'stock_reservations_held_index',
  expression: 'create index "stock_reservations_held_index" on "stock_reservations" ("expires_at") where "status" = \'held\'',
})
export class StockReservation {
  [OptionalProps]?: 'status' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  orderId!: string;

  @PrimaryKey({ type: 'uuid' })
  productId!: string;

  @Property({ type: 'integer' })
  quantity!: number;

  @Property({ type: 'string', length: 10 })
  status: ReservationStatus = 'held';

  /** A held reservation past this is released by the sweeper (the order expired or was never stored). */
  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
