import { z } from 'zod';

// One schema per event type. Changes are additive: new fields are optional, nothing is renamed or removed.
const uuid = z.uuid();
const cents = z.number().int().min(0);
const currency = z.string().regex(/^[A-Z]{3}$/);
const orderLine = z.object({
  productId: uuid,
  name: z.string(),
  quantity: z.number().int().min(1),
  unitPriceCents: cents,
  /** The user who sold it (null or absent: the shop's own product, or an event from before sellers). */
  sellerId: uuid.nullable().optional(),
});

export const eventContracts = {
  'user.registered': z.object({
    userId: uuid,
    email: z.string(),
    name: z.string(),
    /** E.164, when given at sign-up. */
    phone: z.string().optional(),
  }),
  /**
   * The user changed their name or phone (null: removed). `revision` grows with every profile or preference change
   * of that user, so a consumer keeps the newest it has seen and ignores an older one that arrives late.
   */
  'user.profile_updated': z.object({ userId: uuid, name: z.string(), phone: z.string().nullable(), revision: z.number().int().min(1) }),
  /** Which channels the user wants notifications on (`revision` as in user.profile_updated). */
  'user.preferences_changed': z.object({ userId: uuid, email: z.boolean(), sms: z.boolean(), revision: z.number().int().min(1) }),
  'order.placed': z.object({
    orderId: uuid,
    userId: uuid,
    items: z.array(orderLine).min(1),
    totalCents: cents,
    currency,
    /** No longer written: the token in plain text. Still accepted from events published before the sealed one. */
    paymentToken: z.string().min(1).optional(),
    /** The payment token sealed (AES-256-GCM, PAYMENT_TOKEN_KEY, bound to orderId); only the payment worker opens it. */
    paymentTokenSealed: z.string().min(1).optional(),
    /** The newest change to the cart lines the order was placed from: the cart keeps any line changed after it. */
    cartSnapshotAt: z.iso.datetime({ offset: true }).optional(),
  }),
  /** The payment was captured; the product subgraph commits the reservation and answers with a stock.* event. */
  'order.paid': z.object({ orderId: uuid, userId: uuid }),
  /** An unfinished checkout (reservation outcome unknown, never retried) was given up: release what it holds. */
  'checkout.abandoned': z.object({ orderId: uuid, userId: uuid }),
  /** The paid order's reserved units are sold. */
  'stock.committed': z.object({ orderId: uuid }),
  /** The paid order's units could not be committed (the hold had lapsed, or nothing was reserved): it must be refunded. */
  'stock.commit_failed': z.object({ orderId: uuid, reason: z.enum(['released', 'not_reserved']) }),
  'payment.succeeded': z.object({ orderId: uuid, paymentId: uuid, amountCents: cents, currency }),
  'payment.failed': z.object({ orderId: uuid, paymentId: uuid.optional(), reason: z.string() }),
  /** A succeeded payment was given back in full because its order was cancelled. */
  'payment.refunded': z.object({ orderId: uuid, paymentId: uuid, amountCents: cents, currency }),
  'order.confirmed': z.object({ orderId: uuid, userId: uuid, totalCents: cents, currency, items: z.array(orderLine) }),
  'order.cancelled': z.object({
    orderId: uuid,
    userId: uuid,
    reason: z.enum(['payment_failed', 'expired', 'customer']),
    detail: z.string().optional(),
    refunded: z.boolean().optional(),
  }),
  'product.price_changed': z.object({
    productId: uuid,
    oldPriceCents: cents,
    newPriceCents: cents,
    currency,
    /** The product's name at the change, for messages to people. */
    name: z.string().optional(),
  }),
  /**
   * A seller's product is down to `stock` units on sale, at or below the shop's `threshold`: one per time it runs
   * low (the next only after a restock above the threshold).
   */
  'product.low_stock': z.object({
    productId: uuid,
    sellerId: uuid,
    name: z.string(),
    stock: z.number().int().min(0),
    threshold: z.number().int().min(0),
  }),
  /**
   * A product in the user's cart now costs less than when it was added (`oldPriceCents` is the line's priceWhenAdded).
   * One per cart line and price change; a consumer tells the user once per (user, product, new price).
   */
  'cart.price_dropped': z.object({
    userId: uuid,
    productId: uuid,
    oldPriceCents: cents,
    newPriceCents: cents,
    currency,
    /** As product.price_changed had it. */
    productName: z.string().optional(),
  }),
} as const;

export type EventType = keyof typeof eventContracts;
export type EventData<T extends EventType> = z.infer<(typeof eventContracts)[T]>;

export const EVENT_TYPES = Object.keys(eventContracts) as EventType[];

/** What travels on the wire: the routing key is `type`. */
export const envelopeSchema = z.object({
  id: uuid,
  type: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1),
  data: z.unknown(),
});

export interface EventEnvelope<T extends EventType = EventType> {
  id: string;
  type: T;
  occurredAt: string;
  correlationId: string;
  data: EventData<T>;
}

export type ParsedEvent = { [T in EventType]: EventEnvelope<T> }[EventType];

export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

/** Parses a delivery against the envelope and its type's contract; anything else is a ContractViolation (dead-lettered). */
export function parseEvent(content: Buffer | string): ParsedEvent {
  let json: unknown;
  try {
    json = JSON.parse(content.toString());
  } catch {
    throw new ContractViolation('not JSON');
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success)
    throw new ContractViolation(`bad envelope: ${envelope.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const contract = eventContracts[envelope.data.type as EventType];
  if (!contract) throw new ContractViolation(`unknown event type ${envelope.data.type}`);
  const data = contract.safeParse(envelope.data.data);
  if (!data.success)
    throw new ContractViolation(
      `bad ${envelope.data.type}: ${data.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return { ...envelope.data, data: data.data } as ParsedEvent;
}
