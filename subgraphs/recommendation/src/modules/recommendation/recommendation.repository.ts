import type { SqlEntityManager } from '@mikro-orm/postgresql';

export interface ConfirmedOrder {
  orderId: string;
  userId: string;
  confirmedAt: Date;
  /** One per product. */
  lines: Array<{ productId: string; quantity: number }>;
}

const list = (values: readonly unknown[]) => values.map(() => '?').join(', ');

/** The subgraph's SQL, every read one statement whatever the number of products asked about. */
export class RecommendationRepository {
  constructor(private readonly em: SqlEntityManager) {}

  /** Records the order's purchases and, only if they were new, its co-purchase pairs. False when already recorded. */
  async recordOrder(order: ConfirmedOrder): Promise<boolean> {
    if (order.lines.length === 0) return false;
    const inserted: Array<{ product_id: string }> = await this.em.execute(
      `insert into purchases (order_id, product_id, user_id, quantity, confirmed_at)
       values ${order.lines.map(() => '(?, ?, ?, ?, ?)').join(', ')}
       on conflict do nothing
       returning product_id`,
      order.lines.flatMap((line) => [order.orderId, line.productId, order.userId, line.quantity, order.confirmedAt]),
    );
    // The inbox already drops a redelivery; this keeps the pair counts right even for a twin with another event id.
    const products = inserted.map((row) => row.product_id);
    if (products.length < 2) return products.length > 0;
    await this.em.execute(
      `insert into co_purchases (product_id, other_id, orders)
       select a, b, 1 from unnest(array[${list(products)}]::uuid[]) a cross join unnest(array[${list(products)}]::uuid[]) b
       where a <> b
       on conflict (product_id, other_id) do update set orders = co_purchases.orders + 1`,
      [...products, ...products],
    );
    return true;
  }

  /** For each product, up to `limit` others bought with it, most shared orders first (ties by id, so pages are stable). */
  async alsoBought(productIds: readonly string[], limit: number): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>(productIds.map((id) => [id, []]));
    if (productIds.length === 0) return result;
    const rows: Array<{ product_id: string; other_id: string }> = await this.em.execute(
      `select product_id, other_id from (
         select product_id, other_id, row_number() over (partition by product_id order by orders desc, other_id) as rank
         from co_purchases where product_id in (${list(productIds)})
       ) ranked
       where rank <= ?
       order by product_id, rank`,
      [...productIds, limit],
    );
    for (const row of rows) result.get(row.product_id)?.push(row.other_id);
    return result;
  }

  /** Products the user has bought in confirmed orders. */
  async boughtBy(userId: string): Promise<string[]> {
    const rows: Array<{ product_id: string }> = await this.em.execute(`select distinct product_id from purchases where user_id = ?`, [
      userId,
    ]);
    return rows.map((row) => row.product_id);
  }

  /** Products bought together with any of `bought`, leaving those out, by shared orders summed over them. */
  async boughtWith(bought: readonly string[], limit: number): Promise<string[]> {
    if (bought.length === 0) return [];
    const rows: Array<{ other_id: string }> = await this.em.execute(
      `select other_id from co_purchases
       where product_id in (${list(bought)}) and other_id not in (${list(bought)})
       group by other_id
       order by sum(orders) desc, other_id
       limit ?`,
      [...bought, ...bought, limit],
    );
    return rows.map((row) => row.other_id);
  }

  /** Products by units in orders confirmed since `since`, most first, leaving out `exclude`. */
  async bestSellers(since: Date, limit: number, exclude: readonly string[] = []): Promise<string[]> {
    const rows: Array<{ product_id: string }> = await this.em.execute(
      `select product_id from purchases
       where confirmed_at >= ?${exclude.length ? ` and product_id not in (${list(exclude)})` : ''}
       group by product_id
       order by sum(quantity) desc, product_id
       limit ?`,
      [since, ...exclude, limit],
    );
    return rows.map((row) => row.product_id);
  }
}
