import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { AppError, amountTooLarge, BACKGROUND_SQL, badInput, MAX_MONEY_CENTS, isUuid, requireService, type Caller } from '@shop/kit';
import type { ProductCache, ProductRecord } from '../product/product.cache.js';
import { Product } from '../product/product.entity.js';
import { lowStockChange, recordLowStock, type LowStockPolicy } from './low-stock.js';
import type { ReservationStatus } from './stock-reservation.entity.js';

export type CommitOutcome = 'committed' | 'released' | 'not_reserved';

export interface StockLine {
  productId: string;
  quantity: number;
}

export interface ReservedLine {
  productId: string;
  quantity: number;
  name: string;
  unitPriceCents: number;
  currency: string;
  /** Who sells it (null: the house); the order keeps it, so each seller sees and is told of its own sales. */
  sellerId: string | null;
}

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  price_cents: number;
  currency: string;
  stock: number;
  updated_at: Date;
  archived_at: Date | null;
  seller_id: string | null;
  low_stock_alerted: boolean;
  version: number;
}

const toRecord = (row: ProductRow): ProductRecord => ({
  id: row.id,
  sku: row.sku,
  name: row.name,
  description: row.description,
  priceCents: row.price_cents,
  currency: row.currency,
  stock: row.stock,
  updatedAt: new Date(row.updated_at),
  archivedAt: row.archived_at ? new Date(row.archived_at) : null,
  sellerId: row.seller_id,
  version: row.version,
});

export class StockService {
  constructor(
    private readonly em: SqlEntityManager,
    private readonly cache: ProductCache,
    private readonly reservationTtlSeconds: number,
    /** Needed by `reserve` only (the one path that takes stock away); background steps only ever give units back. */
    private readonly lowStock?: LowStockPolicy & { eventsWritten: () => void },
  ) {}

  /**
   * Reserves every line or none, at the current prices. Idempotent per order: a retry returns the first
   * reservation, unless it was released (CONFLICT: its units went back on sale, the checkout must start over).
   * Each line is one conditional UPDATE (no read-modify-write), taken in product-id order so concurrent
   * multi-line reservations cannot deadlock.
   */
  async reserve(caller: Caller | null, orderId: string, lines: StockLine[], maxTotalCents = MAX_MONEY_CENTS): Promise<ReservedLine[]> {
    requireService(caller);
    checkOrderId(orderId);
    const merged = mergeLines(lines);
    const lowStock = this.lowStock;
    if (!lowStock) throw new Error('StockService.reserve needs the low-stock policy');
    let alerted = false;
    const { reserved, changed } = await this.em.transactional(async (em) => {
      const existing: Array<{ product_id: string; quantity: number; status: ReservationStatus }> = await em.execute(
        'select product_id, quantity, status from stock_reservations where order_id = ?',
        [orderId],
      );
      if (existing.some((r) => r.status === 'released'))
        throw new AppError('CONFLICT', 'This checkout expired; start a new one', { orderId });
      if (existing.length) {
        const products: ProductRow[] = await em.execute('select * from products where id in (?)', [existing.map((r) => r.product_id)]);
        return {
          reserved: existing.map((r) =>
            lineOf(
              products.find((p) => p.id === r.product_id)!,
              r.quantity,
            ),
          ),
          changed: [] as ProductRow[],
        };
      }
      const changed: ProductRow[] = [];
      for (const line of merged) {
        // Decrement only if enough is left: one statement, so concurrent checkouts cannot oversell.
        const [row] = await em.execute<ProductRow[]>(
          `update products set stock = stock - ?, version = version + 1, updated_at = now()
           where id = ? and stock >= ? and archived_at is null returning *`,
          [line.quantity, line.productId, line.quantity],
        );
        if (!row) {
          const product = await em.findOne(Product, { id: line.productId });
          if (!product) throw new AppError('NOT_FOUND', `Product ${line.productId} was not found`, { productId: line.productId });
          const available = product.archivedAt ? 0 : product.stock;
          throw new AppError('OUT_OF_STOCK', `Only ${available} of ${product.name} left`, {
            productId: product.id,
            productName: product.name,
            available,
            requested: line.quantity,
          });
        }
        changed.push(row);
      }
      // Checked at the prices just locked, and thrown inside the transaction: an order too large reserves nothing.
      const totalCents = changed.reduce((sum, row, i) => sum + row.price_cents * merged[i]!.quantity, 0);
      if (totalCents > maxTotalCents) throw amountTooLarge('The order total', maxTotalCents, changed[0]!.currency);
      for (const row of changed) {
        const level = {
          id: row.id,
          sellerId: row.seller_id,
          name: row.name,
          stock: row.stock,
          lowStockAlerted: row.low_stock_alerted,
          archivedAt: row.archived_at,
        };
        if (lowStockChange(level, lowStock.threshold, false) !== 'alert') continue;
        // The row is locked by this transaction's UPDATE: no concurrent reservation can alert twice.
        await em.execute('update products set low_stock_alerted = true where id = ?', [row.id]);
        recordLowStock(em, level, lowStock);
        alerted = true;
      }
      const expiresAt = new Date(Date.now() + this.reservationTtlSeconds * 1000);
      await em.execute(
        `insert into stock_reservations (order_id, product_id, quantity, status, expires_at, created_at, updated_at)
         values ${merged.map(() => "(?, ?, ?, 'held', ?, now(), now())").join(', ')}`,
        merged.flatMap((line) => [orderId, line.productId, line.quantity, expiresAt]),
      );
      return { reserved: changed.map((row, i) => lineOf(row, merged[i]!.quantity)), changed };
    });
    if (alerted) lowStock.eventsWritten();
    await this.cache.put(changed.map(toRecord));
    return reserved;
  }

