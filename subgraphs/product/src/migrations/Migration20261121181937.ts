import { Migration } from '@mikro-orm/migrations';

export class Migration20261121181937 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "products" ("id" uuid not null, "sku" varchar(64) not null, "name" varchar(200) not null, "description" text not null default '', "price_cents" int not null, "currency" char(3) not null, "stock" int not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "products_pkey" primary key ("id"), constraint products_price_non_negative check (price_cents >= 0), constraint products_stock_non_negative check (stock >= 0));`);
    this.addSql(`alter table "products" add constraint "products_sku_unique" unique ("sku");`);
    // Keyset pagination orders by (name, id); substring search on name/SKU uses trigram indexes.
    this.addSql(`create index "products_name_id_index" on "products" ("name", "id");`);
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create index "products_name_trgm_index" on "products" using gin ("name" gin_trgm_ops);`);
    this.addSql(`create index "products_sku_trgm_index" on "products" using gin ("sku" gin_trgm_ops);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "products" cascade;`);
  }

}
