import { Migration } from '@mikro-orm/migrations';

export class Migration20261215120000 extends Migration {
  override async up(): Promise<void> {
    // The cart now consumes order.placed (inbox, so a redelivery clears nothing twice); the outbox is the messaging
    // package's other table, empty here until the cart publishes something.
    this.addSql(`create table "inbox" ("consumer" varchar(100) not null, "event_id" uuid not null, "type" varchar(100) not null, "processed_at" timestamptz not null, constraint "inbox_pkey" primary key ("consumer", "event_id"));`);
    this.addSql(`create table "outbox" ("id" uuid not null, "type" varchar(100) not null, "envelope" jsonb not null, "created_at" timestamptz not null, "published_at" timestamptz null, "attempts" int not null default 0, "last_error" text null, "next_attempt_at" timestamptz not null default now(), constraint "outbox_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_due_index" on "outbox" ("next_attempt_at", "created_at") where "published_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "outbox" cascade;`);
    this.addSql(`drop table if exists "inbox" cascade;`);
  }
}
