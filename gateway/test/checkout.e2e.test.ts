import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { FINAL_ORDER_STATUSES } from '@shop/kit';
import { waitFor } from '@shop/kit/testing';
import type { ShopClient } from '@shop/sdk';
import { codesOf, createProduct, startSystem, type System } from './system.js';

type Shopper = Awaited<ReturnType<System['signUp']>>;

describe('checkout saga through the gateway', () => {
  let system: System;
  let admin: ShopClient;
  before(async () => {
    system = await startSystem();
    admin = await system.signInAdmin();
  });
  after(async () => {
    await system?.close();
  });

  const newProduct = (stock: number, priceCents = 1250) => createProduct(admin, stock, priceCents);
  const stockOf = async (id: string) => (await system.client().Product({ id })).product!.stock;
  async function finalOrder(shopper: Shopper, id: string) {
    let order: Awaited<ReturnType<ShopClient['Order']>>['order'] = null;
    await waitFor(async () => {
      order = (await shopper.client.Order({ id })).order;
      return FINAL_ORDER_STATUSES.has(order?.status ?? '');
    }, `order ${id} to reach a final state`);
    return order!;
  }

  it('tok_visa: PENDING at once, then CONFIRMED with history PENDING, PAID, CONFIRMED; stock down, cart empty, one receipt', async () => {
    const ann = await system.signUp('Ann');
    const [lamp, mug] = [await newProduct(5, 1999), await newProduct(10, 450)];
    await ann.client.AddToCart({ productId: lamp.id, quantity: 2 });
    await ann.client.AddToCart({ productId: mug.id, quantity: 3 });
    // The server's price counts, not the one in the cart: change it between add and checkout.
    await admin.UpdateProduct({ id: mug.id, input: { priceCents: 500 } });

    const placed = (await ann.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } })).checkout;
    assert.equal(placed.status, 'PENDING');
    assert.equal(placed.total.amountCents, 2 * 1999 + 3 * 500);
    assert.deepEqual(
      placed.items.map((i) => [i.name, i.quantity, i.unitPrice.amountCents, i.lineTotal.amountCents]).sort(),
      [
        [lamp.name, 2, 1999, 3998],
        [mug.name, 3, 500, 1500],
      ].sort(),
    );

    const done = await finalOrder(ann, placed.id);
    assert.equal(done.status, 'CONFIRMED');
    assert.deepEqual(
      done.statusHistory.map((h) => h.status),
      ['PENDING', 'PAID', 'CONFIRMED'],
    );
    assert.equal(done.revision, 3);
    assert.equal(done.user.email, ann.email);
    assert.equal(await stockOf(lamp.id), 3);
    assert.equal(await stockOf(mug.id), 7);
    await waitFor(async () => (await ann.client.MyCart()).me!.cart.items.length === 0, 'the cart to be emptied');
    await waitFor(() => system.mails.some((m) => m.kind === 'receipt' && m.to === ann.email), 'the receipt');
    const orders = (await ann.client.MyOrders({ first: 10 })).me!.orders;
    assert.deepEqual(
      orders.edges.map((e) => e.node.id),
      [placed.id],
    );
    // Counted once nothing is left to do anywhere (outboxes, queues, deliveries, mails): the count cannot grow.
    await system.quiet();
    assert.equal(system.mails.filter((m) => m.kind === 'receipt' && m.to === ann.email).length, 1);
  });

  it('tok_chargeDeclined: PAYMENT_FAILED with a reason, stock back, a cancellation notice', async () => {
    const bob = await system.signUp('Bob');
    const product = await newProduct(4);
    await bob.client.AddToCart({ productId: product.id, quantity: 3 });
    const placed = (await bob.client.Checkout({ input: { paymentToken: 'tok_chargeDeclined', idempotencyKey: randomUUID() } })).checkout;
    assert.equal(placed.status, 'PENDING');
    const done = await finalOrder(bob, placed.id);
    assert.equal(done.status, 'PAYMENT_FAILED');
    assert.match(done.failureReason ?? '', /declined/i);
    assert.deepEqual(
      done.statusHistory.map((h) => h.status),
      ['PENDING', 'PAYMENT_FAILED'],
    );
    await waitFor(async () => (await stockOf(product.id)) === 4, 'the stock to be released');
    await waitFor(() => system.mails.some((m) => m.kind === 'cancellation' && m.to === bob.email), 'the cancellation notice');
  });

  it('the same idempotency key, even twice at once, gives one order and reserves once', async () => {
    const cy = await system.signUp('Cy');
    const product = await newProduct(10);
    await cy.client.AddToCart({ productId: product.id, quantity: 4 });
    const input = { paymentToken: 'tok_visa', idempotencyKey: randomUUID() };
    const results = await Promise.allSettled([cy.client.Checkout({ input }), cy.client.Checkout({ input })]);
    // Which outcome each of a simultaneous pair gets depends on timing: both the one order, or one the order and
    // the other "in progress" (the next test makes that case happen on purpose). Either way, never a second order.
    const ids = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.checkout.id] : []));
    const refusals = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as { codes?: string[]; message: string }] : []));
    assert.ok(ids.length >= 1, `at least one of the pair places the order: ${refusals.map((e) => e.message).join('; ')}`);
    for (const refusal of refusals) {
      assert.deepEqual(refusal.codes, ['CONFLICT'], refusal.message);
      assert.match(refusal.message, /already in progress/);
    }
    const again = (await cy.client.Checkout({ input })).checkout;
    assert.deepEqual(
      ids,
      ids.map(() => again.id),
    );
    await finalOrder(cy, again.id);
    assert.equal((await cy.client.MyOrders({ first: 10 })).me!.orders.edges.length, 1);
    assert.equal(await stockOf(product.id), 6);
  });

  it('a retry while the first attempt is still open (its outcome unknown) is told CONFLICT, and orders nothing', async () => {
    const flo = await system.signUp('Flo');
    const product = await newProduct(10);
    await flo.client.AddToCart({ productId: product.id, quantity: 2 });
    const input = { paymentToken: 'tok_visa', idempotencyKey: randomUUID() };
    const restart = await system.killProduct();
    try {
      // The reservation call fails without an answer: the attempt stays open, as it would after a timeout.
      assert.deepEqual(await codesOf(flo.client.Checkout({ input })), ['SERVICE_UNAVAILABLE']);
      const refusal = await flo.client.Checkout({ input }).then(
        () => assert.fail('a second attempt ran while the first was open'),
        (error: { codes?: string[]; message: string }) => error,
      );
      assert.deepEqual(refusal.codes, ['CONFLICT']);
      assert.match(refusal.message, /already in progress/);
    } finally {
      await restart();
    }
    assert.equal((await flo.client.MyOrders({ first: 10 })).me!.orders.edges.length, 0);
    assert.equal(await stockOf(product.id), 10);
  });

  it('refuses an empty cart, short stock (naming what is left), bad input and anonymous callers, changing nothing', async () => {
    const dee = await system.signUp('Dee');
    assert.deepEqual(await codesOf(dee.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } })), [
      'CART_EMPTY',
    ]);
    const product = await newProduct(2);
    await dee.client.AddToCart({ productId: product.id, quantity: 2 });
    await admin.UpdateProduct({ id: product.id, input: { stock: 1 } });
    const short = await dee.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: 'key-1' } }).catch((e: unknown) => e);
    const error = (short as { errors: Array<{ extensions: Record<string, unknown> }> }).errors[0]!;
    assert.equal(error.extensions.code, 'OUT_OF_STOCK');
    assert.equal(error.extensions.productId, product.id);
    assert.equal(error.extensions.available, 1);
    assert.equal(await stockOf(product.id), 1);
    // Nothing was reserved, so the same key works once the cart fits.
    await dee.client.UpdateCartItem({ productId: product.id, quantity: 1 });
    const placed = (await dee.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: 'key-1' } })).checkout;
    assert.equal(placed.total.amountCents, 1250);
    assert.deepEqual(await codesOf(dee.client.Checkout({ input: { paymentToken: '', idempotencyKey: randomUUID() } })), ['BAD_USER_INPUT']);
    assert.deepEqual(await codesOf(dee.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: 'x'.repeat(201) } })), [
      'BAD_USER_INPUT',
    ]);
    assert.deepEqual(await codesOf(system.client().Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } })), [
      'UNAUTHENTICATED',
    ]);
    await finalOrder(dee, placed.id);
  });

  it("another user's order can be neither read nor cancelled; an admin may read it", async () => {
    const eve = await system.signUp('Eve');
    const mallory = await system.signUp('Mallory');
    const product = await newProduct(3);
    await eve.client.AddToCart({ productId: product.id, quantity: 1 });
    const placed = (await eve.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } })).checkout;
    assert.deepEqual(await codesOf(mallory.client.Order({ id: placed.id })), ['FORBIDDEN']);
    assert.deepEqual(await codesOf(mallory.client.CancelOrder({ id: placed.id })), ['FORBIDDEN']);
    assert.deepEqual(await codesOf(system.client().Order({ id: placed.id })), ['UNAUTHENTICATED']);
    assert.equal((await admin.Order({ id: placed.id })).order!.id, placed.id);
    assert.equal((await mallory.client.Order({ id: randomUUID() })).order, null);
    const done = await finalOrder(eve, placed.id);
    assert.equal(done.status, 'CONFIRMED');
    assert.deepEqual(await codesOf(eve.client.CancelOrder({ id: placed.id })), ['CONFLICT']);
  });
});

