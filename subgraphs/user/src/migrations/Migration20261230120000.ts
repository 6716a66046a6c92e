import { Migration } from '@mikro-orm/migrations';

export class Migration20261230120000 extends Migration {
  override async up(): Promise<void> {
    // Defaults keep every existing account as it was: e-mail on, SMS off, no phone.
    this.addSql(`alter table "users" add column "phone" varchar(16) null;`);
    this.addSql(`alter table "users" add column "email_notifications" boolean not null default true;`);
    this.addSql(`alter table "users" add column "sms_notifications" boolean not null default false;`);
    this.addSql(`alter table "users" add column "profile_revision" int not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "users" drop column "phone", drop column "email_notifications", drop column "sms_notifications", drop column "profile_revision";`);
  }
}
