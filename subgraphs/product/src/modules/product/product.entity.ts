import { randomUUID } from 'node:crypto';
import { Check, Entity, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';

@Entity({ tableName: 'products' })
@Check({ name: 'products_stock_non_negative', expression: 'stock >= 0' })
@Check({ name: 'products_price_non_negative', expression: 'price_cents >= 0' })
// Keyset pagination orders by (name, id); substring search on name/SKU uses trigram indexes (pg_trgm).
@Index({ name: 'products_name_id_index', properties: ['name', 'id'] })
@Index({
  name: 'products_name_trgm_index',
  expression: 'create index "products_name_trgm_index" on "products" using gin ("name" gin_trgm_ops)',
})
@Index({
  name: 'products_sku_trgm_index',
  expression: 'create index "products_sku_trgm_index" on "products" using gin ("sku" gin_trgm_ops)',
})
export class Product {
  [OptionalProps]?: 'description' | 'createdAt' | 'updatedAt' | 'version' | 'archivedAt' | 'sellerId' | 'lowStockAlerted';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Unique({ name: 'products_sku_unique' })
  @Property({ type: 'string', length: 64 })
  sku!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'text' })
  description: string = '';

  @Property({ type: 'integer' })
  priceCents!: number;

  @Property({ type: 'string', length: 3, columnType: 'char(3)' })
  currency!: string;

  /** Units that can still be bought; reservations are taken out of it. */
  @Property({ type: 'integer' })
  stock!: number;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  /** Archived products leave the catalogue but keep resolving (carts and orders still point at them). */
  @Property({ type: 'datetime', nullable: true })
  archivedAt: Date | null = null;

  /** The user (a SELLER) who sells it and may change it; null for the house's own products, which administrators manage. */
  @Property({ type: 'uuid', nullable: true })
  sellerId: string | null = null;

  /**
   * Set when the seller was told its stock fell to LOW_STOCK_THRESHOLD or below (product.low_stock), cleared when
   * the seller or an administrator restocks it above: one alert per time it runs low.
   */
  @Property({ type: 'boolean' })
  lowStockAlerted: boolean = false;

  /** Bumped by every write; the cache never replaces a newer version with an older one. */
  @Property({ type: 'integer', version: true })
  version: number = 1;
}
