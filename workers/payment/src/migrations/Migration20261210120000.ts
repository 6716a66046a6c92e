import { Migration } from '@mikro-orm/migrations';

export class Migration20261210120000 extends Migration {
  override async up(): Promise<void> {
    // A row that fails to publish waits for its retry here instead of holding back the rows behind it.
    this.addSql(`alter table "outbox" add column "next_attempt_at" timestamptz not null default now();`);
    this.addSql(`drop index if exists "outbox_unpublished_index";`);
    this.addSql(`create index "outbox_due_index" on "outbox" ("next_attempt_at", "created_at") where "published_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "outbox_due_index";`);
    this.addSql(`create index "outbox_unpublished_index" on "outbox" ("created_at") where "published_at" is null;`);
    this.addSql(`alter table "outbox" drop column "next_attempt_at";`);
  }
}
