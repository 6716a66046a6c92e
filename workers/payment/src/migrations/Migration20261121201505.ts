import { Migration } from '@mikro-orm/migrations';

export class Migration20261121201505 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "payments" alter column "amount_cents" drop not null, alter column "currency" drop not null, alter column "charge_id" drop not null;`);
    this.addSql(`alter table "payments" add column "refund_id" varchar(100) null, add column "refunded_at" timestamptz null;`);
    this.addSql(`alter table "payments" add constraint payments_charged_unless_voided check (status = 'voided' or (amount_cents is not null and currency is not null and charge_id is not null));`);

    this.addSql(`create table "simulated_refunds" ("idempotency_key" varchar(200) not null, "refund_id" varchar(100) not null, "charge_id" varchar(100) not null, "amount_cents" int not null, "currency" char(3) not null, "created_at" timestamptz not null, constraint "simulated_refunds_pkey" primary key ("idempotency_key"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "simulated_refunds" cascade;`);

    // Fails while voided payments exist: dropping them would let those cancelled orders be charged.
    this.addSql(`alter table "payments" drop constraint payments_charged_unless_voided;`);
    this.addSql(`alter table "payments" drop column "refund_id", drop column "refunded_at";`);
    this.addSql(`alter table "payments" alter column "amount_cents" set not null, alter column "currency" set not null, alter column "charge_id" set not null;`);
  }

}
