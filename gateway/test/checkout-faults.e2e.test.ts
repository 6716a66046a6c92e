import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createLogger } from '@shop/kit';
import { startTcpProxy, waitFor } from '@shop/kit/testing';
import { Broker, listDeadLetters, replayDeadLetters, type Outcome } from '@shop/messaging';
import type { PaymentProvider } from '@shop/payment-worker';
import { orderIdFor } from '@shop/order';
import type { ShopClient } from '@shop/sdk';
import { createProduct, RABBITMQ_URL, startSystem, type System } from './system.js';

const silent = createLogger('test', 'silent');

/** Runs `work` over `items` with at most `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!, index);
      }
    }),
  );
  return results;
}

const rows = <T>(orm: MikroORM, sql: string, params: unknown[] = []) => orm.em.fork().getConnection().execute<T[]>(sql, params);

/** Counts consumer outcomes (applied, duplicate, retry, dead) across the order service and both workers. */
function countOutcomes(system: System) {
  const counts: Record<Outcome, number> = { applied: 0, duplicate: 0, retry: 0, dead: 0 };
  const listen = (consumer?: { onOutcome(listener: (outcome: Outcome) => void): void } | null) =>
    consumer?.onOutcome((o) => void (counts[o] += 1));
  listen(system.services.order.consumer);
  listen(system.payment?.consumer);
  listen(system.services.notification?.consumer);
  return { counts, listen };
}

describe('checkout under concurrency', () => {
  let system: System;
  before(async () => {
    // What is tested is who gets the 20 units, not latency: every service shares this one process (and the machine
    // another test file), so the deadlines for calls between services and from the gateway are generous here.
    system = await startSystem({
      orderEnv: { SERVICE_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '60000' },
      cartEnv: { REQUEST_TIMEOUT_MS: '60000', PRODUCT_TIMEOUT_MS: '20000' },
      productEnv: { REQUEST_TIMEOUT_MS: '60000' },
      gatewayEnv: { SUBGRAPH_TIMEOUT_MS: '50000' },
    });
  });
  after(async () => {
    await system?.close();
  });

  it('200 checkouts at once on a stock of 20: exactly 20 orders, 180 OUT_OF_STOCK, stock 0, 20 receipts', async () => {
    const admin = await system.signInAdmin();
    const product = await createProduct(admin, 20);
    const shoppers = await pool(
      Array.from({ length: 200 }, (_, i) => i),
      10,
      async (i) => {
        const shopper = await system.signUp(`Buyer ${i}`);
        await shopper.client.AddToCart({ productId: product.id, quantity: 1 });
        return shopper;
      },
    );
    const started = Date.now();
    const results = await Promise.allSettled(
      shoppers.map((s) => s.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } })),
    );
    const elapsed = Date.now() - started;
    const placed = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.checkout.id] : []));
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code ?? String(r.reason)] : []));
    assert.equal(placed.length, 20);
    assert.deepEqual(codes, new Array(180).fill('OUT_OF_STOCK'));
    assert.equal((await system.client().Product({ id: product.id })).product!.stock, 0);
    await waitFor(
      async () => {
        const [row] = await rows<{ n: string }>(system.services.order.orm, `select count(*) as n from orders where status = 'CONFIRMED'`);
        return Number(row!.n) === 20;
      },
      'all 20 orders to be confirmed',
      30_000,
    );
    await waitFor(() => system.mails.filter((m) => m.kind === 'receipt').length === 20, '20 receipts', 15_000);
    const [reservations] = await rows<{ committed: string; quantity: string }>(
      system.product.orm,
      `select count(*) filter (where status = 'committed') as committed, coalesce(sum(quantity), 0) as quantity from stock_reservations where product_id = ?`,
      [product.id],
    );
    assert.equal(Number(reservations!.committed), 20);
    assert.equal(Number(reservations!.quantity), 20);
    console.log(`# 200 concurrent checkouts on stock 20: 20 placed, 180 OUT_OF_STOCK in ${elapsed} ms; stock 0; 20 confirmed, 20 receipts`);
  });
});

