import { createHash } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import {
  AppError,
  badInput,
  conflict,
  DataLoader,
  decodeCursor,
  encodeCursor,
  forbidden,
  isUuid,
  money,
  notFound,
  pageSize,
  parseInput,
  requireCaller,
  type Caller,
  type PageInfo,
  type SealedBox,
} from '@shop/kit';
import { recordEvent } from '@shop/messaging';
import type { Logger } from 'pino';
import { z } from 'zod';
import { Checkout, Order, OrderItem, OrderStatusChange } from './order.entity.js';
import type { OrderConnection, OrderType } from './order.type.js';
import type { CartCalls, CartLineSnapshot, StockCalls } from './service-calls.js';
import type { StatusPublisher } from './status-publisher.js';

export interface OrderDependencies {
  cart: CartCalls;
  stock: StockCalls;
  publisher: StatusPublisher;
  /** Wakes the outbox relay after a change recorded an event. */
  nudge: () => void;
  /** A checkout attempt older than this may be taken over by a retry with the same key. */
  takeoverAfterMs: number;
  /** The largest order total (CART_MAX_TOTAL_CENTS): a larger cart is refused before anything is reserved. */
  maxTotalCents: number;
  /** Seals the payment token for the payment worker (PAYMENT_TOKEN_KEY): it is never stored in plain text. */
  paymentTokens: SealedBox;
}

const checkoutInput = z.object({
  paymentToken: z.string().trim().min(1, 'is required').max(200),
  idempotencyKey: z.string().trim().min(1, 'is required').max(200),
});

/** Codes that mean the reservation did not happen (all lines or none), so nothing needs undoing. */
const NOTHING_RESERVED = new Set(['OUT_OF_STOCK', 'NOT_FOUND', 'BAD_USER_INPUT']);

/**
 * The order id is derived from the user and their idempotency key, so every attempt of one checkout reserves
 * stock under the same id: the product subgraph then returns the first reservation instead of making another.
 */
