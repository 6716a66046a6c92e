import { Migration } from '@mikro-orm/migrations';

export class Migration20261202140000 extends Migration {
  override async up(): Promise<void> {
    // The cart lines an attempt reserves, kept so a retry reserves, stores and charges the same ones.
    this.addSql(`alter table "checkouts" add column "lines" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "checkouts" drop column "lines";`);
  }
}
