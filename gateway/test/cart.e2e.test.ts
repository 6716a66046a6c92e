import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { countStatements, internalHeaders, TEST_ENV } from '@shop/kit/testing';
import { ShopApiError, type ShopClient } from '@shop/sdk';
import { loadGatewayEnv, startGateway } from '../src/index.js';
import { codesOf, countRequests, createProduct, startSystem, type System } from './system.js';

describe('cart with live prices through the gateway', () => {
  let system: System;
  let admin: ShopClient;
  let catalogue: Array<{ id: string; name: string; stock: number; price: { amountCents: number } }>;
  before(async () => {
    system = await startSystem();
    admin = await system.signInAdmin();
    catalogue = (await system.client().Products({ first: 100 })).products.edges.map((e) => e.node).filter((p) => p.stock >= 20);
  });
  after(async () => {
    await system?.close();
  });

  it('merges lines, totals at the live price, shows price changes at once, and keeps carts apart', async () => {
    const ann = await system.signUp('Ann');
    const bob = await system.signUp('Bob');
    const [lampPrice, mugPrice] = [1999, 450];
    const [lamp, mug] = [await createProduct(admin, 50, lampPrice), await createProduct(admin, 50, mugPrice)];
    await ann.client.AddToCart({ productId: lamp.id, quantity: 2 });
    const merged = (await ann.client.AddToCart({ productId: lamp.id, quantity: 3 })).addToCart;
    assert.equal(merged.items.length, 1);
    assert.equal(merged.items[0]!.quantity, 5);
    await ann.client.AddToCart({ productId: mug.id, quantity: 1 });
    await bob.client.AddToCart({ productId: lamp.id, quantity: 1 });

    const before = (await ann.client.MyCart()).me!.cart;
    assert.equal(before.itemCount, 6);
    assert.equal(before.subtotal.amountCents, 1999 * 5 + 450);
    assert.deepEqual(
      before.items.map((i) => [i.product.id, i.unitPrice.amountCents, i.lineTotal.amountCents, i.priceChanged]).sort(),
      [
        [lamp.id, lampPrice, lampPrice * 5, false],
        [mug.id, mugPrice, mugPrice, false],
      ].sort(),
    );

    const newPrice = 2500;
    await admin.UpdateProduct({ id: lamp.id, input: { priceCents: newPrice } });
    const afterChange = (await ann.client.MyCart()).me!.cart;
    const lampLine = afterChange.items.find((i) => i.product.id === lamp.id)!;
    assert.equal(lampLine.unitPrice.amountCents, newPrice);
    assert.equal(lampLine.product.price.amountCents, newPrice);
    assert.equal(lampLine.priceWhenAdded.amountCents, lampPrice);
    assert.equal(lampLine.priceChanged, true);
    assert.equal(lampLine.lineTotal.amountCents, 2500 * 5);
    assert.equal(afterChange.subtotal.amountCents, 2500 * 5 + mugPrice);
    assert.equal(afterChange.items.find((i) => i.product.id === mug.id)!.priceChanged, false);

    const emptied = (await ann.client.UpdateCartItem({ productId: lamp.id, quantity: 0 })).updateCartItem;
    assert.deepEqual(
      emptied.items.map((i) => i.product.id),
      [mug.id],
    );
    const set = (await ann.client.UpdateCartItem({ productId: mug.id, quantity: 4 })).updateCartItem;
    assert.equal(set.items[0]!.quantity, 4);
    const removed = (await ann.client.RemoveFromCart({ productId: mug.id })).removeFromCart;
    assert.deepEqual(removed.items, []);
    assert.equal(removed.subtotal.amountCents, 0);

    const bobs = (await bob.client.MyCart()).me!.cart;
    assert.equal(bobs.items.length, 1);
    assert.equal(bobs.items[0]!.quantity, 1);
    assert.notEqual(bobs.id, removed.id);
  });

  it('answers bad quantities, unknown products, short stock and anonymous callers with their codes, changing nothing', async () => {
    const cy = await system.signUp('Cy');
    // Stock enough that only the per-line bound (99) can refuse the second add below.
    const product = await createProduct(admin, 200);
    await cy.client.AddToCart({ productId: product.id, quantity: 1 });
    for (const quantity of [0, -1, 100]) {
      assert.deepEqual(await codesOf(cy.client.AddToCart({ productId: product.id, quantity })), ['BAD_USER_INPUT'], `add ${quantity}`);
    }
    assert.deepEqual(await codesOf(cy.client.UpdateCartItem({ productId: product.id, quantity: 100 })), ['BAD_USER_INPUT']);
    assert.deepEqual(await codesOf(cy.client.UpdateCartItem({ productId: product.id, quantity: -2 })), ['BAD_USER_INPUT']);
    // 1 in the cart + 99 would pass the per-add bound but not the per-line one.
    assert.deepEqual(await codesOf(cy.client.AddToCart({ productId: product.id, quantity: 99 })), ['BAD_USER_INPUT']);
    const scarce = (await admin.CreateProduct({ input: { sku: `SCARCE-${Date.now()}`, name: 'Scarce', priceCents: 500, stock: 3 } }))
      .createProduct;
    const outOfStock = await cy.client.AddToCart({ productId: scarce.id, quantity: 4 }).catch((e: unknown) => e);
    assert.ok(outOfStock instanceof ShopApiError);
    assert.deepEqual(outOfStock.codes, ['OUT_OF_STOCK']);
    assert.equal(outOfStock.errors[0]?.extensions?.available, 3);
    assert.deepEqual(await codesOf(cy.client.AddToCart({ productId: '00000000-0000-4000-8000-000000000000', quantity: 1 })), ['NOT_FOUND']);
    assert.deepEqual(await codesOf(cy.client.AddToCart({ productId: 'nope', quantity: 1 })), ['NOT_FOUND']);
    assert.deepEqual(await codesOf(system.client().AddToCart({ productId: product.id, quantity: 1 })), ['UNAUTHENTICATED']);
    assert.deepEqual(await codesOf(system.client().RemoveFromCart({ productId: product.id })), ['UNAUTHENTICATED']);
    const anonymous = await system.client().raw('{ cart { id } }');
    assert.equal(anonymous.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');

    const cart = (await cy.client.MyCart()).me!.cart;
    assert.deepEqual(
      cart.items.map((i) => [i.product.id, i.quantity]),
      [[product.id, 1]],
    );
  });

  it("refuses to show one user's cart to another, even asked directly of the cart subgraph", async () => {
    const owner = await system.signUp('Owner');
    const other = await system.signUp('Other');
    await owner.client.AddToCart({ productId: catalogue[3]!.id, quantity: 1 });
    const response = await fetch(system.services.cart.server.url, {
      method: 'POST',
      // As the gateway would pass the other user's request on: the cart service itself must refuse.
      headers: { 'content-type': 'application/json', authorization: `Bearer ${other.accessToken}`, ...(await internalHeaders()) },
      body: JSON.stringify({
        query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { cart { id itemCount } } } }',
        variables: { r: [{ __typename: 'User', id: owner.user.id }] },
      }),
    });
    const body = (await response.json()) as { data: { _entities: unknown[] }; errors: Array<{ extensions: { code: string } }> };
    assert.equal(body.errors[0]?.extensions.code, 'FORBIDDEN');
    assert.doesNotMatch(JSON.stringify(body.data), /itemCount/);
  });

  it('prices a 100-line cart with one SQL statement per subgraph (none in product when warm), one request per hop and none to user', async () => {
    const buyer = await system.signUp('Bulk Buyer');
    const prices = Array.from({ length: 100 }, (_, i) => 100 + i);
    const created = await Promise.all(prices.map((priceCents) => createProduct(admin, 50, priceCents)));
    const ids = created.map((p) => p.id);
    const priceOf = new Map(created.map((p, i) => [p.id, prices[i]!]));
    for (const id of ids) await buyer.client.AddToCart({ productId: id, quantity: 1 });

    // Cold: drop this system's cached products.
    const redis = system.product.redis;
    const keys = await redis.keys(`${system.redisKeyPrefix}product:*`);
    if (keys.length) await redis.del(...keys);

    const measure = async () => {
      const cartSql = countStatements(system.services.cart.orm);
      const productSql = countStatements(system.product.orm);
      const requests = {
        user: countRequests(system.services.user.server),
        product: countRequests(system.product.server),
        cart: countRequests(system.services.cart.server),
      };
      const cart = (await buyer.client.MyCart()).me!.cart;
      for (const counter of [cartSql, productSql, ...Object.values(requests)]) counter.stop();
      return {
        cart,
        sql: { cart: cartSql.count, product: productSql.count },
        fetches: { user: requests.user.count, product: requests.product.count, cart: requests.cart.count },
      };
    };
    const cold = await measure();
    assert.equal(cold.cart.items.length, 100);
    assert.equal(
      cold.cart.subtotal.amountCents,
      prices.reduce((sum, price) => sum + price, 0),
    );
    for (const item of cold.cart.items) assert.equal(item.lineTotal.amountCents, priceOf.get(item.product.id), item.product.id);
    const warm = await measure();
    console.log(
      `100-line cart: cold sql ${JSON.stringify(cold.sql)} fetches ${JSON.stringify(cold.fetches)}; warm sql ${JSON.stringify(warm.sql)}`,
    );
    assert.deepEqual(cold.sql, { cart: 1, product: 1 });
    assert.deepEqual(warm.sql, { cart: 1, product: 0 });
    // user: none (cart answers the shared `me` from the token); product: one batch of 100 references; cart: `me` with
    // the lines, then Cart and CartItem priced from representations in one batched request (two operations).
    assert.deepEqual(cold.fetches, { user: 0, product: 1, cart: 2 });
    assert.deepEqual(warm.fetches, cold.fetches);

    const timings: number[] = [];
    for (let i = 0; i < 15; i += 1) {
      const started = performance.now();
      await buyer.client.MyCart();
      timings.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);
    console.log(`100-line cart through the gateway, warm cache: median ${timings[7]!.toFixed(1)} ms over 15 runs`);
  });

  it('keeps answering when a product in the cart is withdrawn from sale', async () => {
    const shopper = await system.signUp('Archive Shopper');
    const doomed = (
      await admin.CreateProduct({ input: { sku: `DOOMED-${Date.now()}`, name: 'Doomed Gadget', priceCents: 1234, stock: 9 } })
    ).createProduct;
    await shopper.client.AddToCart({ productId: doomed.id, quantity: 2 });
    await shopper.client.AddToCart({ productId: catalogue[5]!.id, quantity: 1 });
    await admin.ArchiveProduct({ id: doomed.id });
    const cart = (await shopper.client.MyCart()).me!.cart;
    const line = cart.items.find((i) => i.product.id === doomed.id)!;
    assert.equal(line.product.archived, true);
    assert.equal(line.product.inStock, false);
    assert.equal(line.lineTotal.amountCents, 2468);
    assert.equal(cart.items.length, 2);
    const listed = (await system.client().Products({ first: 10, search: doomed.sku })).products;
    assert.equal(listed.totalCount, 0);
    assert.deepEqual(await codesOf(shopper.client.AddToCart({ productId: doomed.id, quantity: 1 })), ['OUT_OF_STOCK']);
  });

  it('still answers when the product subgraph is down: what it can, with errors on the missing fields, never a 500', async () => {
    const user = await system.signUp('Resilient');
    await user.client.AddToCart({ productId: catalogue[4]!.id, quantity: 2 });
    const urls = system.services.gateway.subgraphUrls;
    const degraded = await startGateway(
      loadGatewayEnv({
        ...TEST_ENV,
        PORT: '0',
        USER_URL: urls.user,
        PRODUCT_URL: 'http://127.0.0.1:9/graphql',
        CART_URL: urls.cart,
        ORDER_URL: urls.order,
      }),
    );
    try {
      const response = await fetch(degraded.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}` },
        body: JSON.stringify({
          query:
            '{ me { id email } shopping: me { cart { id itemCount items { quantity product { id name } lineTotal { amountCents } } subtotal { amountCents } } } }',
        }),
      });
      assert.equal(response.status, 200);
      const body = (await response.json()) as {
        data: { me: { id: string } | null };
        errors: Array<{ message: string; extensions?: { code?: string } }>;
      };
      assert.equal(body.data.me?.id, user.user.id);
      assert.ok(body.errors.length > 0);
      assert.doesNotMatch(JSON.stringify(body.errors), /ECONNREFUSED|127\.0\.0\.1:9/);
      assert.ok(
        body.errors.every((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE'),
        JSON.stringify(body.errors),
      );
    } finally {
      await degraded.close();
    }
  });
});