export function orderIdFor(userId: string, idempotencyKey: string): string {
  const hex = createHash('sha256').update(`${userId}\n${idempotencyKey}`).digest('hex');
  // RFC 9562 version 8 (custom) with the RFC variant bits.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

interface PageRequest {
  userId: string;
  first: number;
  after: { createdAt: Date; id: string } | null;
}

const pageKey = (page: PageRequest) => `${page.userId}|${page.first}|${page.after?.createdAt.toISOString() ?? ''}|${page.after?.id ?? ''}`;

export class OrderService {
  /** `User.orders` for every user of an `_entities` batch, in one statement per distinct page (this request only). */
  private readonly pages = new DataLoader<PageRequest, OrderConnection, string>((requests) => this.loadPages(requests), {
    cacheKeyFn: pageKey,
    maxBatchSize: 500,
  });

  constructor(
    private readonly em: SqlEntityManager,
    private readonly deps: OrderDependencies,
    private readonly correlationId: string,
    private readonly log: Logger,
  ) {}

  /**
   * Places the caller's cart as an order: re-priced and reserved by the product subgraph (all lines or none),
   * then stored PENDING with its history and `order.placed` in one transaction. Returns at once; payment follows.
   */
  async checkout(caller: Caller | null, raw: unknown): Promise<OrderType> {
    const me = requireCaller(caller);
    const input = parseInput(checkoutInput, raw);
    const orderId = orderIdFor(me.userId, input.idempotencyKey);
    const claimed = await this.claim(orderId, me.userId, input.idempotencyKey);
    if (claimed === 'placed') return this.placedOrder(orderId);
    const { attempt, fresh } = claimed;

    let lines: CartLineSnapshot[];
    try {
      lines = await this.linesOf(orderId, attempt, me.userId, fresh);
    } catch (error) {
      await this.forget(orderId, attempt);
      throw error;
    }

    let reserved;
    try {
      reserved = await this.deps.stock.reserve(
        orderId,
        lines.map(({ productId, quantity }) => ({ productId, quantity })),
        this.deps.maxTotalCents,
        this.correlationId,
      );
    } catch (error) {
      if (error instanceof AppError && NOTHING_RESERVED.has(String(error.extensions.code))) await this.forget(orderId, attempt);
      // Otherwise the outcome is unknown: the attempt stays open, a retry with the same key continues it, and if
      // nobody does, the due work abandons it and the product subgraph releases whatever was reserved.
      throw error;
    }

    const currency = reserved[0]!.currency;
    if (reserved.some((line) => line.currency !== currency)) {
      this.log.error({ orderId, reserved }, 'cart spans currencies');
      throw new AppError('BAD_USER_INPUT', 'Items priced in different currencies cannot be bought in one order');
    }
    const byProduct = new Map(reserved.map((line) => [line.productId, line]));
    if (reserved.length !== lines.length || lines.some((line) => byProduct.get(line.productId)?.quantity !== line.quantity)) {
      // The reservation is keyed by order id and was made from these very lines; anything else is a bug elsewhere.
      this.log.error({ orderId, lines, reserved }, 'reservation does not match the checkout lines');
      throw new AppError('SERVICE_UNAVAILABLE', 'This checkout could not be completed right now; try again shortly');
    }
    const placement = await this.em.transactional(async (em) => {
      const won: unknown[] = await em.execute(
        `update checkouts set state = 'placed' where order_id = ? and state = 'reserving' and attempt = ? returning order_id`,
        [orderId, attempt],
      );
      if (won.length === 0) return null;
      const now = new Date();
      const order = em.create(Order, {
        id: orderId,
        userId: me.userId,
        idempotencyKey: input.idempotencyKey,
        totalCents: reserved.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0),
        currency,
        correlationId: this.correlationId,
        cartSnapshotAt: new Date(Math.max(...lines.map((line) => Date.parse(line.updatedAt)))),
        createdAt: now,
        updatedAt: now,
      });
      const items = lines.map((line, position) => {
        const bought = byProduct.get(line.productId)!;
        return em.create(OrderItem, {
          orderId,
          productId: line.productId,
          position,
          name: bought.name,
          unitPriceCents: bought.unitPriceCents,
          quantity: bought.quantity,
          sellerId: bought.sellerId,
        });
      });
      const placedChange = em.create(OrderStatusChange, { orderId, seq: 1, status: 'PENDING', reason: null, at: now });
      // The payment worker charges it; the cart subgraph takes the bought lines out (those unchanged since the snapshot).
      recordEvent(
        em,
        'order.placed',
        {
          orderId,
          userId: me.userId,
          items: reserved.map(({ productId, name, quantity, unitPriceCents }) => ({ productId, name, quantity, unitPriceCents })),
          totalCents: order.totalCents,
          currency,
          paymentTokenSealed: this.deps.paymentTokens.seal(input.paymentToken, orderId),
          cartSnapshotAt: order.cartSnapshotAt.toISOString(),
        },
        this.correlationId,
      );
      return { order, items, changes: [placedChange] };
    });
    if (!placement) return this.placedOrder(orderId);
    const { order } = placement;
    this.log.info({ orderId, totalCents: order.totalCents, lines: reserved.length }, 'order placed');
    await this.deps.publisher.announce(order);
    this.deps.nudge();
    // Everything the answer shows was just written: no need to read it back.
    return toOrderType(order, placement.items, placement.changes);
  }

  /**
   * The order now or, with `revision`, as it was right after its n-th status change (what a subscriber that
   * missed that change is sent). Lines and totals never change after checkout; only status fields do.
   */
  async order(caller: Caller | null, id: string, revision: number | null = null): Promise<OrderType | null> {
    const me = requireCaller(caller);
    if (!isUuid(id)) return null;
    const [loaded] = await this.load([id]);
    if (!loaded) return null;
    const { order, view } = loaded;
    this.assertMayRead(me, order);
    if (revision === null || revision === order.revision) return view;
    if (!Number.isInteger(revision) || revision < 1 || revision > order.revision) {
      throw badInput([{ field: 'revision', message: `must be between 1 and ${order.revision}` }]);
    }
    const history = view.statusHistory.slice(0, revision);
    const last = history.at(-1)!;
    const failed = last.status === 'PAYMENT_FAILED' || last.status === 'CANCELLED';
    return {
      ...view,
      status: last.status,
      statusHistory: history,
      revision,
      updatedAt: last.at,
      failureReason: failed ? view.failureReason : null,
    };
  }

  /** Newest first, keyset-paged on (createdAt, id). Only the user themselves or an ADMIN may list them. */
  async ordersOf(caller: Caller | null, userId: string, first: number, after: string | null): Promise<OrderConnection> {
    const me = requireCaller(caller);
    if (me.userId !== userId && me.role !== 'ADMIN') throw forbidden("You cannot see another user's orders");
    const size = pageSize(first);
    let cursor: PageRequest['after'] = null;
    if (after) {
      const [at, id] = decodeCursor(after, 2) as [string, string];
      const createdAt = new Date(at);
      if (Number.isNaN(createdAt.getTime()) || !isUuid(String(id)))
        throw badInput([{ field: 'after', message: 'is not a cursor this API issued' }]);
      cursor = { createdAt, id };
    }
    return this.pages.load({ userId, first: size, after: cursor });
  }

  private async loadPages(requests: readonly PageRequest[]): Promise<OrderConnection[]> {
    // Users of one batch normally share first/after: one statement per distinct pair, whatever the user count.
    const groups = new Map<string, PageRequest[]>();
    for (const request of requests) {
      const key = pageKey({ ...request, userId: '' });
      groups.set(key, [...(groups.get(key) ?? []), request]);
    }
    const rowsOf = new Map<PageRequest, Order[]>();
    for (const group of groups.values()) {
      const { first, after } = group[0]!;
      const newest = await this.newestOrders([...new Set(group.map((request) => request.userId))], first + 1, after);
      for (const request of group) rowsOf.set(request, newest.get(request.userId) ?? []);
    }
    const pages = requests.map((request) => rowsOf.get(request)!.slice(0, request.first));
    const views = new Map((await this.views(pages.flat())).map((view) => [view.id, view]));
    return requests.map((request, i) => {
      const page = pages[i]!;
      const edges = page.map((order) => ({ cursor: encodeCursor([order.createdAt.toISOString(), order.id]), node: views.get(order.id)! }));
      const pageInfo: PageInfo = { hasNextPage: rowsOf.get(request)!.length > request.first, endCursor: edges.at(-1)?.cursor ?? null };
      return { edges, pageInfo };
    });
  }

  /** Up to `limit` newest orders per user after the cursor, for all users in one window query. */
  private async newestOrders(userIds: string[], limit: number, after: PageRequest['after']): Promise<Map<string, Order[]>> {
    const params: unknown[] = [...userIds];
    let keyset = '';
    if (after) {
      keyset = 'and (created_at, id) < (?, ?)';
      params.push(after.createdAt, after.id);
    }
    params.push(limit);
    const rows: Array<Record<string, unknown>> = await this.em.execute(
      `select * from (
         select *, row_number() over (partition by user_id order by created_at desc, id desc) as page_rank
         from orders where user_id in (${userIds.map(() => '?').join(', ')}) ${keyset}
       ) ranked where page_rank <= ? order by user_id, page_rank`,
      params,
    );
    const byUser = new Map<string, Order[]>();
    for (const { page_rank: _rank, ...row } of rows) {
      const order = this.em.map(Order, row);
      byUser.set(order.userId, [...(byUser.get(order.userId) ?? []), order]);
    }
    return byUser;
  }

  /** Owner or ADMIN, before CONFIRMED. On order.cancelled the product subgraph puts the stock back and the payment worker refunds. */
  async cancel(caller: Caller | null, id: string): Promise<OrderType> {
    const me = requireCaller(caller);
    if (!isUuid(id)) throw notFound('Order', id);
    const order = await this.em.transactional(async (em) => {
      const order = await em.findOne(Order, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!order) throw notFound('Order', id);
      this.assertMayRead(me, order);
      if (order.status === 'CANCELLED') return null;
      if (!order.canBecome('CANCELLED'))
        throw conflict(`An order that is ${order.status} can no longer be cancelled`, { status: order.status });
      const wasPaid = order.status === 'PAID';
      const byAdmin = me.userId !== order.userId;
      em.persist(order.transition('CANCELLED', byAdmin ? 'Cancelled by an administrator' : 'Cancelled by the customer'));
      order.refunded = wasPaid;
      recordEvent(
        em,
        'order.cancelled',
        {
          orderId: order.id,
          userId: order.userId,
          reason: 'customer',
          refunded: wasPaid,
          ...(byAdmin ? { detail: 'by an administrator' } : {}),
        },
        this.correlationId,
      );
      return order;
    });
    if (order) {
      this.log.info({ orderId: id }, 'order cancelled');
      await this.deps.publisher.announce(order);
      this.deps.nudge();
    }
    return (await this.views([order ?? (await this.em.findOneOrFail(Order, { id }))]))[0]!;
  }

  /** The Redis channel on which this order's status changes are announced. */
  channel(orderId: string): string {
    return this.deps.publisher.channel(orderId);
  }

  /** Entity references (`_entities`): the caller's own orders only (an ADMIN's: any), null for the rest. */
  async references(caller: Caller | null, ids: readonly string[]): Promise<Array<OrderType | null>> {
    const me = requireCaller(caller);
    const loaded = await this.load(ids.filter(isUuid));
    const readable = loaded.filter(({ order }) => order.userId === me.userId || me.role === 'ADMIN');
    return ids.map((id) => readable.find(({ view }) => view.id === id)?.view ?? null);
  }

  /** Orders with their lines and history (as they are now), in one more statement however many orders there are. */
  async views(orders: Order[]): Promise<OrderType[]> {
    const views = new Map((await this.load(orders.map((order) => order.id))).map(({ view }) => [view.id, view]));
    return orders.map((order) => views.get(order.id)!);
  }

  /**
   * Orders by id with their lines and history in one statement (a read per status change a subscriber is sent):
   * the child rows come back as JSON arrays and are mapped like any result row.
   */
  private async load(ids: readonly string[]): Promise<Array<{ order: Order; view: OrderType }>> {
    if (ids.length === 0) return [];
    const rows: Array<
      Record<string, unknown> & { shop_items: Array<Record<string, unknown>> | null; shop_changes: Array<Record<string, unknown>> | null }
    > = await this.em.execute(
      `select o.*,
           (select json_agg(i order by i.position) from order_items i where i.order_id = o.id) as shop_items,
           (select json_agg(c order by c.seq) from order_status_changes c where c.order_id = o.id) as shop_changes
         from orders o where o.id in (?)`,
      [[...new Set(ids)]],
    );
    return rows.map(({ shop_items: items, shop_changes: changes, ...row }) => {
      const order = this.em.map(Order, row);
      return {
        order,
        view: toOrderType(
          order,
          (items ?? []).map((item) => this.em.map(OrderItem, item)),
          (changes ?? []).map((change) => this.em.map(OrderStatusChange, change)),
        ),
      };
    });
  }

  private assertMayRead(me: Caller, order: Order): void {
    if (order.userId !== me.userId && me.role !== 'ADMIN') throw forbidden('This order belongs to someone else');
  }

  /**
   * Opens (or takes over) the one attempt for this key. Returns the attempt number to finish it with (`fresh` when
   * this request opened it, so nothing was stored for it yet), or 'placed' when another request already placed the order.
   */
  private async claim(orderId: string, userId: string, idempotencyKey: string): Promise<{ attempt: number; fresh: boolean } | 'placed'> {
    // Every order is placed under its checkout row, which is never deleted once placed: a new row means no order yet.
    const created: Array<{ attempt: number }> = await this.em.execute(
      `insert into checkouts (order_id, user_id, idempotency_key, state, attempt, claimed_at, created_at)
       values (?, ?, ?, 'reserving', 1, now(), now()) on conflict do nothing returning attempt`,
      [orderId, userId, idempotencyKey],
    );
    if (created[0]) return { attempt: created[0].attempt, fresh: true };
    if (await this.em.findOne(Order, { id: orderId })) return 'placed';
    const taken: Array<{ attempt: number }> = await this.em.execute(
      `update checkouts set attempt = attempt + 1, claimed_at = now()
       where order_id = ? and state = 'reserving' and claimed_at < now() - ? * interval '1 millisecond' returning attempt`,
      [orderId, this.deps.takeoverAfterMs],
    );
    if (taken[0]) return { attempt: taken[0].attempt, fresh: false };
    const existing = await this.em.findOne(Checkout, { orderId });
    if (existing?.state === 'placed') return 'placed';
    if (existing?.state === 'abandoned') {
      throw conflict('This checkout could not be completed and was undone; start a new one with a new idempotency key', {
        idempotencyKey,
      });
    }
    throw conflict('A checkout with this idempotency key is already in progress', { idempotencyKey });
  }

  /**
   * The lines this checkout buys: those its first attempt stored, or, for a first attempt, the cart as it is now,
   * stored before anything is reserved. A retry (same key) therefore reserves, stores and charges the same lines
   * whatever the cart did in between; the bought lines leave the cart only where they are unchanged.
   */
  private async linesOf(orderId: string, attempt: number, userId: string, fresh: boolean): Promise<CartLineSnapshot[]> {
    const stored = fresh ? null : await this.em.fork().findOne(Checkout, { orderId });
    if (stored?.lines?.length) return stored.lines;
    const lines = await this.deps.cart.snapshot(userId, this.correlationId);
    if (lines.length === 0) throw new AppError('CART_EMPTY', 'Your cart is empty');
    const kept: unknown[] = await this.em.execute(
      `update checkouts set lines = ?::jsonb where order_id = ? and attempt = ? and state = 'reserving' returning order_id`,
      [JSON.stringify(lines), orderId, attempt],
    );
    if (kept.length === 0) throw conflict('A checkout with this idempotency key is already in progress');
    return lines;
  }

  /** Nothing was reserved: drop the attempt so the same key can be used again (after filling the cart, say). */
  private async forget(orderId: string, attempt: number): Promise<void> {
    await this.em.execute(`delete from checkouts where order_id = ? and attempt = ? and state = 'reserving'`, [orderId, attempt]);
  }

  private async placedOrder(orderId: string): Promise<OrderType> {
    const order = await this.em.fork().findOne(Order, { id: orderId });
    if (!order) throw conflict('This checkout could not be completed; start a new one with a new idempotency key');
    return (await this.views([order]))[0]!;
  }
}

export function toOrderType(order: Order, items: OrderItem[], changes: OrderStatusChange[]): OrderType {
  return {
    id: order.id,
    user: { id: order.userId },
    items: items.map((item) => ({
      product: { id: item.productId },
      name: item.name,
      unitPrice: money(item.unitPriceCents, order.currency),
      quantity: item.quantity,
      lineTotal: money(item.unitPriceCents * item.quantity, order.currency),
    })),
    total: money(order.totalCents, order.currency),
    status: order.status,
    statusHistory: changes.map((change) => ({ status: change.status, at: change.at, reason: change.reason })),
    failureReason: order.failureReason,
    revision: order.revision,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}
