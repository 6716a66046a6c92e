import { Migration } from '@mikro-orm/migrations';

export class Migration20261121191908 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "inbox" ("consumer" varchar(100) not null, "event_id" uuid not null, "type" varchar(100) not null, "processed_at" timestamptz not null, constraint "inbox_pkey" primary key ("consumer", "event_id"));`);

    this.addSql(`create table "mails" ("id" uuid not null, "event_id" uuid not null, "kind" varchar(20) not null, "to" varchar(254) not null, "subject" varchar(300) not null, "text" text not null, "correlation_id" varchar(100) not null, "status" varchar(10) not null default 'pending', "attempts" int not null default 0, "last_error" text null, "created_at" timestamptz not null, "next_attempt_at" timestamptz not null, "sent_at" timestamptz null, constraint "mails_pkey" primary key ("id"));`);
    this.addSql(`create index "mails_pending_index" on "mails" ("next_attempt_at") where "status" = 'pending';`);
    this.addSql(`alter table "mails" add constraint "mails_event_kind_unique" unique ("event_id", "kind");`);

    this.addSql(`create table "outbox" ("id" uuid not null, "type" varchar(100) not null, "envelope" jsonb not null, "created_at" timestamptz not null, "published_at" timestamptz null, "attempts" int not null default 0, "last_error" text null, constraint "outbox_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_unpublished_index" on "outbox" ("created_at") where "published_at" is null;`);

    this.addSql(`create table "recipients" ("user_id" uuid not null, "email" varchar(254) not null, "name" varchar(200) not null, "updated_at" timestamptz not null, constraint "recipients_pkey" primary key ("user_id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "inbox" cascade;`);

    this.addSql(`drop table if exists "mails" cascade;`);

    this.addSql(`drop table if exists "outbox" cascade;`);

    this.addSql(`drop table if exists "recipients" cascade;`);
  }

}
