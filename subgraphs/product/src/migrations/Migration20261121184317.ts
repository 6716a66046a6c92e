import { Migration } from '@mikro-orm/migrations';

export class Migration20261121184317 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "products" add column "archived_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "products" drop column "archived_at";`);
  }

}
