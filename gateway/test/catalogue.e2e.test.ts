import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ShopClient } from '@shop/sdk';
import { codesOf, startSystem, type System } from './system.js';

describe('catalogue through the gateway', () => {
  let system: System;
  let admin: ShopClient;
  before(async () => {
    system = await startSystem();
    admin = await system.signInAdmin();
  });
  after(async () => {
    await system?.close();
  });

  it('pages through products with cursors, each product once, in as many pages as the count needs', async () => {
    // Products of this test only (a search term no other product has), so every expectation comes from what it made.
    const tag = randomBytes(4).toString('hex');
    const made = await Promise.all(
      Array.from({ length: 23 }, (_, i) =>
        admin.CreateProduct({ input: { sku: `PAGE-${tag}-${i}`, name: `Pager ${tag} ${i}`, priceCents: 100 + i, stock: 1 } }),
      ),
    );
    const expected = made.map((r) => r.createProduct.id).sort();
    const seen: string[] = [];
    const sizes: number[] = [];
    let after: string | null = null;
    do {
      const { products } = await system.client().Products({ first: 7, after, search: tag });
      assert.equal(products.totalCount, 23);
      seen.push(...products.edges.map((e) => e.node.id));
      sizes.push(products.edges.length);
      after = products.pageInfo.hasNextPage ? products.pageInfo.endCursor : null;
    } while (after && sizes.length < 10);
    assert.deepEqual(sizes, [7, 7, 7, 2]);
    assert.deepEqual([...seen].sort(), expected);
  });

  it('searches by name or SKU, case-insensitively, with literal wildcards', async () => {
    const { products: all } = await system.client().Products({ first: 100 });
    const sample = all.edges[3]!.node;
    const word = sample.name.split(/\s+/)[0]!.toLowerCase();
    const byName = (await system.client().Products({ first: 100, search: word })).products;
    assert.ok(byName.totalCount >= 1);
    assert.ok(byName.edges.every((e) => e.node.name.toLowerCase().includes(word) || e.node.sku.toLowerCase().includes(word)));
    const bySku = (await system.client().Products({ first: 5, search: sample.sku.toLowerCase() })).products;
    assert.deepEqual(
      bySku.edges.map((e) => e.node.id),
      [sample.id],
    );
    assert.equal((await system.client().Products({ search: '%' })).products.totalCount, 0);
  });

  it('rejects bad paging input', async () => {
    assert.deepEqual(await codesOf(system.client().Products({ first: 0 })), ['BAD_USER_INPUT']);
    assert.deepEqual(await codesOf(system.client().Products({ first: 1000 })), ['BAD_USER_INPUT']);
    assert.deepEqual(await codesOf(system.client().Products({ after: 'not-a-cursor' })), ['BAD_USER_INPUT']);
  });

  it('lets an admin create and update; the update reads back at once', async () => {
    const sku = `TEST-${Date.now()}`;
    const { createProduct } = await admin.CreateProduct({
      input: { sku, name: 'Test Lamp', description: 'A lamp for tests.', priceCents: 2599, stock: 7 },
    });
    assert.deepEqual(createProduct.price, { amountCents: 2599, currency: 'USD', formatted: '$25.99' });
    assert.equal(createProduct.inStock, true);
    const { updateProduct } = await admin.UpdateProduct({ id: createProduct.id, input: { priceCents: 1999, stock: 0 } });
    assert.equal(updateProduct.price.amountCents, 1999);
    const { product } = await system.client().Product({ id: createProduct.id });
    assert.equal(product?.price.amountCents, 1999);
    assert.equal(product?.stock, 0);
    assert.equal(product?.inStock, false);
    assert.equal(product?.name, 'Test Lamp');
  });

  it('refuses others with the right codes and validates input', async () => {
    const customer = await system.signUp('Shopper');
    const input = { sku: `NOPE-${Date.now()}`, name: 'Nope', priceCents: 100, stock: 1 };
    assert.deepEqual(await codesOf(system.client().CreateProduct({ input })), ['UNAUTHENTICATED']);
    assert.deepEqual(await codesOf(customer.client.CreateProduct({ input })), ['FORBIDDEN']);
    const { products } = await system.client().Products({ first: 1 });
    const id = products.edges[0]!.node.id;
    assert.deepEqual(await codesOf(system.client().UpdateProduct({ id, input: { priceCents: 1 } })), ['UNAUTHENTICATED']);
    assert.deepEqual(await codesOf(customer.client.UpdateProduct({ id, input: { priceCents: 1 } })), ['FORBIDDEN']);
    assert.deepEqual(await codesOf(customer.client.ArchiveProduct({ id })), ['FORBIDDEN']);
    assert.deepEqual(await codesOf(system.client().ArchiveProduct({ id })), ['UNAUTHENTICATED']);
    assert.equal((await system.client().Product({ id })).product?.price.amountCents, products.edges[0]!.node.price.amountCents);

    assert.deepEqual(await codesOf(admin.CreateProduct({ input: { ...input, priceCents: -1 } })), ['BAD_USER_INPUT']);
    assert.deepEqual(await codesOf(admin.CreateProduct({ input: { ...input, stock: -5 } })), ['BAD_USER_INPUT']);
    assert.deepEqual(await codesOf(admin.CreateProduct({ input: { ...input, name: '   ' } })), ['BAD_USER_INPUT']);
    assert.deepEqual(await codesOf(admin.UpdateProduct({ id, input: { stock: -1 } })), ['BAD_USER_INPUT']);
    assert.deepEqual(await codesOf(admin.CreateProduct({ input: { ...input, sku: products.edges[0]!.node.sku.toLowerCase() } })), [
      'CONFLICT',
    ]);
    assert.deepEqual(await codesOf(admin.UpdateProduct({ id: '00000000-0000-4000-8000-000000000000', input: { stock: 1 } })), [
      'NOT_FOUND',
    ]);
    assert.equal((await system.client().Product({ id: 'not-a-uuid' })).product, null);
  });

  it('keeps the internal stock API out of the client schema, even for an admin', async () => {
    const { products } = await system.client().Products({ first: 1 });
    const attempt = await admin.raw(`mutation { reserveStock(orderId: "${products.edges[0]!.node.id}", lines: []) { productId } }`);
    assert.equal(attempt.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
  });
});
