import { Migration } from '@mikro-orm/migrations';

export class Migration20261121182912 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "products" add column "version" int not null default 1;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "products" drop column "version";`);
  }
}