describe('checkout while RabbitMQ is cut off, and the messaging faults', () => {
  let system: System;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let admin: ShopClient;
  let hold: { armed: boolean; reached?: () => void; release?: (error: Error) => void } = { armed: false };
  before(async () => {
    proxy = await startTcpProxy(5672);
    system = await startSystem({
      rabbitmqUrl: `amqp://guest:guest@127.0.0.1:${proxy.port}`,
      // A provider that, when armed, charges and then hangs: the worker is "killed" with the charge made but unrecorded.
      paymentProvider: (simulated: PaymentProvider): PaymentProvider => ({
        charge: async (request) => {
          const result = await simulated.charge(request);
          if (hold.armed) {
            hold.armed = false;
            await new Promise<never>((_, reject) => {
              hold.release = reject;
              hold.reached?.();
            });
          }
          return result;
        },
        refund: (request) => simulated.refund(request),
      }),
    });
    admin = await system.signInAdmin();
  });
  after(async () => {
    await system?.close();
    await proxy?.close();
  });

  it('≥100 checkouts with the broker cut off mid-run: every order final after recovery, no loss, no double charge, no duplicate mail', async () => {
    const outcomes = countOutcomes(system);
    const product = await createProduct(admin, 1000, 700);
    const shoppers = await pool(
      Array.from({ length: 120 }, (_, i) => i),
      10,
      async (i) => {
        const shopper = await system.signUp(`Cut ${i}`);
        await shopper.client.AddToCart({ productId: product.id, quantity: 1 + (i % 3) });
        return shopper;
      },
    );
    const declined = (i: number) => i % 5 === 4;
    let cutAt = 0;
    let restoredAt = 0;
    const orders = await pool(shoppers, 8, async (shopper, i) => {
      if (i === 30) {
        proxy.cut();
        cutAt = Date.now();
      }
      if (i === 90) {
        proxy.restore();
        restoredAt = Date.now();
      }
      const input = { paymentToken: declined(i) ? 'tok_chargeDeclined' : 'tok_visa', idempotencyKey: randomUUID() };
      const order = (await shopper.client.Checkout({ input })).checkout;
      assert.equal(order.status, 'PENDING');
      return { id: order.id, declined: declined(i), quantity: 1 + (i % 3), email: shopper.email };
    });
    const orderOrm = system.services.order.orm;
    await waitFor(
      async () => {
        const [row] = await rows<{ n: string }>(
          orderOrm,
          `select count(*) as n from orders where status in ('CONFIRMED', 'PAYMENT_FAILED')`,
        );
        return Number(row!.n) === orders.length;
      },
      'every order to reach a final state',
      60_000,
    );
    const recoveredIn = Date.now() - restoredAt;
    const statuses = await rows<{ id: string; status: string }>(orderOrm, 'select id, status from orders');
    const byId = new Map(statuses.map((r) => [r.id, r.status]));
    for (const order of orders) assert.equal(byId.get(order.id), order.declined ? 'PAYMENT_FAILED' : 'CONFIRMED', order.id);

    const paymentOrm = system.payment!.orm;
    const [payments] = await rows<{ n: string; orders: string }>(
      paymentOrm,
      'select count(*) as n, count(distinct order_id) as orders from payments',
    );
    const [charges] = await rows<{ n: string }>(paymentOrm, 'select count(*) as n from simulated_charges');
    assert.equal(Number(payments!.n), orders.length);
    assert.equal(Number(payments!.orders), orders.length);
    assert.equal(Number(charges!.n), orders.length, 'one charge per order');

    const confirmed = orders.filter((o) => !o.declined);
    const sold = confirmed.reduce((sum, o) => sum + o.quantity, 0);
    await waitFor(async () => (await system.client().Product({ id: product.id })).product!.stock === 1000 - sold, 'stock to settle');
    const wanted = { receipt: confirmed.length, cancellation: orders.length - confirmed.length };
    await waitFor(
      () =>
        system.mails.filter((m) => m.kind === 'receipt' && orders.some((o) => o.email === m.to)).length === wanted.receipt &&
        system.mails.filter((m) => m.kind === 'cancellation' && orders.some((o) => o.email === m.to)).length === wanted.cancellation,
      'every receipt and notice',
      30_000,
    );
    await system.quiet();
    for (const order of orders) {
      const mine = system.mails.filter((m) => m.to === order.email && m.kind !== 'welcome');
      assert.equal(mine.length, 1, `one mail for ${order.email}`);
    }
    console.log(
      `# broker cut for ${restoredAt - cutAt} ms during ${orders.length} checkouts: ${confirmed.length} CONFIRMED, ` +
        `${orders.length - confirmed.length} PAYMENT_FAILED; all final ${recoveredIn} ms after reconnecting; ` +
        `${Number(charges!.n)} charges; consumer outcomes ${JSON.stringify(outcomes.counts)}`,
    );
  });

  it('a duplicated delivery changes nothing', async () => {
    const outcomes = countOutcomes(system);
    const [event] = await rows<{ envelope: { id: string; type: string; data: { orderId: string } } }>(
      system.payment!.orm,
      `select envelope from outbox where type = 'payment.succeeded' limit 1`,
    );
    const orderId = event!.envelope.data.orderId;
    const [before] = await rows<{ revision: number }>(system.services.order.orm, 'select revision from orders where id = ?', [orderId]);
    const broker = new Broker({ url: RABBITMQ_URL, exchange: system.exchange, log: silent });
    try {
      for (let i = 0; i < 3; i += 1) {
        await broker.publisher().publish(system.exchange, event!.envelope.type, Buffer.from(JSON.stringify(event!.envelope)), {
          persistent: true,
          messageId: event!.envelope.id,
        });
      }
    } finally {
      await broker.close();
    }
    await waitFor(() => outcomes.counts.duplicate >= 3, 'three duplicates to be absorbed');
    const [afterwards] = await rows<{ revision: number }>(system.services.order.orm, 'select revision from orders where id = ?', [orderId]);
    assert.equal(afterwards!.revision, before!.revision);
    assert.equal(outcomes.counts.applied, 0);
  });

  it('a payment worker killed mid-message (after charging) finishes the work once on restart', async () => {
    const shopper = await system.signUp('Killed');
    const product = await createProduct(admin, 5);
    await shopper.client.AddToCart({ productId: product.id, quantity: 1 });
    const reached = new Promise<void>((resolve) => (hold = { armed: true, reached: resolve }));
    const order = (await shopper.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } })).checkout;
    await reached;
    const paymentOrm = system.payment!.orm;
    const [charged] = await rows<{ n: string }>(paymentOrm, `select count(*) as n from simulated_charges where idempotency_key = ?`, [
      `order:${order.id}`,
    ]);
    assert.equal(Number(charged!.n), 1, 'the provider charged before the crash');
    // The delivery is still in the worker's hands when its channel closes: nothing it does afterwards can ack it.
    const channelClosed = once(system.payment!.consumer.channel, 'close');
    const killed = system.killPayment();
    await channelClosed;
    hold.release?.(new Error('worker process died'));
    await killed;
    const restarted = await system.startPayment();
    await waitFor(async () => (await shopper.client.Order({ id: order.id })).order!.status === 'CONFIRMED', 'the order to be confirmed');
    const [payments] = await rows<{ n: string }>(restarted.orm, 'select count(*) as n from payments where order_id = ?', [order.id]);
    const [charges] = await rows<{ n: string }>(restarted.orm, 'select count(*) as n from simulated_charges where idempotency_key = ?', [
      `order:${order.id}`,
    ]);
    assert.equal(Number(payments!.n), 1);
    assert.equal(Number(charges!.n), 1);
  });

  it('a poison message goes straight to the dead-letter queue and can be replayed', async () => {
    const outcomes = countOutcomes(system);
    const broker = new Broker({ url: RABBITMQ_URL, exchange: system.exchange, log: silent });
    try {
      const poison = {
        id: randomUUID(),
        type: 'payment.succeeded',
        occurredAt: new Date().toISOString(),
        correlationId: 'poison',
        data: { amountCents: -1 },
      };
      await broker
        .publisher()
        .publish(system.exchange, 'payment.succeeded', Buffer.from(JSON.stringify(poison)), { persistent: true, messageId: poison.id });
      await waitFor(() => outcomes.counts.dead >= 1, 'the poison message to be dead-lettered');
      const dead = await listDeadLetters(broker, system.queues.order);
      assert.equal(dead.count, 1);
      assert.match(JSON.stringify(dead.letters[0]), /contract/);
      assert.equal(await replayDeadLetters(broker, system.queues.order), 1);
      // Replayed, it is checked again, and being still broken it is parked again: never lost, never applied.
      await waitFor(() => outcomes.counts.dead >= 2, 'the replayed message to be checked again');
      assert.equal((await listDeadLetters(broker, system.queues.order)).count, 1);
    } finally {
      await broker.close();
    }
  });
});

