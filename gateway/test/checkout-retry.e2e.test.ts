import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { FINAL_ORDER_STATUSES } from '@shop/kit';
import { postGraphQL, waitFor } from '@shop/kit/testing';
import { orderIdFor } from '@shop/order';
import type { ShopClient } from '@shop/sdk';
import { createProduct, startSystem, type System } from './system.js';

interface Reply<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

describe('a checkout retried after the cart changed buys what its first attempt reserved', () => {
  let system: System;
  let admin: ShopClient;
  before(async () => {
    system = await startSystem();
    admin = await system.signInAdmin();
  });
  after(async () => {
    await system?.close();
  });

  const stockOf = async (id: string) => (await system.client().Product({ id })).product!.stock;

  it('reserves, stores, charges and commits the first snapshot; lines changed since stay in the cart', async () => {
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
});
