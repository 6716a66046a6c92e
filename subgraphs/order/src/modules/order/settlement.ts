import { LockMode } from '@mikro-orm/core';
import type { MikroORM, SqlEntityManager } from '@mikro-orm/postgresql';
import { BACKGROUND_SQL, PollingLoop } from '@shop/kit';
import { recordEvent } from '@shop/messaging';
import type { Logger } from 'pino';
import { Checkout, Order, OrderItem } from './order.entity.js';
import type { CartCalls, StockCalls } from './service-calls.js';
import type { StatusPublisher } from './status-publisher.js';

export interface SettlementOptions {
  paymentWindowSeconds: number;
  abandonAfterMs: number;
  intervalMs: number;
}

interface Due {
  expire: boolean;
  stock: boolean;
  cart: boolean;
  abandon: boolean;
}

const BATCH = 20;

/**
 * Finishes what a request or an event handler started but must not wait for, and retries it until the other
 * service has done it: commit or release stock, take bought lines out of the cart, expire unpaid orders, and
 * undo reservations of checkouts that never completed. Every step is idempotent on the other side, and each
 * order is locked while its step runs, so replicas can run this side by side.
 */
export class Settlement {
  private readonly loop: PollingLoop;

  constructor(
    private readonly orm: MikroORM,
    private readonly stock: StockCalls,
    private readonly cart: CartCalls,
    private readonly publisher: StatusPublisher,
    private readonly options: SettlementOptions,
    private readonly log: Logger,
  ) {
    this.loop = new PollingLoop(() => this.pass(), { name: 'order settlement', log, intervalMs: options.intervalMs, fullBatch: BATCH });
  }

  start(): void {
    this.loop.start();
  }

