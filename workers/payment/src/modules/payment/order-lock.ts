import type { SqlEntityManager } from '@mikro-orm/postgresql';

/**
 * Holds a per-order lock until the surrounding (short) transaction ends; never across a provider call. The
 * consumer applies deliveries concurrently, so without it an order.cancelled could look for the payment while
 * order.placed is claiming its charge, miss it, and void an order that is being charged.
 */
export async function lockOrder(em: SqlEntityManager, orderId: string): Promise<void> {
  await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`payment:order:${orderId}`]);
}