describe('checkout while the product subgraph is killed', () => {
  let system: System;
  before(async () => {
    system = await startSystem({ orderEnv: { CHECKOUT_ABANDON_AFTER_MS: '1500', SERVICE_TIMEOUT_MS: '1000' } });
  });
  after(async () => {
    await system?.close();
  });

  it('clear errors while it is down, leaving checkouts unfinished; once back, they are abandoned and no stock is held for orders that do not exist', async () => {
    const admin = await system.signInAdmin();
    const product = await createProduct(admin, 500);
    const shoppers = await pool(
      Array.from({ length: 60 }, (_, i) => i),
      10,
      async (i) => {
        const shopper = await system.signUp(`Burst ${i}`);
        await shopper.client.AddToCart({ productId: product.id, quantity: 2 });
        return shopper;
      },
    );
    const orderOrm = system.services.order.orm;
    let restart: (() => Promise<void>) | undefined;
    const attempts = await pool(shoppers, 6, async (shopper, i) => {
      if (i === 20) restart = await system.killProduct();
      if (i === 40) await restart!();
      const idempotencyKey = randomUUID();
      const orderId = orderIdFor(shopper.user.id, idempotencyKey);
      try {
        const order = (await shopper.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey } })).checkout;
        return { orderId, outcome: order.status, leftOpen: false };
      } catch (error) {
        // What the failure left behind, looked at at once (the due work abandons an open attempt after 1.5 s).
        const [attempt] = await rows<{ state: string }>(orderOrm, 'select state from checkouts where order_id = ?', [orderId]);
        const placed = await rows(orderOrm, 'select id from orders where id = ?', [orderId]);
        const outcome = (error as { code?: string }).code ?? String(error);
        return { orderId, outcome, leftOpen: attempt?.state === 'reserving' && placed.length === 0 };
      }
    });
    const tally = attempts.reduce<Record<string, number>>((t, a) => ({ ...t, [a.outcome]: (t[a.outcome] ?? 0) + 1 }), {});
    assert.ok((tally.PENDING ?? 0) > 0, `some checkouts were placed: ${JSON.stringify(tally)}`);
    assert.ok((tally.SERVICE_UNAVAILABLE ?? 0) > 0, `some checkouts met the outage: ${JSON.stringify(tally)}`);
    assert.deepEqual(Object.keys(tally).sort(), ['PENDING', 'SERVICE_UNAVAILABLE'], JSON.stringify(tally));

    // The fault took effect: checkouts that met the outage left their attempt open ('reserving'), with no order.
    const unavailable = attempts.filter((a) => a.outcome === 'SERVICE_UNAVAILABLE').map((a) => a.orderId);
    const leftOpen = attempts.filter((a) => a.leftOpen).length;
    assert.ok(leftOpen > 0, `${leftOpen} of ${unavailable.length} unavailable checkouts seen open right after failing`);

    const orderIds = async () => new Set((await rows<{ id: string }>(orderOrm, 'select id from orders')).map((r) => r.id));
    const orphans = async () => {
      const ids = await orderIds();
      const held = await rows<{ order_id: string }>(system.product.orm, `select order_id from stock_reservations where status = 'held'`);
      return held.filter((r) => !ids.has(r.order_id)).length;
    };
    const heldAfterRestart = await orphans();
    const settledAt = Date.now();
    // Recovery: every attempt the outage left open is abandoned, each announced once (checkout.abandoned), and the
    // product subgraph releases whatever any of them held.
    const states = async () =>
      (await rows<{ state: string }>(orderOrm, 'select state from checkouts where order_id in (?)', [unavailable])).map((r) => r.state);
    await waitFor(
      async () => {
        const now = await states();
        return now.length === unavailable.length && now.every((state) => state === 'abandoned');
      },
      'every unfinished checkout to be abandoned',
      30_000,
    );
    const announced = await rows<{ order_id: string }>(
      orderOrm,
      `select envelope->'data'->>'orderId' as order_id from outbox where type = 'checkout.abandoned'`,
    );
    assert.deepEqual(announced.map((r) => r.order_id).sort(), [...unavailable].sort());
    await waitFor(async () => (await orphans()) === 0, 'no stock held for orders that do not exist', 30_000);
    assert.deepEqual(
      await rows(system.product.orm, `select order_id from stock_reservations where status = 'held' and order_id in (?)`, [unavailable]),
      [],
    );
    const placed = (await orderIds()).size;
    assert.equal(placed, tally.PENDING);
    await waitFor(
      async () => {
        const [row] = await rows<{ n: string }>(orderOrm, `select count(*) as n from orders where status = 'CONFIRMED'`);
        return Number(row!.n) === placed;
      },
      'every placed order to be confirmed',
      30_000,
    );
    const stock = (await system.client().Product({ id: product.id })).product!.stock;
    assert.equal(stock, 500 - placed * 2, 'stock = initial - what the placed orders bought');
    console.log(
      `# product subgraph killed during 60 checkouts: ${JSON.stringify(tally)}; ${leftOpen} left open, ${heldAfterRestart} orphaned ` +
        `hold(s) after the restart; all abandoned and released within ${Date.now() - settledAt} ms; stock ${stock}`,
    );
  });
});