  nudge(): void {
    this.loop.nudge();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  async pass(): Promise<number> {
    const em = this.orm.em.fork() as SqlEntityManager;
    // One cheap look first: an idle service opens no transaction and calls no one.
    const [due] = await em.execute<Due[]>(
      `${BACKGROUND_SQL} select
         exists (select 1 from orders where status = 'PENDING' and created_at < ?) as expire,
         exists (select 1 from orders where not stock_settled and status <> 'PENDING') as stock,
         exists (select 1 from orders where not cart_cleared) as cart,
         exists (select 1 from checkouts where state = 'reserving' and claimed_at < now() - ? * interval '1 millisecond') as abandon`,
      [this.expiryCutoff(), this.options.abandonAfterMs],
    );
    if (!due) return 0;
    let handled = 0;
    if (due.expire) handled += await this.expire();
    if (due.stock || due.expire) handled += await this.settleStock();
    if (due.cart) handled += await this.clearCarts();
    if (due.abandon) handled += await this.abandonCheckouts();
    return handled;
  }

  private expiryCutoff(): Date {
    return new Date(Date.now() - this.options.paymentWindowSeconds * 1000);
  }

  /** Unpaid past the window: cancelled as expired (a payment that still arrives is refunded by the payment worker). */
  private async expire(): Promise<number> {
    const em = this.orm.em.fork() as SqlEntityManager;
    const expired = await em.transactional(async (tx) => {
      const orders = await tx.find(
        Order,
        { status: 'PENDING', createdAt: { $lt: this.expiryCutoff() } },
        { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, limit: BATCH, orderBy: { createdAt: 'asc' } },
      );
      const minutes = Math.round(this.options.paymentWindowSeconds / 60);
      for (const order of orders) {
        tx.persist(
          order.transition(
            'CANCELLED',
            `Not paid within ${minutes > 0 ? `${minutes} minutes` : `${this.options.paymentWindowSeconds} seconds`}`,
          ),
        );
        recordEvent(tx, 'order.cancelled', { orderId: order.id, userId: order.userId, reason: 'expired' }, order.correlationId);
      }
      return orders;
    });
    if (expired.length) this.log.info({ orders: expired.map((o) => o.id) }, 'unpaid orders expired');
    await this.publisher.announce(expired);
    return expired.length;
  }

  /** PAID → stock committed → CONFIRMED; a failed or cancelled order's stock goes back on sale. */
  private async settleStock(): Promise<number> {
    const em = this.orm.em.fork() as SqlEntityManager;
    const candidates = await em.find(
      Order,
      { stockSettled: false, status: { $ne: 'PENDING' } },
      { fields: ['id'], limit: BATCH, orderBy: { updatedAt: 'asc' } },
    );
    let handled = 0;
    for (const { id } of candidates) {
      try {
        const changed = await (this.orm.em.fork() as SqlEntityManager).transactional(async (tx) => {
          // Locked while the product subgraph is called, so a cancellation cannot slip between commit and CONFIRMED.
          const order = await tx.findOne(Order, { id, stockSettled: false }, { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE });
          if (!order) return null;
          if (order.status === 'PAID') {
            if (await this.stock.commit(order.id, order.correlationId)) {
              tx.persist(order.transition('CONFIRMED'));
              order.stockSettled = true;
              const items = await tx.find(OrderItem, { orderId: order.id }, { orderBy: { position: 'asc' } });
              recordEvent(
                tx,
                'order.confirmed',
                {
                  orderId: order.id,
                  userId: order.userId,
                  totalCents: order.totalCents,
                  currency: order.currency,
                  items: items.map(({ productId, name, quantity, unitPriceCents }) => ({ productId, name, quantity, unitPriceCents })),
                },
                order.correlationId,
              );
            } else {
              // The hold lapsed (the product subgraph was unreachable past its reservation TTL): refund instead.
              tx.persist(order.transition('CANCELLED', 'The reserved stock was no longer held when the payment was confirmed'));
              order.refunded = true;
              recordEvent(
                tx,
                'order.cancelled',
                { orderId: order.id, userId: order.userId, reason: 'expired', detail: 'reservation lapsed', refunded: true },
                order.correlationId,
              );
            }
            return order;
          }
          await this.stock.release(order.id, order.correlationId);
          order.stockSettled = true;
          return null;
        });
        handled += 1;
        if (changed) {
          this.log.info({ orderId: id, status: changed.status }, 'order status changed');
          await this.publisher.announce(changed);
        }
      } catch (error) {
        this.log.warn({ err: error, orderId: id }, 'stock not settled yet; will retry');
      }
    }
    return handled;
  }

  private async clearCarts(): Promise<number> {
    const em = this.orm.em.fork() as SqlEntityManager;
    const orders = await em.find(Order, { cartCleared: false }, { limit: BATCH, orderBy: { createdAt: 'asc' } });
    if (orders.length === 0) return 0;
    const items = await em.find(OrderItem, { orderId: { $in: orders.map((o) => o.id) } });
    let handled = 0;
    for (const order of orders) {
      try {
        const lines = items.filter((i) => i.orderId === order.id).map(({ productId, quantity }) => ({ productId, quantity }));
        await this.cart.clear(order.userId, lines, order.cartSnapshotAt, order.correlationId);
        await em.nativeUpdate(Order, { id: order.id }, { cartCleared: true });
        handled += 1;
      } catch (error) {
        this.log.warn({ err: error, orderId: order.id }, 'cart not cleared yet; will retry');
      }
    }
    return handled;
  }

  /** A checkout whose reservation outcome was lost and that nobody retried: release whatever it holds. */
  private async abandonCheckouts(): Promise<number> {
    const em = this.orm.em.fork() as SqlEntityManager;
    const cutoff = new Date(Date.now() - this.options.abandonAfterMs);
    const candidates = await em.find(Checkout, { state: 'reserving', claimedAt: { $lt: cutoff } }, { fields: ['orderId'], limit: BATCH });
    let handled = 0;
    for (const { orderId } of candidates) {
      try {
        await (this.orm.em.fork() as SqlEntityManager).transactional(async (tx) => {
          // Locked while releasing: a retry finishing this attempt waits, then finds it abandoned.
          const checkout = await tx.findOne(Checkout, { orderId, state: 'reserving' }, { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE });
          if (!checkout || checkout.claimedAt >= cutoff) return;
          const released = await this.stock.release(orderId, `checkout-${orderId}`);
          checkout.state = 'abandoned';
          this.log.warn({ orderId, released }, 'unfinished checkout abandoned');
        });
        handled += 1;
      } catch (error) {
        this.log.warn({ err: error, orderId }, 'unfinished checkout not undone yet; will retry');
      }
    }
    return handled;
  }
}
