import { Migration } from '@mikro-orm/migrations';

export class Migration20261202130000 extends Migration {
  override async up(): Promise<void> {
    // Hashes of the secrets a session rotated away: presenting one of those (and only those) is reuse.
    this.addSql(`alter table "sessions" add column "retired_hashes" jsonb not null default '[]';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "sessions" drop column "retired_hashes";`);
  }
}
