import { Migration } from '@mikro-orm/migrations';

export class Migration20261121201457 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "checkouts" ("order_id" uuid not null, "user_id" uuid not null, "idempotency_key" varchar(200) not null, "state" varchar(10) not null default 'reserving', "attempt" int not null default 1, "claimed_at" timestamptz not null, "created_at" timestamptz not null, constraint "checkouts_pkey" primary key ("order_id"));`);
    this.addSql(`alter table "checkouts" add constraint "checkouts_user_idempotency_key_unique" unique ("user_id", "idempotency_key");`);

    this.addSql(`create table "inbox" ("consumer" varchar(100) not null, "event_id" uuid not null, "type" varchar(100) not null, "processed_at" timestamptz not null, constraint "inbox_pkey" primary key ("consumer", "event_id"));`);

    this.addSql(`create table "orders" ("id" uuid not null, "user_id" uuid not null, "idempotency_key" varchar(200) not null, "status" text check ("status" in ('PENDING', 'PAID', 'CONFIRMED', 'PAYMENT_FAILED', 'CANCELLED')) not null default 'PENDING', "total_cents" int not null, "currency" char(3) not null, "failure_reason" text null, "refunded" boolean not null default false, "stock_settled" boolean not null default false, "cart_cleared" boolean not null default false, "cart_snapshot_at" timestamptz not null, "correlation_id" varchar(100) not null, "revision" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "orders_pkey" primary key ("id"));`);
    this.addSql(`create index "orders_user_newest_idx" on "orders" ("user_id", "created_at", "id");`);
    this.addSql(`alter table "orders" add constraint "orders_user_idempotency_key_unique" unique ("user_id", "idempotency_key");`);

    this.addSql(`create table "order_items" ("order_id" uuid not null, "product_id" uuid not null, "position" smallint not null, "name" text not null, "unit_price_cents" int not null, "quantity" int not null, constraint "order_items_pkey" primary key ("order_id", "product_id"));`);

    this.addSql(`create table "order_status_changes" ("order_id" uuid not null, "seq" int not null, "status" text check ("status" in ('PENDING', 'PAID', 'CONFIRMED', 'PAYMENT_FAILED', 'CANCELLED')) not null, "reason" text null, "at" timestamptz not null, constraint "order_status_changes_pkey" primary key ("order_id", "seq"));`);

    // Written by hand: the integrity checks, the links to orders (checked at commit: the unit of work does not
    // know these rows belong together), and the partial indexes the settlement loop reads.
    this.addSql(`alter table "orders" add constraint "orders_total_not_negative" check ("total_cents" >= 0);`);
    this.addSql(`alter table "order_items" add constraint "order_items_quantity_positive" check ("quantity" >= 1 and "unit_price_cents" >= 0);`);
    this.addSql(`alter table "order_items" add constraint "order_items_order_fk" foreign key ("order_id") references "orders" ("id") on delete cascade deferrable initially deferred;`);
    this.addSql(`alter table "order_status_changes" add constraint "order_status_changes_order_fk" foreign key ("order_id") references "orders" ("id") on delete cascade deferrable initially deferred;`);
    this.addSql(`alter table "checkouts" add constraint "checkouts_state_known" check ("state" in ('reserving', 'placed', 'abandoned'));`);
    this.addSql(`create index "orders_pending_created_idx" on "orders" ("created_at") where "status" = 'PENDING';`);
    this.addSql(`create index "orders_stock_unsettled_idx" on "orders" ("updated_at") where not "stock_settled" and "status" <> 'PENDING';`);
    this.addSql(`create index "orders_cart_uncleared_idx" on "orders" ("created_at") where not "cart_cleared";`);
    this.addSql(`create index "checkouts_reserving_idx" on "checkouts" ("claimed_at") where "state" = 'reserving';`);

    this.addSql(`create table "outbox" ("id" uuid not null, "type" varchar(100) not null, "envelope" jsonb not null, "created_at" timestamptz not null, "published_at" timestamptz null, "attempts" int not null default 0, "last_error" text null, constraint "outbox_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_unpublished_index" on "outbox" ("created_at") where "published_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "checkouts" cascade;`);

    this.addSql(`drop table if exists "inbox" cascade;`);

    this.addSql(`drop table if exists "orders" cascade;`);

    this.addSql(`drop table if exists "order_items" cascade;`);

    this.addSql(`drop table if exists "order_status_changes" cascade;`);

    this.addSql(`drop table if exists "outbox" cascade;`);
  }

}
