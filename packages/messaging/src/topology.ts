import type { Channel } from 'amqplib';
import type { EventType } from './contracts.js';

export const queueNames = (consumer: string) => ({ main: consumer, retry: `${consumer}.retry`, dead: `${consumer}.dlq` });

/** Every consumer of the system and the events it consumes: the one list publishers and consumers declare from. */
export const CONSUMED_EVENTS = {
  order: ['payment.succeeded', 'payment.failed', 'stock.committed', 'stock.commit_failed'],
  product: ['order.paid', 'order.cancelled', 'checkout.abandoned'],
  cart: ['order.placed', 'product.price_changed'],
  payment: ['order.placed', 'order.cancelled'],
  notification: [
    'user.registered',
    'user.profile_updated',
    'user.preferences_changed',
    'order.confirmed',
    'order.cancelled',
    'cart.price_dropped',
    'product.low_stock',
  ],
  // Co-purchase counts and best sellers. CONFIRMED is final (nothing cancels it), so order.cancelled is not needed.
  recommendation: ['order.confirmed'],
} as const satisfies Record<string, readonly EventType[]>;

export type SystemConsumer = keyof typeof CONSUMED_EVENTS;

/**
 * Events no consumer wants yet: published without `mandatory`, so the broker may drop them. Any other event the
 * broker cannot route is a missing queue or binding, and stays in the outbox until it can be delivered.
 */
export const ANNOUNCED_ONLY_EVENTS: readonly EventType[] = ['payment.refunded'];

export interface ConsumerQueue {
  /** The main queue's name; `.retry` and `.dlq` are derived from it. */
  queue: string;
  events: readonly EventType[];
}

export type Topology = readonly ConsumerQueue[];

/**
 * The queues of every consumer, named as configured (ORDER_QUEUE, PRODUCT_QUEUE, CART_QUEUE, PAYMENT_QUEUE,
 * NOTIFICATION_QUEUE, RECOMMENDATION_QUEUE): each service reads them all, so whichever starts first creates every queue and no event can be published into
 * the void before its consumer has ever run.
 */
export function systemTopology(queues: Partial<Record<SystemConsumer, string>> = {}): Topology {
  return (Object.keys(CONSUMED_EVENTS) as SystemConsumer[]).map((consumer) => ({
    queue: queues[consumer] ?? consumer,
    events: CONSUMED_EVENTS[consumer],
  }));
}

/**
 * Declares the exchange, each consumer's queues and their bindings. Idempotent, and run by every channel's setup
 * (so again after a reconnect). The queue arguments must never change: redeclaring an existing queue with other
 * arguments fails with PRECONDITION_FAILED.
 */
export async function declareTopology(channel: Channel, exchange: string, topology: Topology): Promise<void> {
  await channel.assertExchange(exchange, 'topic', { durable: true });
  for (const { queue, events } of topology) {
    const queues = queueNames(queue);
    await channel.assertQueue(queues.main, { durable: true });
    await channel.assertQueue(queues.retry, { durable: true, deadLetterExchange: '', deadLetterRoutingKey: queues.main });
    await channel.assertQueue(queues.dead, { durable: true });
    for (const type of events) await channel.bindQueue(queues.main, exchange, type);
  }
}
