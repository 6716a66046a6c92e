import { Migration } from '@mikro-orm/migrations';

export class Migration20261231120000 extends Migration {
  override async up(): Promise<void> {
    // Who sold each line, as the product subgraph said at reservation (null: the shop's own, or bought before sellers).
    this.addSql(`alter table "order_items" add column "seller_id" uuid null;`);
    // A seller's confirmed lines, newest first: written when an order becomes CONFIRMED (final), read by User.sales.
    this.addSql(
      `create table "sales" ("order_id" uuid not null, "product_id" uuid not null, "seller_id" uuid not null, "name" text not null, "unit_price_cents" int not null, "quantity" int not null, "currency" char(3) not null, "sold_at" timestamptz not null, constraint "sales_pkey" primary key ("order_id", "product_id"));`,
    );
    this.addSql(`create index "sales_seller_newest_index" on "sales" ("seller_id", "sold_at" desc, "order_id" desc, "product_id" desc);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "sales";`);
    this.addSql(`alter table "order_items" drop column "seller_id";`);
  }
}