describe('cancellation and expiry (no payment worker running)', () => {
  let system: System;
  let admin: ShopClient;
  before(async () => {
    system = await startSystem({ workers: false, orderEnv: { ORDER_PAYMENT_WINDOW_SECONDS: '2' } });
    admin = await system.signInAdmin();
  });
  after(async () => {
    await system?.close();
  });

  it('the owner cancels a PENDING order: CANCELLED, stock released, cancelling again changes nothing', async () => {
    const fay = await system.signUp('Fay');
    const product = await createProduct(admin, 5, 100);
    await fay.client.AddToCart({ productId: product.id, quantity: 5 });
    const placed = (await fay.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } })).checkout;
    assert.equal((await system.client().Product({ id: product.id })).product!.stock, 0);
    const cancelled = (await fay.client.CancelOrder({ id: placed.id })).cancelOrder;
    assert.equal(cancelled.status, 'CANCELLED');
    assert.deepEqual(
      cancelled.statusHistory.map((h) => [h.status, h.reason]),
      [
        ['PENDING', null],
        ['CANCELLED', 'Cancelled by the customer'],
      ],
    );
    await waitFor(async () => (await system.client().Product({ id: product.id })).product!.stock === 5, 'the stock to come back');
    assert.equal((await fay.client.CancelOrder({ id: placed.id })).cancelOrder.revision, 2);
  });

  it('an unpaid order expires to CANCELLED after the payment window and its stock comes back', async () => {
    const gus = await system.signUp('Gus');
    const product = await createProduct(admin, 3, 100);
    await gus.client.AddToCart({ productId: product.id, quantity: 2 });
    const placed = (await gus.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } })).checkout;
    await waitFor(async () => (await gus.client.Order({ id: placed.id })).order!.status === 'CANCELLED', 'the order to expire');
    const expired = (await gus.client.Order({ id: placed.id })).order!;
    assert.match(expired.failureReason ?? '', /Not paid within/);
    await waitFor(async () => (await system.client().Product({ id: product.id })).product!.stock === 3, 'the stock to come back');
  });
});
