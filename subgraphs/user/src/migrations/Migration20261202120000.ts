import { Migration } from '@mikro-orm/migrations';

export class Migration20261202120000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "users" add column "seeded_admin" boolean not null default false;`);
    // Accounts that already are ADMIN keep working as the seeded admin: this grants nobody anything new.
    this.addSql(`update "users" set "seeded_admin" = true where "role" = 'ADMIN';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "users" drop column "seeded_admin";`);
  }

}
