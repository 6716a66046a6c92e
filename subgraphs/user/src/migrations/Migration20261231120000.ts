import { Migration } from '@mikro-orm/migrations';

export class Migration20261231120000 extends Migration {
  override async up(): Promise<void> {
    // The role column's check named the two roles there were; SELLER is the third.
    this.addSql(`alter table "users" drop constraint if exists "users_role_check";`);
    this.addSql(`alter table "users" add constraint "users_role_check" check ("role" in ('CUSTOMER', 'SELLER', 'ADMIN'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`update "users" set "role" = 'CUSTOMER' where "role" = 'SELLER';`);
    this.addSql(`alter table "users" drop constraint if exists "users_role_check";`);
    this.addSql(`alter table "users" add constraint "users_role_check" check ("role" in ('CUSTOMER', 'ADMIN'));`);
  }
}
