import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createLogger, FINAL_ORDER_STATUSES } from '@shop/kit';
import { postGraphQL, waitFor } from '@shop/kit/testing';
import { Broker } from '@shop/messaging';
import { outboxDrained, tapEvents } from '@shop/messaging/testing';
import { orderIdFor } from '@shop/order';
import type { ShopClient } from '@shop/sdk';
import { codesOf, createProduct, RABBITMQ_URL, startSystem, type System } from './system.js';

interface Reply<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

describe('a checkout retried with the same idempotency key', () => {
  let system: System;
  let admin: ShopClient;
  let broker: Broker;
  let tap: Awaited<ReturnType<typeof tapEvents>>;
  before(async () => {
    system = await startSystem();
    admin = await system.signInAdmin();
    broker = new Broker({ url: RABBITMQ_URL, exchange: system.exchange, log: createLogger('test', 'silent') });
    tap = await tapEvents(broker);
  });
  after(async () => {
    await tap?.close();
    await broker?.close();
    await system?.close();
  });

  const stockOf = async (id: string) => (await system.client().Product({ id })).product!.stock;

  it('after the cart changed, it reserves, stores, charges and commits the first snapshot; lines changed since stay in the cart', async () => {
    const shopper = await system.signUp('Retrier');
    const [lamp, mug, kettle] = [
      await createProduct(admin, 10, 1999),
      await createProduct(admin, 10, 450),
      await createProduct(admin, 10, 3000),
    ];
    await shopper.client.AddToCart({ productId: lamp.id, quantity: 2 });
    await shopper.client.AddToCart({ productId: mug.id, quantity: 1 });

    // The first attempt, as the order service makes it, whose answer was lost (the product subgraph went away
    // mid-call): the attempt is claimed with its lines and the stock reserved, but no order was stored. It was
    // claimed 20 s ago: past the takeover delay (9 s here), well before the due work would abandon it (60 s).
    const idempotencyKey = randomUUID();
    const orderId = orderIdFor(shopper.user.id, idempotencyKey);
    const snapshot = await postGraphQL<Reply<{ cartSnapshot: Array<{ productId: string; quantity: number; updatedAt: string }> }>>(
      system.services.cart.server.url,
      'query ($userId: ID!) { cartSnapshot(userId: $userId) { productId quantity updatedAt } }',
      { userId: shopper.user.id },
      null,
      { service: 'order', callee: 'cart' },
    );
    const lines = snapshot.data!.cartSnapshot;
    assert.equal(lines.length, 2);
    await system.services.order.orm.em
      .fork()
      .getConnection()
      .execute(
        `insert into checkouts (order_id, user_id, idempotency_key, state, attempt, lines, claimed_at, created_at)
         values (?, ?, ?, 'reserving', 1, ?::jsonb, now() - interval '20 seconds', now() - interval '20 seconds')`,
        [orderId, shopper.user.id, idempotencyKey, JSON.stringify(lines)],
      );
    const reserved = await postGraphQL<Reply<{ reserveStock: unknown[] }>>(
      system.product.server.url,
      'mutation ($orderId: ID!, $lines: [StockLineInput!]!) { reserveStock(orderId: $orderId, lines: $lines) { productId } }',
      { orderId, lines: lines.map(({ productId, quantity }) => ({ productId, quantity })) },
      null,
      { service: 'order', callee: 'product' },
    );
    assert.equal(reserved.errors, undefined, JSON.stringify(reserved.errors));
    assert.equal(await stockOf(lamp.id), 8);
    assert.equal(await stockOf(mug.id), 9);

    // Meanwhile the customer changes the cart: the mug goes, a kettle comes.
    await shopper.client.RemoveFromCart({ productId: mug.id });
    await shopper.client.AddToCart({ productId: kettle.id, quantity: 1 });

    const { checkout } = await shopper.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey } });
    assert.equal(checkout.id, orderId);
    assert.deepEqual(
      checkout.items.map((item) => [item.product.id, item.quantity, item.unitPrice.amountCents]).sort(),
      [
        [lamp.id, 2, 1999],
        [mug.id, 1, 450],
      ].sort(),
    );
    assert.equal(checkout.total.amountCents, 2 * 1999 + 450);

    let status = '';
    await waitFor(async () => {
      status = (await shopper.client.Order({ id: orderId })).order?.status ?? '';
      return FINAL_ORDER_STATUSES.has(status);
    }, 'the order to reach a final state');
    assert.equal(status, 'CONFIRMED');
    // What was charged is what was committed: nothing more of anything, and the kettle untouched.
    assert.equal(await stockOf(lamp.id), 8);
    assert.equal(await stockOf(mug.id), 9);
    assert.equal(await stockOf(kettle.id), 10);
    // The bought lamp line leaves the cart; the kettle, added after the snapshot, stays.
    await waitFor(async () => {
      const items = (await shopper.client.MyCart()).me!.cart.items;
      return items.length === 1 && items[0]!.product.id === kettle.id;
    }, 'the bought lines to leave the cart');
  });

  it('a retry that finds its checkout abandoned is CONFLICT, orders nothing; checkout.abandoned went out once and the stock was released', async () => {
    const shopper = await system.signUp('Too Late');
    const lamp = await createProduct(admin, 10, 1999);
    await shopper.client.AddToCart({ productId: lamp.id, quantity: 3 });

    // A first attempt whose answer was lost: claimed with its lines, the stock reserved, no order stored.
    const idempotencyKey = randomUUID();
    const orderId = orderIdFor(shopper.user.id, idempotencyKey);
    const orderSql = <T>(sql: string, params: unknown[]) => system.services.order.orm.em.fork().getConnection().execute<T[]>(sql, params);
    const reservations = () =>
      system.product.orm.em
        .fork()
        .getConnection()
        .execute<Array<{ status: string; quantity: number }>>('select status, quantity from stock_reservations where order_id = ?', [
          orderId,
        ]);
    const lines = [{ productId: lamp.id, quantity: 3, updatedAt: new Date().toISOString() }];
    await orderSql(
      `insert into checkouts (order_id, user_id, idempotency_key, state, attempt, lines, claimed_at, created_at)
       values (?, ?, ?, 'reserving', 1, ?::jsonb, now(), now())`,
      [orderId, shopper.user.id, idempotencyKey, JSON.stringify(lines)],
    );
    const reserved = await postGraphQL<Reply<{ reserveStock: unknown[] }>>(
      system.product.server.url,
      'mutation ($orderId: ID!, $lines: [StockLineInput!]!) { reserveStock(orderId: $orderId, lines: $lines) { productId } }',
      { orderId, lines: [{ productId: lamp.id, quantity: 3 }] },
      null,
      { service: 'order', callee: 'product' },
    );
    assert.equal(reserved.errors, undefined, JSON.stringify(reserved.errors));
    // The orphan exists: 3 units held for an order that does not exist.
    assert.deepEqual(await reservations(), [{ status: 'held', quantity: 3 }]);
    assert.equal(await stockOf(lamp.id), 7);
    assert.deepEqual(await orderSql('select id from orders where id = ?', [orderId]), []);

    // Nobody retried within CHECKOUT_ABANDON_AFTER_MS (60 s here): the claim is made that old, and the due work gives it up.
    await orderSql(`update checkouts set claimed_at = now() - interval '61 seconds' where order_id = ?`, [orderId]);
    await waitFor(
      async () =>
        (await orderSql<{ state: string }>('select state from checkouts where order_id = ?', [orderId]))[0]?.state === 'abandoned',
      'the checkout to be abandoned',
    );
    await waitFor(async () => (await stockOf(lamp.id)) === 10, 'the product subgraph to release the held stock');
    assert.deepEqual(await reservations(), [{ status: 'released', quantity: 3 }]);

    const refusal = await shopper.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey } }).then(
      () => assert.fail('the abandoned checkout was completed'),
      (error: { codes?: string[]; message: string }) => error,
    );
    assert.deepEqual(refusal.codes, ['CONFLICT']);
    assert.match(refusal.message, /undone/);
    assert.deepEqual(await codesOf(shopper.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey } })), ['CONFLICT']);
    assert.equal((await shopper.client.Order({ id: orderId })).order, null);
    assert.equal((await shopper.client.MyOrders({ first: 10 })).me!.orders.edges.length, 0);
    assert.equal(await stockOf(lamp.id), 10);
    assert.deepEqual(
      (await shopper.client.MyCart()).me!.cart.items.map((item) => [item.product.id, item.quantity]),
      [[lamp.id, 3]],
    );

    await outboxDrained(system.services.order.orm);
    await tap.flush();
    const aboutIt = tap.events.filter((event) => (event.data as { orderId?: string }).orderId === orderId);
    assert.deepEqual(
      aboutIt.map((event) => [event.type, event.data]),
      [['checkout.abandoned', { orderId, userId: shopper.user.id }]],
    );
  });
});
