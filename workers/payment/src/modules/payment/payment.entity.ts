import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** One payment per order: the unique order id makes a second one impossible, whatever arrives twice. */
@Entity({ tableName: 'payments' })
export class Payment {
  [OptionalProps]?: 'createdAt' | 'failureReason';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Unique({ name: 'payments_order_id_unique' })
  @Property({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'integer' })
  amountCents!: number;

  @Property({ type: 'string', length: 3, columnType: 'char(3)' })
  currency!: string;

  @Property({ type: 'string', length: 10 })
  status!: 'succeeded' | 'failed';

  @Property({ type: 'string', length: 100 })
  chargeId!: string;

  @Property({ type: 'text', nullable: true })
  failureReason: string | null = null;

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
