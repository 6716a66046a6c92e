import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { AppError } from '@shop/kit';

export const ORDER_STATUSES = ['PENDING', 'PAID', 'CONFIRMED', 'PAYMENT_FAILED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The only moves an order can make; nothing leaves a final state. */
const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING: ['PAID', 'PAYMENT_FAILED', 'CANCELLED'],
  PAID: ['CONFIRMED', 'CANCELLED'],
  // Stryker disable ArrayDeclaration: equivalent, a final state's [] filled with a made-up string admits no OrderStatus
  CONFIRMED: [],
  PAYMENT_FAILED: [],
  CANCELLED: [],
};
// Stryker restore ArrayDeclaration

export class InvalidTransition extends AppError {
  constructor(from: OrderStatus, to: OrderStatus) {
    super('CONFLICT', `An order that is ${from} cannot become ${to}`, { from, to });
  }
}

@Entity({ tableName: 'orders' })
@Unique({ name: 'orders_user_idempotency_key_unique', properties: ['userId', 'idempotencyKey'] })
@Index({ name: 'orders_user_newest_idx', properties: ['userId', 'createdAt', 'id'] })
export class Order {
  [OptionalProps]?: 'status' | 'failureReason' | 'refunded' | 'revision' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'string', length: 200 })
  idempotencyKey!: string;

  @Enum({ items: () => ORDER_STATUSES, type: 'string', length: 20 })
  status: OrderStatus = 'PENDING';

  @Property({ type: 'integer' })
  totalCents!: number;

  @Property({ type: 'string', length: 3, columnType: 'char(3)' })
  currency!: string;

  @Property({ type: 'text', nullable: true })
  failureReason: string | null = null;

  /** Cancelled after the payment was captured: the payment worker refunds it. */
  @Property({ type: 'boolean' })
  refunded = false;

  /** The newest `updatedAt` among the cart lines bought: lines changed after it stay in the cart. */
  @Property({ type: 'datetime' })
  cartSnapshotAt!: Date;

  /** The request that placed the order; background steps log and emit with it. */
  @Property({ type: 'string', length: 100 })
  correlationId!: string;

  /** Number of status changes so far; each change carries it, so a subscriber can order and de-duplicate. */
  @Property({ type: 'integer' })
  revision = 1;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();

  canBecome(to: OrderStatus): boolean {
    return NEXT[this.status].includes(to);
  }

  /** Moves the order (refusing any move its state does not allow) and returns the history entry to store. */
  transition(to: OrderStatus, reason: string | null = null, at = new Date()): OrderStatusChange {
    if (!this.canBecome(to)) throw new InvalidTransition(this.status, to);
    this.status = to;
    this.revision += 1;
    this.updatedAt = at;
    if (to === 'PAYMENT_FAILED' || to === 'CANCELLED') this.failureReason = reason;
    const change = new OrderStatusChange();
    Object.assign(change, { orderId: this.id, seq: this.revision, status: to, reason, at });
    return change;
  }
}

/** A snapshot of one line as bought: name and price as they were at checkout. */
@Entity({ tableName: 'order_items' })
export class OrderItem {
  [OptionalProps]?: 'sellerId';

  @PrimaryKey({ type: 'uuid' })
  orderId!: string;

  @PrimaryKey({ type: 'uuid' })
  productId!: string;

  @Property({ type: 'smallint' })
  position!: number;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'integer' })
  unitPriceCents!: number;

  @Property({ type: 'integer' })
  quantity!: number;

  /** Who sold it; null for the shop's own products. */
  @Property({ type: 'uuid', nullable: true })
  sellerId: string | null = null;
}

/** One line of a CONFIRMED order that a seller sold: what `User.sales` lists, newest first. Written once, never changed. */
@Entity({ tableName: 'sales' })
@Index({
  name: 'sales_seller_newest_index',
  expression: 'create index "sales_seller_newest_index" on "sales" ("seller_id", "sold_at" desc, "order_id" desc, "product_id" desc)',
})
export class Sale {
  @PrimaryKey({ type: 'uuid' })
  orderId!: string;

  @PrimaryKey({ type: 'uuid' })
  productId!: string;

  @Property({ type: 'uuid' })
  sellerId!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'integer' })
  unitPriceCents!: number;

  @Property({ type: 'integer' })
  quantity!: number;

  @Property({ type: 'string', length: 3, columnType: 'char(3)' })
  currency!: string;

  /** When the order became CONFIRMED. */
  @Property({ type: 'datetime' })
  soldAt!: Date;
}

@Entity({ tableName: 'order_status_changes' })
export class OrderStatusChange {
  @PrimaryKey({ type: 'uuid' })
  orderId!: string;

  @PrimaryKey({ type: 'integer' })
  seq!: number;

  @Enum({ items: () => ORDER_STATUSES, type: 'string', length: 20 })
  status!: OrderStatus;

  @Property({ type: 'text', nullable: true })
  reason: string | null = null;

  @Property({ type: 'datetime' })
  at!: Date;
}

export type CheckoutState = 'reserving' | 'placed' | 'abandoned';

/**
 * One checkout attempt per (user, idempotency key), written before stock is reserved. It is what lets a retry
 * continue the same attempt, and what lets the due work give up (and release) a reservation whose outcome was lost.
 */
@Entity({ tableName: 'checkouts' })
@Unique({ name: 'checkouts_user_idempotency_key_unique', properties: ['userId', 'idempotencyKey'] })
export class Checkout {
  [OptionalProps]?: 'state' | 'attempt' | 'lines' | 'claimedAt' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'string', length: 200 })
  idempotencyKey!: string;

  @Property({ type: 'string', length: 10 })
  state: CheckoutState = 'reserving';

  /** Bumped by whoever takes the attempt over; only the current holder may finish it. */
  @Property({ type: 'integer' })
  attempt = 1;

  /** The cart lines this checkout buys, fixed by its first attempt: every retry reserves, stores and charges these. */
  @Property({ type: 'json', nullable: true })
  lines: Array<{ productId: string; quantity: number; updatedAt: string }> | null = null;

  @Property({ type: 'datetime' })
  claimedAt: Date = new Date();

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
