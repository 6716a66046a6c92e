import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { postGraphQL } from '@shop/kit/testing';
import type { ShopClient } from '@shop/sdk';
import { codesOf, createProduct, startSystem, type System } from './system.js';

interface Reply {
  data: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions: { code: string } }>;
}

const CART = `{ me { cart { items { product { id } quantity lineTotal { amountCents } } subtotal { amountCents } } } }`;
const MAX_INT = 2_147_483_647;

describe('money and input limits through the gateway', () => {
  let system: System;
  let admin: ShopClient;
  before(async () => {
    // Up to 1000 units a line, so a line at the highest price could pass GraphQL's Int limit.
    system = await startSystem({ cartEnv: { CART_MAX_QUANTITY: '1000' } });
    admin = await system.signInAdmin();
  });
  after(async () => {
    await system?.close();
  });

  it('bounds product prices at PRODUCT_MAX_PRICE_CENTS (default $100,000.00)', async () => {
    assert.deepEqual(await codesOf(createProduct(admin, 1, 10_000_001)), ['BAD_USER_INPUT']);
    const product = await createProduct(admin, 1, 10_000_000);
    assert.equal(product.price.amountCents, 10_000_000);
    assert.deepEqual(await codesOf(admin.UpdateProduct({ id: product.id, input: { priceCents: MAX_INT } })), ['BAD_USER_INPUT']);
  });

  it('refuses a line or cart above CART_MAX_TOTAL_CENTS, and a cart that grew past it by a price rise fails only on its totals', async () => {
    const shopper = await system.signUp('Big Spender');
    const cheap = await createProduct(admin, 1000, 1000);
    const dear = await createProduct(admin, 1000, 10_000_000);
    await shopper.client.AddToCart({ productId: cheap.id, quantity: 500 });
    // 10 × $100,000 is exactly the $1,000,000 limit for the line, but the cart already holds $5,000.
    const tooMuch = await postGraphQL<Reply>(
      system.url,
      `mutation ($id: ID!) { addToCart(productId: $id, quantity: 10) { id } }`,
      { id: dear.id },
      shopper.accessToken,
    );
    assert.equal(tooMuch.errors?.[0]?.extensions.code, 'BAD_USER_INPUT');
    assert.match(tooMuch.errors![0]!.message, /cart total would exceed the maximum of \$1,000,000\.00/);
    assert.deepEqual(await codesOf(shopper.client.UpdateCartItem({ productId: dear.id, quantity: 11 })), ['BAD_USER_INPUT']);
    assert.equal((await shopper.client.AddToCart({ productId: dear.id, quantity: 9 })).addToCart.subtotal.amountCents, 90_500_000);
    assert.deepEqual(await codesOf(shopper.client.UpdateCartItem({ productId: dear.id, quantity: 10 })), ['BAD_USER_INPUT']);

    // 500 × $100,000 = 5,000,000,000 cents: more than an Int holds.
    await admin.UpdateProduct({ id: cheap.id, input: { priceCents: 10_000_000 } });
    const read = await postGraphQL<Reply>(system.url, CART, {}, shopper.accessToken);
    const failures = (read.errors ?? []).map((e) => [e.path?.join('.'), e.extensions.code]);
    assert.deepEqual(failures.sort(), [
      ['me.cart.items.0.lineTotal', 'BAD_USER_INPUT'],
      ['me.cart.subtotal', 'BAD_USER_INPUT'],
    ]);

    const stockBefore = (await system.client().Product({ id: dear.id })).product!.stock;
    assert.deepEqual(await codesOf(shopper.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } })), [
      'BAD_USER_INPUT',
    ]);
    assert.equal((await system.client().Product({ id: dear.id })).product!.stock, stockBefore, 'nothing reserved');
    assert.equal((await system.client().Product({ id: cheap.id })).product!.stock, 1000, 'nothing reserved');

    // Back under the limit, the same cart can be bought.
    await shopper.client.UpdateCartItem({ productId: cheap.id, quantity: 1 });
    const order = (await shopper.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } })).checkout;
    assert.equal(order.total.amountCents, 100_000_000);
  });

  it('bounds products(search) at 100 characters and products(first) at 100', async () => {
    const client = system.client();
    assert.equal((await client.Products({ first: 1, search: 'x'.repeat(100) })).products.totalCount, 0);
    assert.deepEqual(await codesOf(client.Products({ first: 1, search: 'x'.repeat(101) })), ['BAD_USER_INPUT']);
    assert.deepEqual(await codesOf(client.Products({ first: 101 })), ['BAD_USER_INPUT']);
  });
});
