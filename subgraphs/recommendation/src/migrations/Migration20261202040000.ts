import { Migration } from '@mikro-orm/migrations';

export class Migration20261202040000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "purchases" ("order_id" uuid not null, "product_id" uuid not null, "user_id" uuid not null, "quantity" int not null, "confirmed_at" timestamptz not null, constraint "purchases_pkey" primary key ("order_id", "product_id"), constraint purchases_quantity_positive check (quantity >= 1));`);
    this.addSql(`create index "purchases_confirmed_at_idx" on "purchases" ("confirmed_at");`);
    this.addSql(`create index "purchases_user_idx" on "purchases" ("user_id");`);
    this.addSql(`create table "co_purchases" ("product_id" uuid not null, "other_id" uuid not null, "orders" int not null, constraint "co_purchases_pkey" primary key ("product_id", "other_id"));`);
    // The consumer's inbox (a redelivered order.confirmed counts once); the outbox is the messaging package's other
    // table, empty here: this service publishes nothing.
    this.addSql(`create table "inbox" ("consumer" varchar(100) not null, "event_id" uuid not null, "type" varchar(100) not null, "processed_at" timestamptz not null, constraint "inbox_pkey" primary key ("consumer", "event_id"));`);
    this.addSql(`create table "outbox" ("id" uuid not null, "type" varchar(100) not null, "envelope" jsonb not null, "created_at" timestamptz not null, "published_at" timestamptz null, "attempts" int not null default 0, "last_error" text null, "next_attempt_at" timestamptz not null default now(), constraint "outbox_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_due_index" on "outbox" ("next_attempt_at", "created_at") where "published_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "outbox" cascade;`);
    this.addSql(`drop table if exists "inbox" cascade;`);
    this.addSql(`drop table if exists "co_purchases" cascade;`);
    this.addSql(`drop table if exists "purchases" cascade;`);
  }
}
