import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { AfterCommit } from '@shop/messaging';
import type { ProductCache, ProductRecord } from '../../product/product.cache.js';
import { StockService } from '../stock.service.js';

export interface HandlerContext {
  cache: ProductCache;
  reservationTtlSeconds: number;
  /** Wakes the outbox relay once a reply recorded by a handler has committed. */
  nudge: () => void;
}

/** The stock ledger on the inbox transaction's EntityManager: its changes commit with the inbox row. */
export const stockIn = (context: HandlerContext, em: SqlEntityManager) =>
  new StockService(em, context.cache, context.reservationTtlSeconds);

/** After the commit: the cache shows the new stock and the relay publishes the reply. */
export const afterCommit =
  (context: HandlerContext, stock: StockService, changed: ProductRecord[] = []): AfterCommit =>
  async () => {
    context.nudge();
    if (changed.length) await stock.refreshCache(changed);
  };
