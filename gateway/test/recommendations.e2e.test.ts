import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { countStatements, postGraphQL, waitFor } from '@shop/kit/testing';
import { Broker, type EventData } from '@shop/messaging';
import { publishEvent, recordOutcomes } from '@shop/messaging/testing';
import { createLogger } from '@shop/kit';
import type { ShopClient } from '@shop/sdk';
import { codesOf, countRequests, paymentGate, RABBITMQ_URL, startSystem, type System } from './system.js';

type Product = { id: string; name: string };
type Buyer = Awaited<ReturnType<System['signUp']>>;

// "Within a few seconds" of the order's confirmation.
const SHOWS_UP_MS = 5_000;

describe('recommendations: co-purchases, best sellers and "for you", fed by order.confirmed', () => {
  let system: System;
  let admin: ShopClient;
  let broker: Broker;
  let outcomes: ReturnType<typeof recordOutcomes>;
  const gate = paymentGate();
  // Units per product in confirmed orders, as this test bought them: what bestSellers must rank by.
  const units = new Map<string, number>();
  const archived = new Set<string>();
  const run = randomBytes(3).toString('hex');
  let serial = 0;
  let A: Product, B: Product, C: Product, D: Product;

  before(async () => {
    system = await startSystem({ paymentProvider: gate.wrap });
    gate.open();
    admin = await system.signInAdmin();
    broker = new Broker({ url: RABBITMQ_URL, exchange: system.exchange, log: createLogger('test', 'silent') });
    outcomes = recordOutcomes(system.services.recommendation.consumer);
    [A, B, C, D] = [await newProduct('A'), await newProduct('B'), await newProduct('C'), await newProduct('D')];
  });
  after(async () => {
    await broker?.close();
    await system?.close();
  });

  async function newProduct(label: string, sku = `REC-${run}-${label}`): Promise<Product> {
    const input = { sku, name: `Reco ${label} ${serial++}`, description: 'created by a test', priceCents: 500, stock: 1000 };
    return (await admin.CreateProduct({ input })).createProduct;
  }
  const count = (lines: Array<[Product, number]>) => lines.forEach(([p, q]) => units.set(p.id, (units.get(p.id) ?? 0) + q));

  async function place(buyer: Buyer, lines: Array<[Product, number]>, paymentToken = 'tok_visa') {
    for (const [product, quantity] of lines) await buyer.client.AddToCart({ productId: product.id, quantity });
    return (await buyer.client.Checkout({ input: { paymentToken, idempotencyKey: randomUUID() } })).checkout;
  }
  async function statusOf(buyer: Buyer, id: string, statuses: string[]) {
    await waitFor(async () => statuses.includes((await buyer.client.Order({ id })).order?.status ?? ''), `order ${id}: ${statuses}`);
  }
  async function buy(buyer: Buyer, lines: Array<[Product, number]>) {
    const order = await place(buyer, lines);
    await statusOf(buyer, order.id, ['CONFIRMED']);
    count(lines);
  }
  const alsoBought = async (product: Product, first?: number) =>
    (await system.client().AlsoBought({ id: product.id, first })).product!.alsoBought.map((p) => p.id);
  const byId = (...products: Product[]) => products.map((p) => p.id).sort();
  /** What bestSellers must answer: units from this test's own purchases, most first, ties by id; archived left out. */
  const expectedBestSellers = () =>
    [...units]
      .filter(([id]) => !archived.has(id))
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .map(([id]) => id);

  it('lists what was bought together, most often first, never the product itself, within seconds of confirmation', async () => {
    const [ann, bob] = [await system.signUp('Ann'), await system.signUp('Bob')];
    await buy(ann, [
      [A, 1],
      [B, 2],
    ]);
    await buy(bob, [
      [A, 1],
      [C, 3],
    ]);
    // B and C share one order each with A: tied, so in id order.
    await waitFor(async () => (await alsoBought(A)).length === 2, 'A to list B and C', SHOWS_UP_MS);
    assert.deepEqual(await alsoBought(A), byId(B, C));
    assert.deepEqual(await alsoBought(B), [A.id]);
    assert.deepEqual(await alsoBought(C), [A.id]);
    assert.deepEqual(await alsoBought(A, 1), [byId(B, C)[0]]);
    assert.deepEqual(await alsoBought(D), []);

    // A second order of A with C: C now leads.
    const cy = await system.signUp('Cy');
    await buy(cy, [
      [C, 1],
      [A, 1],
    ]);
    await waitFor(async () => (await alsoBought(A))[0] === C.id, 'C to lead A', SHOWS_UP_MS);
    assert.deepEqual(await alsoBought(A), [C.id, B.id]);
  });

  it('recommends to a buyer of A what others bought with it, not what they have, topped up with best sellers', async () => {
    const dee = await system.signUp('Dee');
    await buy(dee, [[A, 2]]);
    await system.quiet();
    const recommended = (await dee.client.MyRecommendations({})).me!.recommendations.map((p) => p.id);
    // Co-purchases of A first (C with two shared orders, then B), then best sellers Dee did not buy: none is left here.
    assert.deepEqual(recommended, [C.id, B.id]);
    assert.ok(!recommended.includes(A.id));

    // Someone who bought nothing gets the best sellers.
    const eve = await system.signUp('Eve');
    assert.deepEqual(
      (await eve.client.MyRecommendations({ first: 2 })).me!.recommendations.map((p) => p.id),
      expectedBestSellers().slice(0, 2),
    );
  });

  it("refuses another user's recommendations (FORBIDDEN), even asked directly of the recommendation subgraph", async () => {
    const [owner, other] = [await system.signUp('Owner'), await system.signUp('Other')];
    const reply = await postGraphQL<{ data: { _entities: unknown[] } | null; errors?: Array<{ extensions: { code: string } }> }>(
      system.services.recommendation.server.url,
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id recommendations { id } } } }',
      { r: [{ __typename: 'User', id: owner.user.id }] },
      other.accessToken,
    );
    assert.deepEqual(
      reply.errors?.map((e) => e.extensions.code),
      ['FORBIDDEN'],
    );
    assert.deepEqual(reply.data?._entities, [null]);
    // Anonymous callers have no `me`; through the gateway a signed-in caller only ever reaches their own.
    assert.equal((await system.client().MyRecommendations({})).me, null);
  });

  it('a cancelled order, or a declined one, counts for nothing', async () => {
    const bestSellers = async () => (await system.client().BestSellers({ first: 50 })).bestSellers.map((p) => p.id);
    const before = { a: await alsoBought(A), d: await alsoBought(D), best: await bestSellers() };
    const fay = await system.signUp('Fay');
    gate.close();
    const held = await place(fay, [
      [A, 5],
      [D, 5],
    ]);
    await fay.client.CancelOrder({ id: held.id });
    gate.open();
    await statusOf(fay, held.id, ['CANCELLED']);
    const declined = await place(
      fay,
      [
        [D, 1],
        [B, 1],
      ],
      'tok_chargeDeclined',
    );
    await statusOf(fay, declined.id, ['PAYMENT_FAILED']);
    await system.quiet();
    assert.deepEqual(await alsoBought(A), before.a);
    assert.deepEqual(await alsoBought(D), before.d);
    assert.deepEqual(await bestSellers(), before.best);
    assert.deepEqual(before.best, expectedBestSellers());
  });

  it('the same order.confirmed delivered three times counts once', async () => {
    const [E, F] = [await newProduct('E'), await newProduct('F')];
    const data: EventData<'order.confirmed'> = {
      orderId: randomUUID(),
      userId: randomUUID(),
      totalCents: 1500,
      currency: 'USD',
      items: [
        { productId: E.id, name: E.name, quantity: 1, unitPriceCents: 500 },
        { productId: F.id, name: F.name, quantity: 2, unitPriceCents: 500 },
      ],
    };
    const id = randomUUID();
    for (let i = 0; i < 3; i += 1) await publishEvent(broker, 'order.confirmed', data, { id });
    await outcomes.settled(id, 3);
    assert.deepEqual(outcomes.final(id).sort(), ['applied', 'duplicate', 'duplicate']);
    // A twin under another event id (a producer's retry that made a new envelope) is still the same order.
    const twin = await publishEvent(broker, 'order.confirmed', data);
    await outcomes.settled(twin, 1);
    count([
      [E, 1],
      [F, 2],
    ]);

    assert.deepEqual(await alsoBought(E), [F.id]);
    const [pair] = await system.services.recommendation.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ orders: number }>>('select orders from co_purchases where product_id = ? and other_id = ?', [E.id, F.id]);
    assert.equal(pair?.orders, 1);
    assert.deepEqual(
      (await system.client().BestSellers({ first: 50 })).bestSellers.map((p) => p.id),
      expectedBestSellers(),
    );
  });

  it('ranks best sellers by units in confirmed orders, and leaves archived products out of every list', async () => {
    const best = (await system.client().BestSellers({})).bestSellers.map((p) => p.id);
    assert.deepEqual(best, expectedBestSellers().slice(0, 10));
    // A: 1 + 1 + 1 + 2 units, C: 3 + 1; the rest have two at most.
    assert.deepEqual(best.slice(0, 2), [A.id, C.id]);

    await admin.ArchiveProduct({ id: C.id });
    archived.add(C.id);
    assert.deepEqual(await alsoBought(A), [B.id]);
    assert.deepEqual(
      (await system.client().BestSellers({ first: 50 })).bestSellers.map((p) => p.id),
      expectedBestSellers(),
    );
    const gil = await system.signUp('Gil');
    await buy(gil, [[B, 1]]);
    await system.quiet();
    assert.ok(!(await gil.client.MyRecommendations({ first: 50 })).me!.recommendations.some((p) => p.id === C.id));
  });

  it('refuses `first` outside 1..50 with BAD_USER_INPUT', async () => {
    const hal = await system.signUp('Hal');
    for (const first of [0, 51, -1]) {
      assert.deepEqual(await codesOf(system.client().AlsoBought({ id: A.id, first })), ['BAD_USER_INPUT']);
      assert.deepEqual(await codesOf(system.client().BestSellers({ first })), ['BAD_USER_INPUT']);
      assert.deepEqual(await codesOf(hal.client.MyRecommendations({ first })), ['BAD_USER_INPUT']);
    }
    assert.equal((await system.client().BestSellers({ first: 50 })).bestSellers.length, expectedBestSellers().length);
  });

  it('answers alsoBought for a page of 20 products with one SQL statement and one call to the recommendation subgraph', async () => {
    const prefix = `REC-${run}-PAGE-`;
    const page: Product[] = [];
    for (let i = 0; i < 20; i += 1) page.push(await newProduct(`P${i}`, `${prefix}${String(i).padStart(2, '0')}`));
    // Each product bought with its neighbours in a ring: every alsoBought has two entries.
    const ids: string[] = [];
    for (let i = 0; i < page.length; i += 1) {
      const [p, q] = [page[i]!, page[(i + 1) % page.length]!];
      const lines = [p, q].map((x) => ({ productId: x.id, name: x.name, quantity: 1, unitPriceCents: 500 }));
      count([
        [p, 1],
        [q, 1],
      ]);
      ids.push(
        await publishEvent(broker, 'order.confirmed', {
          orderId: randomUUID(),
          userId: randomUUID(),
          totalCents: 1000,
          currency: 'USD',
          items: lines,
        }),
      );
    }
    for (const id of ids) await outcomes.settled(id, 1);

    const statements = countStatements(system.services.recommendation.orm);
    const requests = countRequests(system.services.recommendation.server);
    try {
      const { products } = await system.client().ProductsAlsoBought({ first: 20, search: prefix, alsoBought: 5 });
      assert.equal(products.edges.length, 20);
      for (const { node } of products.edges) {
        const i = page.findIndex((p) => p.id === node.id);
        const neighbours = [page[(i + 19) % 20]!, page[(i + 1) % 20]!];
        assert.deepEqual(
          node.alsoBought.map((p) => p.id),
          byId(...neighbours),
        );
      }
      assert.equal(statements.count, 1, statements.sql.join('\n'));
      assert.equal(requests.count, 1);
    } finally {
      statements.stop();
      requests.stop();
    }
  });
});
