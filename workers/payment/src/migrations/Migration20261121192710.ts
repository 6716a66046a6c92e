import { Migration } from '@mikro-orm/migrations';

export class Migration20261121192710 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "inbox" ("consumer" varchar(100) not null, "event_id" uuid not null, "type" varchar(100) not null, "processed_at" timestamptz not null, constraint "inbox_pkey" primary key ("consumer", "event_id"));`);

    this.addSql(`create table "outbox" ("id" uuid not null, "type" varchar(100) not null, "envelope" jsonb not null, "created_at" timestamptz not null, "published_at" timestamptz null, "attempts" int not null default 0, "last_error" text null, constraint "outbox_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_unpublished_index" on "outbox" ("created_at") where "published_at" is null;`);

    this.addSql(`create table "payments" ("id" uuid not null, "order_id" uuid not null, "user_id" uuid not null, "amount_cents" int not null, "currency" char(3) not null, "status" varchar(10) not null, "charge_id" varchar(100) not null, "failure_reason" text null, "created_at" timestamptz not null, constraint "payments_pkey" primary key ("id"));`);
    this.addSql(`alter table "payments" add constraint "payments_order_id_unique" unique ("order_id");`);

    this.addSql(`create table "simulated_charges" ("idempotency_key" varchar(200) not null, "charge_id" varchar(100) not null, "status" varchar(10) not null, "reason" text null, "amount_cents" int not null, "currency" char(3) not null, "created_at" timestamptz not null, constraint "simulated_charges_pkey" primary key ("idempotency_key"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "inbox" cascade;`);

    this.addSql(`drop table if exists "outbox" cascade;`);

    this.addSql(`drop table if exists "payments" cascade;`);

    this.addSql(`drop table if exists "simulated_charges" cascade;`);
  }

}