  /**
   * Inside the caller's transaction (the order.paid handler's): the held units are sold. `committed` once the
   * reservation is committed, by this call or an earlier one; `released` if its units went back on sale first;
   * `not_reserved` if the order reserved nothing. Stock itself does not change: it was taken at reservation.
   */
  async commit(orderId: string): Promise<CommitOutcome> {
    const rows: unknown[] = await this.em.execute(
      `update stock_reservations set status = 'committed', updated_at = now() where order_id = ? and status = 'held' returning product_id`,
      [orderId],
    );
    if (rows.length > 0) return 'committed';
    // Nothing was held: find out why. A reservation changes status in one statement for all its lines.
    const statuses: Array<{ status: ReservationStatus }> = await this.em.execute(
      'select distinct status from stock_reservations where order_id = ?',
      [orderId],
    );
    if (statuses.length === 0) return 'not_reserved';
    return statuses.every((r) => r.status === 'committed') ? 'committed' : 'released';
  }

  /**
   * Inside the caller's transaction: the order's units in the given states go back on sale (held ones for a
   * failed, expired or abandoned order; committed ones too when a paid order was cancelled). Idempotent. Returns
   * the products whose stock changed; put them in the cache once the transaction has committed.
   */
  async giveBack(orderId: string, statuses: readonly ReservationStatus[]): Promise<ProductRecord[]> {
    return (
      await this.returnUnits(this.em, `order_id = ? and status in (${statuses.map(() => '?').join(', ')})`, [orderId, ...statuses])
    ).map(toRecord);
  }

  /** After the commit of `commit`/`giveBack`'s transaction: readers see the new stock at once. */
  async refreshCache(records: ProductRecord[]): Promise<void> {
    await this.cache.put(records);
  }

  /** Releases reservations held past their expiry (orders never stored, or never paid). Returns units released. */
  async releaseExpired(): Promise<number> {
    // A cheap look first: the sweeper opens no transaction while nothing has expired.
    const due: unknown[] = await this.em.execute(
      `${BACKGROUND_SQL} select 1 from stock_reservations where status = 'held' and expires_at < now() limit 1`,
    );
    if (due.length === 0) return 0;
    const changed = await this.em.transactional((em) => this.returnUnits(em, "status = 'held' and expires_at < now()", []));
    await this.cache.put(changed.map(toRecord));
    return changed.length;
  }

  /** Marks the matching reservation lines released and adds their units back, in product-id order (no deadlocks). */
  private async returnUnits(em: SqlEntityManager, condition: string, params: unknown[]): Promise<ProductRow[]> {
    const released: Array<{ product_id: string; quantity: number }> = await em.execute(
      `update stock_reservations set status = 'released', updated_at = now() where ${condition} returning product_id, quantity`,
      params,
    );
    const rows: ProductRow[] = [];
    for (const line of [...released].sort((a, b) => a.product_id.localeCompare(b.product_id))) {
      const [row] = await em.execute<ProductRow[]>(
        'update products set stock = stock + ?, version = version + 1, updated_at = now() where id = ? returning *',
        [line.quantity, line.product_id],
      );
      if (row) rows.push(row);
    }
    return rows;
  }
}

function checkOrderId(orderId: string): void {
  if (!isUuid(orderId)) throw badInput([{ field: 'orderId', message: 'must be a UUID' }]);
}

function mergeLines(lines: StockLine[]): StockLine[] {
  if (lines.length === 0) throw badInput([{ field: 'lines', message: 'must not be empty' }]);
  const byProduct = new Map<string, number>();
  for (const line of lines) {
    if (!isUuid(line.productId)) throw new AppError('NOT_FOUND', `Product ${line.productId} was not found`, { productId: line.productId });
    if (!Number.isInteger(line.quantity) || line.quantity < 1) throw badInput([{ field: 'quantity', message: 'must be at least 1' }]);
    byProduct.set(line.productId, (byProduct.get(line.productId) ?? 0) + line.quantity);
  }
  // Lock rows in one global order (by id): two multi-line reservations can then never wait on each other in a cycle.
  return [...byProduct].map(([productId, quantity]) => ({ productId, quantity })).sort((a, b) => a.productId.localeCompare(b.productId));
}

const lineOf = (row: ProductRow, quantity: number): ReservedLine => ({
  productId: row.id,
  quantity,
  name: row.name,
  unitPriceCents: row.price_cents,
  currency: row.currency,
  sellerId: row.seller_id,
});
