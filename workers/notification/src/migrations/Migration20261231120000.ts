import { Migration } from '@mikro-orm/migrations';

export class Migration20261231120000 extends Migration {
  override async up(): Promise<void> {
    // One order.confirmed now owes a mail to each seller in it, of one kind: a mail with a once key is unique by that
    // key (per order and seller); only mails without one stay unique per (event, kind).
    this.addSql(`alter table "mails" drop constraint if exists "mails_event_kind_unique";`);
    this.addSql(`create unique index "mails_event_kind_unique" on "mails" ("event_id", "kind") where "once_key" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "mails_event_kind_unique";`);
    this.addSql(`alter table "mails" add constraint "mails_event_kind_unique" unique ("event_id", "kind");`);
  }
}
