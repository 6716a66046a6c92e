import { Migration } from '@mikro-orm/migrations';

export class Migration20261230120000 extends Migration {
  override async up(): Promise<void> {
    // Recipients known before this keep getting mails (e-mail on, SMS off), as their accounts' defaults say.
    this.addSql(`alter table "recipients" add column "phone" varchar(16) null;`);
    this.addSql(`alter table "recipients" add column "email_enabled" boolean not null default true;`);
    this.addSql(`alter table "recipients" add column "sms_enabled" boolean not null default false;`);
    this.addSql(`alter table "recipients" add column "profile_revision" int not null default 0;`);
    this.addSql(`alter table "recipients" add column "preferences_revision" int not null default 0;`);

    this.addSql(`alter table "mails" add column "once_key" varchar(200) null;`);
    this.addSql(`alter table "mails" add constraint "mails_once_key_unique" unique ("once_key");`);

    this.addSql(`create table "texts" ("id" uuid not null, "event_id" uuid not null, "kind" varchar(20) not null, "to" varchar(16) not null, "text" text not null, "correlation_id" varchar(100) not null, "status" varchar(10) not null default 'pending', "attempts" int not null default 0, "last_error" text null, "created_at" timestamptz not null, "next_attempt_at" timestamptz not null, "sent_at" timestamptz null, constraint "texts_pkey" primary key ("id"));`);
    this.addSql(`create index "texts_pending_index" on "texts" ("next_attempt_at") where "status" = 'pending';`);
    this.addSql(`alter table "texts" add constraint "texts_event_kind_unique" unique ("event_id", "kind");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "texts" cascade;`);
    this.addSql(`alter table "mails" drop constraint "mails_once_key_unique";`);
    this.addSql(`alter table "mails" drop column "once_key";`);
    this.addSql(`alter table "recipients" drop column "phone", drop column "email_enabled", drop column "sms_enabled", drop column "profile_revision", drop column "preferences_revision";`);
  }
}
