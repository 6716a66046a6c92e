import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@shop/kit';
import { Broker, type EventData, type ParsedEvent } from '@shop/messaging';
import { publishEvent, recordOutcomes, removeExchange, tapEvents } from '@shop/messaging/testing';
import { dropDatabases, postGraphQL, TEST_ENV, testDatabaseUrl, testTokens, waitFor } from '@shop/kit/testing';
import { loadProductEnv, startProductService } from '../src/index.js';
import { Product } from '../src/modules/product/product.entity.js';
import { StockReservation } from '../src/modules/stock/stock-reservation.entity.js';

const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

const RESERVE = `mutation ($orderId: ID!, $lines: [StockLineInput!]!) {
  reserveStock(orderId: $orderId, lines: $lines) { productId quantity name unitPriceCents currency }
}`;

interface Reply {
  data: {
    reserveStock?: Array<{ productId: string; quantity: number; unitPriceCents: number }>;
  } | null;
  errors?: Array<{ extensions: { code: string; available?: number; orderId?: string } }>;
}

describe('stock reservations (real Postgres, under concurrency) and what order events do to them (RabbitMQ)', () => {
  const databaseUrl = testDatabaseUrl('product');
  let service: Awaited<ReturnType<typeof startProductService>>;
  let customerToken: string;
  let broker: Broker;
  let tap: Awaited<ReturnType<typeof tapEvents>>;
  let outcomes: ReturnType<typeof recordOutcomes>;

  before(async () => {
    const env = loadProductEnv({ ...TEST_ENV, PRODUCT_PORT: '0', PRODUCT_DATABASE_URL: databaseUrl, RESERVATION_SWEEP_INTERVAL_MS: '100' });
    service = await startProductService(env, { prepare: true });
    outcomes = recordOutcomes(service.consumer);
    broker = new Broker({ url: RABBITMQ_URL, exchange: TEST_ENV.EVENTS_EXCHANGE, log: createLogger('stock-test', 'silent') });
    tap = await tapEvents(broker);
    customerToken = await testTokens.user({ userId: randomUUID(), role: 'CUSTOMER' });
  });
  after(async () => {
    await tap?.close();
    await broker?.close();
    await service?.close();
    await dropDatabases([databaseUrl]);
    await removeExchange(RABBITMQ_URL, TEST_ENV.EVENTS_EXCHANGE);
  });

  /** As the order service (its own credential), as a signed-in customer through the gateway, or anonymously through it. */
  const call = (query: string, variables: object, as: 'service' | 'customer' | null = 'service') =>
    as === 'service'
      ? postGraphQL<Reply>(service.server.url, query, variables, null, { service: 'order', callee: 'product' })
      : postGraphQL<Reply>(service.server.url, query, variables, as === 'customer' ? customerToken : null);

  const newProduct = async (stock: number) => {
    const em = service.orm.em.fork();
    const product = em.create(Product, {
      sku: `STOCK-${randomUUID().slice(0, 8)}`,
      name: 'Contended Widget',
      priceCents: 999,
      currency: 'USD',
      stock,
    });
    await em.persistAndFlush(product);
    return product.id;
  };
  const stockOf = async (id: string) => (await service.orm.em.fork().findOneOrFail(Product, { id })).stock;

  /** Publishes an order event as the order service would and resolves once the product consumer has applied it. */
  const tell = async <T extends 'order.paid' | 'order.cancelled' | 'checkout.abandoned'>(type: T, data: EventData<T>) => {
    const id = await publishEvent(broker, type, data);
    await outcomes.settled(id, 1);
    assert.deepEqual(outcomes.final(id), ['applied']);
  };
  const paid = (orderId: string) => tell('order.paid', { orderId, userId: randomUUID() });
  const cancelled = (orderId: string) => tell('order.cancelled', { orderId, userId: randomUUID(), reason: 'customer' });
  const abandoned = (orderId: string) => tell('checkout.abandoned', { orderId, userId: randomUUID() });
  /** The product subgraph's answers about this order, once `count` of them have been published. */
  const replies = async (orderId: string, count: number) => {
    const answer = (e: ParsedEvent) =>
      e.type === 'stock.committed' && e.data.orderId === orderId
        ? 'committed'
        : e.type === 'stock.commit_failed' && e.data.orderId === orderId
          ? `failed:${e.data.reason}`
          : null;
    const about = () => tap.events.map(answer).filter((a) => a !== null);
    await waitFor(() => about().length >= count, `${count} stock replies for ${orderId}`, 10_000);
    return about();
  };
  const statusOf = async (orderId: string, productId: string) =>
    (await service.orm.em.fork().findOneOrFail(StockReservation, { orderId, productId })).status;

  it('200 concurrent buyers of a stock of 20: exactly 20 reserved, 180 OUT_OF_STOCK, stock 0', async () => {
    const productId = await newProduct(20);
    const started = Date.now();
    const replies = await Promise.all(
      Array.from({ length: 200 }, () => call(RESERVE, { orderId: randomUUID(), lines: [{ productId, quantity: 1 }] })),
    );
    const codes = replies.map((r) => r.errors?.[0]?.extensions.code ?? 'RESERVED');
    assert.equal(codes.filter((c) => c === 'RESERVED').length, 20);
    assert.equal(codes.filter((c) => c === 'OUT_OF_STOCK').length, 180);
    assert.equal(await stockOf(productId), 0);
    assert.equal(await service.orm.em.fork().count(StockReservation, { productId }), 20);
    console.log(`200 concurrent reservations on stock 20: 20 reserved, 180 OUT_OF_STOCK in ${Date.now() - started} ms`);
  });

  it('multi-line orders in random line order never deadlock, oversell or lose a unit', async () => {
    const ids = [await newProduct(30), await newProduct(30), await newProduct(30)];
    const orders = Array.from({ length: 60 }, () => ({
      orderId: randomUUID(),
      lines: [...ids].sort(() => Math.random() - 0.5).map((productId) => ({ productId, quantity: 1 + Math.floor(Math.random() * 2) })),
    }));
    const replies = await Promise.all(orders.map((order) => call(RESERVE, order)));
    const unexpected = replies.filter((r) => r.errors && r.errors[0]?.extensions.code !== 'OUT_OF_STOCK');
    assert.deepEqual(unexpected, []);
    const reservations = await service.orm.em.fork().find(StockReservation, { productId: { $in: ids } });
    for (const id of ids) {
      const reserved = reservations.filter((r) => r.productId === id).reduce((sum, r) => sum + r.quantity, 0);
      const left = await stockOf(id);
      assert.ok(left >= 0);
      assert.equal(reserved + left, 30, 'every unit is either reserved or still on sale');
    }
    // All or nothing: a refused order holds nothing.
    const refused = orders.filter((_, i) => replies[i]!.errors);
    assert.equal(await service.orm.em.fork().count(StockReservation, { orderId: { $in: refused.map((o) => o.orderId) } }), 0);
  });

  it('is idempotent per order, releases and commits once, and prices from the catalogue', async () => {
    const productId = await newProduct(10);
    const orderId = randomUUID();
    const first = await call(RESERVE, {
      orderId,
      lines: [
        { productId, quantity: 2 },
        { productId, quantity: 1 },
      ],
    });
    const again = await call(RESERVE, {
      orderId,
      lines: [
        { productId, quantity: 2 },
        { productId, quantity: 1 },
      ],
    });
    assert.deepEqual(first.data?.reserveStock, [
      { productId, quantity: 3, name: 'Contended Widget', unitPriceCents: 999, currency: 'USD' },
    ]);
    assert.deepEqual(again.data?.reserveStock, first.data?.reserveStock);
    assert.equal(await stockOf(productId), 7);
    await cancelled(orderId);
    assert.equal(await stockOf(productId), 10, 'a cancelled order gives its units back');
    await cancelled(orderId);
    assert.equal(await stockOf(productId), 10, 'once');
    await paid(orderId);
    assert.deepEqual(await replies(orderId, 1), ['failed:released'], 'released units cannot be sold to it any more');
    assert.equal(await stockOf(productId), 10);

    const sold = randomUUID();
    await call(RESERVE, { orderId: sold, lines: [{ productId, quantity: 4 }] });
    await paid(sold);
    assert.deepEqual(await replies(sold, 1), ['committed']);
    await abandoned(sold);
    assert.equal(await stockOf(productId), 6, 'an abandoned checkout only frees held units; committed ones stay sold');
  });

  it('order.paid commits once (concurrent and repeated events agree), answers failed when nothing was reserved', async () => {
    const productId = await newProduct(10);
    const sold = randomUUID();
    await call(RESERVE, { orderId: sold, lines: [{ productId, quantity: 2 }] });
    await Promise.all([paid(sold), paid(sold)]);
    await paid(sold);
    assert.deepEqual(await replies(sold, 3), ['committed', 'committed', 'committed']);
    assert.equal(await stockOf(productId), 8);
    assert.equal(await statusOf(sold, productId), 'committed');

    const unknown = randomUUID();
    await paid(unknown);
    assert.deepEqual(await replies(unknown, 1), ['failed:not_reserved']);
  });

  it('order.cancelled after the commit puts the sold units back (a paid order cancelled as its stock was committed)', async () => {
    const productId = await newProduct(10);
    const orderId = randomUUID();
    await call(RESERVE, { orderId, lines: [{ productId, quantity: 3 }] });
    await paid(orderId);
    assert.deepEqual(await replies(orderId, 1), ['committed']);
    assert.equal(await stockOf(productId), 7);
    await cancelled(orderId);
    assert.equal(await stockOf(productId), 10);
    assert.equal(await statusOf(orderId, productId), 'released');
    await cancelled(orderId);
    assert.equal(await stockOf(productId), 10, 'a second cancellation gives nothing back twice');
  });

  it('refuses to reserve again for an order whose reservation was released', async () => {
    const productId = await newProduct(5);
    const orderId = randomUUID();
    const lines = [{ productId, quantity: 2 }];
    await call(RESERVE, { orderId, lines });
    await abandoned(orderId);
    assert.equal(await stockOf(productId), 5);
    const retry = await call(RESERVE, { orderId, lines });
    assert.equal(retry.data, null);
    assert.equal(retry.errors?.[0]?.extensions.code, 'CONFLICT');
    assert.equal(retry.errors?.[0]?.extensions.orderId, orderId);
    assert.equal(await stockOf(productId), 5, 'nothing was taken again');
    assert.equal(await service.orm.em.fork().count(StockReservation, { orderId }), 1);

    const committed = randomUUID();
    await call(RESERVE, { orderId: committed, lines });
    await paid(committed);
    assert.deepEqual(await replies(committed, 1), ['committed']);
    assert.deepEqual(
      (await call(RESERVE, { orderId: committed, lines })).data?.reserveStock?.map((l) => [l.productId, l.quantity]),
      [[productId, 2]],
      'a committed reservation still answers a retry with its lines',
    );
    assert.equal(await stockOf(productId), 3);
  });

  it('releases reservations left behind past their expiry', async () => {
    const productId = await newProduct(5);
    const orderId = randomUUID();
    await call(RESERVE, { orderId, lines: [{ productId, quantity: 5 }] });
    assert.equal(await stockOf(productId), 0);
    await service.orm.em
      .fork()
      .getConnection()
      .execute(`update stock_reservations set expires_at = now() - interval '1 second' where order_id = ?`, [orderId]);
    const deadline = Date.now() + 5000;
    while ((await stockOf(productId)) !== 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await stockOf(productId), 5);
    assert.equal((await service.orm.em.fork().findOneOrFail(StockReservation, { orderId, productId })).status, 'released');
  });

  it('refuses customers and anonymous callers', async () => {
    const productId = await newProduct(5);
    const lines = [{ productId, quantity: 1 }];
    assert.equal((await call(RESERVE, { orderId: randomUUID(), lines }, 'customer')).errors?.[0]?.extensions.code, 'FORBIDDEN');
    assert.equal((await call(RESERVE, { orderId: randomUUID(), lines }, null)).errors?.[0]?.extensions.code, 'UNAUTHENTICATED');
    assert.equal(await stockOf(productId), 5);
  });
});
