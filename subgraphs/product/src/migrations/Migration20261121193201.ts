import { Migration } from '@mikro-orm/migrations';

export class Migration20261121193201 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "stock_reservations" ("order_id" uuid not null, "product_id" uuid not null, "quantity" int not null, "status" varchar(10) not null default 'held', "expires_at" timestamptz not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "stock_reservations_pkey" primary key ("order_id", "product_id"), constraint stock_reservations_quantity_positive check (quantity >= 1));`);
    this.addSql(`create index "stock_reservations_held_index" on "stock_reservations" ("expires_at") where "status" = 'held';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "stock_reservations" cascade;`);
  }

}
