import { Migration } from '@mikro-orm/migrations';

export class Migration20261231120000 extends Migration {
  override async up(): Promise<void> {
    // Existing products have no seller (the house's own, managed by administrators) and no low-stock alert out.
    this.addSql(`alter table "products" add column "seller_id" uuid null;`);
    this.addSql(`alter table "products" add column "low_stock_alerted" boolean not null default false;`);
    this.addSql(`create index "products_seller_id_index" on "products" ("seller_id") where "seller_id" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "products_seller_id_index";`);
    this.addSql(`alter table "products" drop column "seller_id", drop column "low_stock_alerted";`);
  }
}
