import { Migration } from '@mikro-orm/migrations';

export class Migration20261121183044 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "cart_lines" ("user_id" uuid not null, "product_id" uuid not null, "quantity" int not null, "price_when_added_cents" int not null, "currency" char(3) not null, "added_at" timestamptz not null, "updated_at" timestamptz not null, constraint "cart_lines_pkey" primary key ("user_id", "product_id"), constraint cart_lines_quantity_positive check (quantity >= 1));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "cart_lines" cascade;`);
  }

}
