import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { waitFor } from '@shop/kit/testing';
import { publishEvent } from '@shop/messaging/testing';
import type { ShopClient } from '@shop/sdk';
import { codesOf, createProduct, systemForSuite, type System, type Tap } from './system.js';

interface Person {
  id: string;
  name: string;
  email: string;
  refreshToken: string;
  client: ShopClient;
}

describe('sellers through the gateway: their own products, their own sales, their own mails', () => {
  const suite = systemForSuite();
  let system: System;
  let admin: ShopClient;
  let tap: Tap;
  before(() => {
    ({ system, admin, tap } = suite);
  });

  async function register(name: string): Promise<Person> {
    const { accessToken, refreshToken, user, email } = await system.signUp(name);
    return { id: user.id, name, email, refreshToken, client: system.client(accessToken) };
  }
  /** Granted by the admin; the role is in the seller's tokens from its next refresh. */
  async function seller(name: string): Promise<Person> {
    const person = await register(name);
    const granted = (await admin.GrantSellerRole({ userId: person.id })).grantSellerRole;
    assert.deepEqual([granted.id, granted.role], [person.id, 'SELLER']);
    const { refreshSession } = await system.client().RefreshSession({ refreshToken: person.refreshToken });
    return { ...person, refreshToken: refreshSession.refreshToken, client: system.client(refreshSession.accessToken) };
  }
  async function newProduct(owner: ShopClient, stock: number, priceCents: number, label: string) {
    const sku = `${label}-${randomBytes(3).toString('hex')}`;
    return (await owner.CreateProduct({ input: { sku, name: `${label} ${sku}`, priceCents, stock } })).createProduct;
  }
  async function buy(buyer: Person, lines: Array<[string, number]>) {
    for (const [productId, quantity] of lines) await buyer.client.AddToCart({ productId, quantity });
    const { checkout } = await buyer.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } });
    await waitFor(
      async () => (await buyer.client.Order({ id: checkout.id })).order?.status === 'CONFIRMED',
      `order ${checkout.id} confirmed`,
    );
    return checkout.id;
  }
  const mailsTo = (person: Person, kind: string) => system.mails.filter((m) => m.to === person.email && m.kind === kind);
  const sales = async (person: Person, first = 20, after?: string) => (await person.client.MySales({ first, after })).me!.sales;

  it('only an admin grants the seller role; the role reaches the tokens at the next refresh', async () => {
    const cal = await register('Cal');
    const dot = await register('Dot');
    assert.deepEqual(await codesOf(cal.client.GrantSellerRole({ userId: dot.id })), ['FORBIDDEN']);
    assert.deepEqual(await codesOf(system.client().GrantSellerRole({ userId: dot.id })), ['UNAUTHENTICATED']);
    assert.deepEqual(await codesOf(admin.GrantSellerRole({ userId: randomUUID() })), ['NOT_FOUND']);
    const adminId = (await admin.Me()).me!.id;
    assert.deepEqual(await codesOf(admin.GrantSellerRole({ userId: adminId })), ['CONFLICT']);
    assert.equal((await admin.Me()).me!.role, 'ADMIN');
    assert.equal((await dot.client.Me()).me!.role, 'CUSTOMER', 'a refused grant changed nothing');

    // A customer cannot sell.
    assert.deepEqual(await codesOf(newProduct(cal.client, 5, 100, 'NOPE')), ['FORBIDDEN']);
    await admin.GrantSellerRole({ userId: dot.id });
    // Granting twice is harmless.
    assert.equal((await admin.GrantSellerRole({ userId: dot.id })).grantSellerRole.role, 'SELLER');
    assert.equal((await dot.client.Me()).me!.role, 'SELLER');
    // Dot's access token from before the grant still says CUSTOMER; a refreshed one says SELLER.
    assert.deepEqual(await codesOf(newProduct(dot.client, 5, 100, 'EARLY')), ['FORBIDDEN']);
    const { refreshSession } = await system.client().RefreshSession({ refreshToken: dot.refreshToken });
    assert.equal(refreshSession.user.role, 'SELLER');
    const made = await newProduct(system.client(refreshSession.accessToken), 5, 100, 'DOT');
    assert.equal((await system.client().ProductSeller({ id: made.id })).product!.seller!.id, dot.id);
  });

  it('a seller changes its own products only; an admin changes any; sales, sale mails and low-stock mails are each seller’s own', async () => {
    const sam = await seller('Sam');
    const sue = await seller('Sue');
    const cal = await register('Cal');
    // LOW_STOCK_THRESHOLD is 5 by default.
    const lamp = await newProduct(sam.client, 8, 1500, 'LAMP');
    const vase = await newProduct(sue.client, 10, 900, 'VASE');
    const house = await createProduct(admin, 10, 500);

    assert.deepEqual((await system.client().ProductSeller({ id: lamp.id })).product!.seller, { id: sam.id, name: 'Sam' });
    assert.equal((await system.client().ProductSeller({ id: house.id })).product!.seller, null);
    const listed = async (person: Person) =>
      (await system.client().SellerProducts({ sellerId: person.id })).products.edges.map((e) => e.node.id);
    assert.deepEqual([await listed(sam), await listed(sue)], [[lamp.id], [vase.id]]);
    assert.deepEqual(await codesOf(system.client().SellerProducts({ sellerId: 'sam' })), ['BAD_USER_INPUT']);
    assert.equal((await sam.client.UpdateProduct({ id: lamp.id, input: { priceCents: 1200 } })).updateProduct.price.amountCents, 1200);
    // Another seller's product, the shop's own, and a customer: FORBIDDEN, and nothing changes.
    assert.deepEqual(await codesOf(sue.client.UpdateProduct({ id: lamp.id, input: { priceCents: 1 } })), ['FORBIDDEN']);
    assert.deepEqual(await codesOf(sue.client.ArchiveProduct({ id: lamp.id })), ['FORBIDDEN']);
    assert.deepEqual(await codesOf(sam.client.UpdateProduct({ id: house.id, input: { stock: 0 } })), ['FORBIDDEN']);
    assert.deepEqual(await codesOf(cal.client.UpdateProduct({ id: lamp.id, input: { priceCents: 1 } })), ['FORBIDDEN']);
    const lampNow = (await system.client().Product({ id: lamp.id })).product!;
    assert.deepEqual([lampNow.price.amountCents, lampNow.stock, lampNow.archived], [1200, 8, false]);
    assert.equal((await system.client().Product({ id: house.id })).product!.stock, 10);
    // Bad input from the owner is BAD_USER_INPUT and changes nothing either.
    assert.deepEqual(await codesOf(sam.client.UpdateProduct({ id: lamp.id, input: { priceCents: -5 } })), ['BAD_USER_INPUT']);
    // An admin may change a seller's product.
    assert.equal((await admin.UpdateProduct({ id: vase.id, input: { description: 'checked' } })).updateProduct.description, 'checked');

    // Cal buys from both sellers and the shop.
    const first = await buy(cal, [
      [lamp.id, 2],
      [vase.id, 1],
      [house.id, 1],
    ]);
    await waitFor(() => mailsTo(sam, 'new_sale').length > 0 && mailsTo(sue, 'new_sale').length > 0, 'both sellers’ sale mails');
    await system.quiet();

    const samSales = await sales(sam);
    assert.equal(samSales.totalCount, 1);
    const [line] = samSales.edges.map((e) => e.node);
    assert.deepEqual(
      { ...line!, soldAt: undefined },
      {
        id: `${first}:${lamp.id}`,
        orderId: first,
        product: { id: lamp.id, name: lamp.name },
        name: lamp.name,
        quantity: 2,
        unitPrice: { amountCents: 1200, currency: 'USD', formatted: '$12.00' },
        lineTotal: { amountCents: 2400, currency: 'USD', formatted: '$24.00' },
        soldAt: undefined,
      },
    );
    assert.ok(Math.abs(Date.parse(line!.soldAt) - Date.now()) < 60_000, 'sold just now');
    assert.deepEqual(
      (await sales(sue)).edges.map((e) => [e.node.product.id, e.node.quantity]),
      [[vase.id, 1]],
    );
    assert.equal((await sales(cal)).totalCount, 0, 'a buyer has sold nothing');

    // Somebody else's sales, reached through a product's seller: only that seller or an admin.
    assert.deepEqual(await codesOf(sue.client.SalesOfProductSeller({ id: lamp.id })), ['FORBIDDEN']);
    assert.deepEqual(await codesOf(cal.client.SalesOfProductSeller({ id: lamp.id })), ['FORBIDDEN']);
    assert.deepEqual(await codesOf(system.client().SalesOfProductSeller({ id: lamp.id })), ['UNAUTHENTICATED']);
    assert.equal((await sam.client.SalesOfProductSeller({ id: lamp.id })).product!.seller!.sales.totalCount, 1);
    assert.equal((await admin.SalesOfProductSeller({ id: lamp.id })).product!.seller!.sales.totalCount, 1);

    // One mail per seller, listing only its own lines; the buyer's receipt lists all three.
    const [samMail] = mailsTo(sam, 'new_sale');
    assert.equal(mailsTo(sam, 'new_sale').length, 1);
    assert.match(samMail!.text, new RegExp(`2 × ${lamp.name} @ \\$12\\.00 = \\$24\\.00`));
    assert.match(samMail!.text, new RegExp(first));
    assert.doesNotMatch(samMail!.text, new RegExp(`${vase.name}|${house.name}|${cal.email}|Cal`));
    assert.equal(mailsTo(sue, 'new_sale').length, 1);
    assert.match(mailsTo(sue, 'new_sale')[0]!.text, new RegExp(`1 × ${vase.name}`));
    assert.doesNotMatch(mailsTo(sue, 'new_sale')[0]!.text, new RegExp(lamp.name));
    for (const product of [lamp, vase, house]) assert.match(mailsTo(cal, 'receipt')[0]!.text, new RegExp(product.name));
    // Lamp is at 6, above the threshold: no alert yet.
    assert.deepEqual(mailsTo(sam, 'low_stock'), []);

    // The same confirmation published again under a new id (a duplicate the inbox cannot recognise): no second sale mail.
    await tap.flush();
    const confirmed = tap.events.find((e) => e.type === 'order.confirmed' && e.data.orderId === first)!;
    const sellerOf = new Map(
      (confirmed.data as { items: Array<{ productId: string; sellerId?: string | null }> }).items.map((i) => [i.productId, i.sellerId]),
    );
    assert.deepEqual(Object.fromEntries(sellerOf), { [lamp.id]: sam.id, [vase.id]: sue.id, [house.id]: null });
    await publishEvent(tap.broker, 'order.confirmed', confirmed.data as never, { id: randomUUID() });
    await system.quiet();
    assert.equal(mailsTo(sam, 'new_sale').length, 1);
    assert.equal(mailsTo(sue, 'new_sale').length, 1);

    // Down to 5 (the threshold): one low-stock mail to Sam. Down to 4: no second one.
    await buy(cal, [[lamp.id, 1]]);
    await waitFor(() => mailsTo(sam, 'low_stock').length > 0, 'the low-stock mail');
    await buy(cal, [[lamp.id, 1]]);
    await system.quiet();
    assert.equal(mailsTo(sam, 'low_stock').length, 1);
    assert.match(mailsTo(sam, 'low_stock')[0]!.subject, new RegExp(`Low stock: ${lamp.name} \\(5 left\\)`));
    assert.deepEqual(mailsTo(sue, 'low_stock'), []);

    // Restocked above the threshold, it may alert again the next time it runs low.
    await sam.client.UpdateProduct({ id: lamp.id, input: { stock: 20 } });
    await buy(cal, [[lamp.id, 15]]);
    await waitFor(() => mailsTo(sam, 'low_stock').length === 2, 'the second low-stock mail');
    // An admin's stock edit to at or below the threshold alerts the seller too, once.
    await admin.UpdateProduct({ id: vase.id, input: { stock: 3 } });
    await admin.UpdateProduct({ id: vase.id, input: { stock: 2 } });
    await waitFor(() => mailsTo(sue, 'low_stock').length > 0, "Sue's low-stock mail");
    await system.quiet();
    assert.equal(mailsTo(sam, 'low_stock').length, 2);
    assert.equal(mailsTo(sue, 'low_stock').length, 1);
    // The shop's own product never alerts anyone, however low.
    await admin.UpdateProduct({ id: house.id, input: { stock: 0 } });
    await system.quiet();
    await tap.flush();
    assert.deepEqual(
      [...new Set(tap.events.filter((e) => e.type === 'product.low_stock').map((e) => (e.data as { productId: string }).productId))].sort(),
      [lamp.id, vase.id].sort(),
    );

    // Sam's sales, newest first, a page at a time: four orders bought lamps.
    assert.equal(mailsTo(sam, 'new_sale').length, 4);
    const page1 = await sales(sam, 3);
    assert.deepEqual([page1.totalCount, page1.edges.length, page1.pageInfo.hasNextPage], [4, 3, true]);
    const page2 = await sales(sam, 3, page1.pageInfo.endCursor!);
    assert.deepEqual([page2.edges.length, page2.pageInfo.hasNextPage], [1, false]);
    const quantities = [...page1.edges, ...page2.edges].map((e) => e.node.quantity);
    assert.deepEqual(quantities, [15, 1, 1, 2]);
    const times = [...page1.edges, ...page2.edges].map((e) => Date.parse(e.node.soldAt));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    assert.deepEqual(await codesOf(sam.client.MySales({ first: 0 })), ['BAD_USER_INPUT']);
    assert.deepEqual(await codesOf(sam.client.MySales({ after: 'not-a-cursor' })), ['BAD_USER_INPUT']);
  });
});
