import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { recordEvent } from '@shop/messaging';

/** What the low-stock alert needs to know of a product after its stock changed. */
export interface StockLevel {
  id: string;
  sellerId: string | null;
  name: string;
  stock: number;
  lowStockAlerted: boolean;
  archivedAt: Date | null;
}

export interface LowStockPolicy {
  /** LOW_STOCK_THRESHOLD: at or below it, the seller is told (once, until a restock above it). */
  threshold: number;
  correlationId: string;
}

/**
 * What a stock change means for the seller's alert: `alert` when a seller's product on sale is at or below the
 * threshold and its seller has not been told yet; `rearm` when a restock (a seller's or an administrator's stock
 * edit, not units coming back from a cancelled order) lifts an alerted product above it; otherwise nothing.
 */
export function lowStockChange(level: StockLevel, threshold: number, restock: boolean): 'alert' | 'rearm' | null {
  if (!level.sellerId || level.archivedAt) return null;
  if (level.stock <= threshold) return level.lowStockAlerted ? null : 'alert';
  return level.lowStockAlerted && restock ? 'rearm' : null;
}

/**
 * In the transaction that changed the stock (it holds the row's lock): the seller's alert goes out through the outbox.
 * For a level `lowStockChange` said `alert` of, which it says only of a product with a seller.
 */
export function recordLowStock(em: SqlEntityManager, level: StockLevel, policy: LowStockPolicy): void {
  if (!level.sellerId) throw new Error(`product ${level.id} has no seller to alert`);
  recordEvent(
    em,
    'product.low_stock',
    { productId: level.id, sellerId: level.sellerId, name: level.name, stock: level.stock, threshold: policy.threshold },
    policy.correlationId,
  );
}
