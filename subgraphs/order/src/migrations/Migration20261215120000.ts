import { Migration } from '@mikro-orm/migrations';

export class Migration20261215120000 extends Migration {
  override async up(): Promise<void> {
    // Stock and cart follow-ups are now the product and cart subgraphs' own consumers of order events. Orders a
    // settlement loop had not finished are handed over as events: a PAID order's stock is committed through
    // order.paid, a failed or cancelled one's reservation is released through checkout.abandoned (which only
    // frees held units). Cart lines of orders not yet cleared stay in their carts.
    this.addSql(`insert into "outbox" ("id", "type", "envelope", "created_at", "next_attempt_at")
      select e.id, 'order.paid', jsonb_build_object('id', e.id, 'type', 'order.paid', 'occurredAt', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'correlationId', o.correlation_id, 'data', jsonb_build_object('orderId', o.id, 'userId', o.user_id)), now(), now()
      from "orders" o cross join lateral (select gen_random_uuid() as id) e
      where o.status = 'PAID' and not o.stock_settled;`);
    this.addSql(`insert into "outbox" ("id", "type", "envelope", "created_at", "next_attempt_at")
      select e.id, 'checkout.abandoned', jsonb_build_object('id', e.id, 'type', 'checkout.abandoned', 'occurredAt', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'correlationId', o.correlation_id, 'data', jsonb_build_object('orderId', o.id, 'userId', o.user_id)), now(), now()
      from "orders" o cross join lateral (select gen_random_uuid() as id) e
      where o.status in ('PAYMENT_FAILED', 'CANCELLED') and not o.stock_settled;`);
    this.addSql(`alter table "orders" drop column "stock_settled", drop column "cart_cleared";`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "orders" add column "stock_settled" boolean not null default true, add column "cart_cleared" boolean not null default true;`);
  }
}
