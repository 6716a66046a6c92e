import { LockMode } from '@mikro-orm/core';
import type { MikroORM, SqlEntityManager } from '@mikro-orm/postgresql';
import { BACKGROUND_SQL, PollingLoop } from '@shop/kit';
import { recordEvent } from '@shop/messaging';
import type { Logger } from 'pino';
import { Checkout, Order } from './order.entity.js';
import type { StatusPublisher } from './status-publisher.js';

export interface DueWorkOptions {
  paymentWindowSeconds: number;
  abandonAfterMs: number;
  intervalMs: number;
}

interface Due {
  expire: boolean;
  abandon: boolean;
}

const BATCH = 50;

/**
 * Work that falls due with time rather than with an event, kept in the database so it survives restarts: unpaid
 * orders past the payment window are cancelled as expired, and checkouts whose reservation outcome was lost (and
 * that nobody retried) are given up. Each is one short transaction that changes the rows and records the event
 * the other services act on (order.cancelled, checkout.abandoned); nothing is called over the network, and rows
 * are claimed with SKIP LOCKED, so replicas share the work.
 */
export class DueWork {
  private readonly loop: PollingLoop;

  constructor(
    private readonly orm: MikroORM,
    private readonly publisher: StatusPublisher,
    private readonly nudgeRelay: () => void,
    private readonly options: DueWorkOptions,
    private readonly log: Logger,
  ) {
    this.loop = new PollingLoop(() => this.pass(), { name: 'order due work', log, intervalMs: options.intervalMs, fullBatch: BATCH });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  async pass(): Promise<number> {
    const em = this.orm.em.fork() as SqlEntityManager;
    // One cheap look first: an idle service opens no transaction.
    const [due] = await em.execute<Due[]>(
      `${BACKGROUND_SQL} select
         exists (select 1 from orders where status = 'PENDING' and created_at < ?) as expire,
         exists (select 1 from checkouts where state = 'reserving' and claimed_at < ?) as abandon`,
      [this.expiryCutoff(), this.abandonCutoff()],
    );
    if (!due) return 0;
    let handled = 0;
    if (due.expire) handled += await this.expire();
    if (due.abandon) handled += await this.abandonCheckouts();
    if (handled > 0) this.nudgeRelay();
    return handled;
  }

  private expiryCutoff(): Date {
    return new Date(Date.now() - this.options.paymentWindowSeconds * 1000);
  }

  private abandonCutoff(): Date {
    return new Date(Date.now() - this.options.abandonAfterMs);
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
      const window = minutes > 0 ? `${minutes} minutes` : `${this.options.paymentWindowSeconds} seconds`;
      for (const order of orders) {
        tx.persist(order.transition('CANCELLED', `Not paid within ${window}`));
        recordEvent(tx, 'order.cancelled', { orderId: order.id, userId: order.userId, reason: 'expired' }, order.correlationId);
      }
      return orders;
    });
    if (expired.length) this.log.info({ orders: expired.map((o) => o.id) }, 'unpaid orders expired');
    await this.publisher.announce(expired);
    return expired.length;
  }

  /**
   * A checkout whose reservation outcome was lost: marked abandoned (a retry with its key is then refused), and
   * checkout.abandoned tells the product subgraph to release whatever the attempt reserved.
   */
  private async abandonCheckouts(): Promise<number> {
    const em = this.orm.em.fork() as SqlEntityManager;
    const abandoned = await em.transactional(async (tx) => {
      const checkouts = await tx.find(
        Checkout,
        { state: 'reserving', claimedAt: { $lt: this.abandonCutoff() } },
        { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, limit: BATCH },
      );
      for (const checkout of checkouts) {
        checkout.state = 'abandoned';
        recordEvent(tx, 'checkout.abandoned', { orderId: checkout.orderId, userId: checkout.userId }, `checkout-${checkout.orderId}`);
      }
      return checkouts;
    });
    if (abandoned.length) this.log.warn({ orders: abandoned.map((c) => c.orderId) }, 'unfinished checkouts abandoned');
    return abandoned.length;
  }
}
