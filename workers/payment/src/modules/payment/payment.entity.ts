import { randomUUID } from 'node:crypto';
import { Check, Entity, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';

export type PaymentStatus = 'pending' | 'succeeded' | 'failed' | 'refunded' | 'voided';

/**
 * One payment per order: the unique order id makes a second one impossible, whatever arrives twice. A
 * `voided` row records an order cancelled before it was charged (so it never will be): no charge, and
 * no amount, since the cancellation does not carry one. A `pending` row is a charge claimed and committed before
 * the provider is called: a cancellation that finds it waits for the charge's result.
 */
@Entity({ tableName: 'payments' })
@Check({
  name: 'payments_charged_unless_voided',
  expression: "status = 'voided' or (amount_cents is not null and currency is not null and (charge_id is not null or status = 'pending'))",
})
export class Payment {
  [OptionalProps]?: 'createdAt' | 'failureReason' | 'refundId' | 'refundedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Unique({ name: 'payments_order_id_unique' })
  @Property({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'integer', nullable: true })
  amountCents!: number | null;

  @Property({ type: 'string', length: 3, columnType: 'char(3)', nullable: true })
  currency!: string | null;

  @Property({ type: 'string', length: 10 })
  status!: PaymentStatus;

  @Property({ type: 'string', length: 100, nullable: true })
  chargeId!: string | null;

  @Property({ type: 'text', nullable: true })
  failureReason: string | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  refundId: string | null = null;

  @Property({ type: 'datetime', nullable: true })
  refundedAt: Date | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}

/** The simulated provider's own records (a real provider keeps these on its side). */
@Entity({ tableName: 'simulated_charges' })
export class SimulatedCharge {
  @PrimaryKey({ type: 'string', length: 200 })
  idempotencyKey!: string;

  @Property({ type: 'string', length: 100 })
  chargeId!: string;

  @Property({ type: 'string', length: 10 })
  status!: string;

  @Property({ type: 'text', nullable: true })
  reason!: string | null;

  @Property({ type: 'integer' })
  amountCents!: number;

  @Property({ type: 'string', length: 3, columnType: 'char(3)' })
  currency!: string;

  @Property({ type: 'datetime' })
  createdAt!: Date;
}

/** The simulated provider's refunds, one per idempotency key. */
@Entity({ tableName: 'simulated_refunds' })
export class SimulatedRefund {
  @PrimaryKey({ type: 'string', length: 200 })
  idempotencyKey!: string;

  @Property({ type: 'string', length: 100 })
  refundId!: string;

  @Property({ type: 'string', length: 100 })
  chargeId!: string;

  @Property({ type: 'integer' })
  amountCents!: number;

  @Property({ type: 'string', length: 3, columnType: 'char(3)' })
  currency!: string;

  @Property({ type: 'datetime' })
  createdAt!: Date;
}
