import type { FilterQuery } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { badInput, decodeCursor, encodeCursor, forbidden, isUuid, money, pageSize, PageInfo, requireCaller, type Caller } from '@shop/kit';
import { ProductRef } from '../order/order.type.js';
import { Sale } from '../order/order.entity.js';
import { SaleConnection, SaleType } from './sales.type.js';

const sortKey = (sale: Sale) => [sale.soldAt.toISOString(), sale.orderId, sale.productId];

/** A seller's sold lines. They are the seller's business: the seller themselves (or an ADMIN) may read them, nobody else. */
export class SalesService {
  constructor(private readonly em: SqlEntityManager) {}

  /** Newest first, keyset-paged on (soldAt, orderId, productId): one index range per page. */
  async salesOf(caller: Caller | null, sellerId: string, first: number, after: string | null): Promise<SaleConnection> {
    const me = requireCaller(caller);
    if (me.userId !== sellerId && me.role !== 'ADMIN') throw forbidden("You cannot see another seller's sales");
    const size = pageSize(first);
    const mine: FilterQuery<Sale> = { sellerId };
    let where = mine;
    if (after) {
      const [at, orderId, productId] = decodeCursor(after, 3) as [string, string, string];
      const soldAt = new Date(at);
      if (Number.isNaN(soldAt.getTime()) || !isUuid(String(orderId)) || !isUuid(String(productId)))
        throw badInput([{ field: 'after', message: 'is not a cursor this API issued' }]);
      where = {
        sellerId,
        $or: [{ soldAt: { $lt: soldAt } }, { soldAt, orderId: { $lt: orderId } }, { soldAt, orderId, productId: { $lt: productId } }],
      };
    }
    const [rows, totalCount] = await Promise.all([
      this.em.find(Sale, where, { orderBy: { soldAt: 'desc', orderId: 'desc', productId: 'desc' }, limit: size + 1 }),
      this.em.fork().count(Sale, mine),
    ]);
    const page = rows.slice(0, size);
    const edges = page.map((sale) => ({ cursor: encodeCursor(sortKey(sale)), node: toSaleType(sale) }));
    return Object.assign(new SaleConnection(), {
      edges,
      pageInfo: Object.assign(new PageInfo(), { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null }),
      totalCount,
    });
  }
}

function toSaleType(sale: Sale): SaleType {
  return Object.assign(new SaleType(), {
    id: `${sale.orderId}:${sale.productId}`,
    orderId: sale.orderId,
    product: Object.assign(new ProductRef(), { id: sale.productId }),
    name: sale.name,
    quantity: sale.quantity,
    unitPrice: money(sale.unitPriceCents, sale.currency),
    lineTotal: money(sale.unitPriceCents * sale.quantity, sale.currency),
    soldAt: sale.soldAt,
  });
}
