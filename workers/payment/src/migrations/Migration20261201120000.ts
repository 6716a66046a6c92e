import { Migration } from '@mikro-orm/migrations';

export class Migration20261201120000 extends Migration {

  override async up(): Promise<void> {
    // A `pending` payment is claimed before the provider is called (outside any transaction): no charge id yet.
    this.addSql(`alter table "payments" drop constraint payments_charged_unless_voided;`);
    this.addSql(`alter table "payments" add constraint payments_charged_unless_voided check (status = 'voided' or (amount_cents is not null and currency is not null and (charge_id is not null or status = 'pending')));`);
  }

  override async down(): Promise<void> {
    // Fails while pending payments exist: finish them (redeliver their order.placed) first.
    this.addSql(`alter table "payments" drop constraint payments_charged_unless_voided;`);
    this.addSql(`alter table "payments" add constraint payments_charged_unless_voided check (status = 'voided' or (amount_cents is not null and currency is not null and charge_id is not null));`);
  }

}
