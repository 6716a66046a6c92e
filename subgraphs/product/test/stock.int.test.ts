import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { removeExchange } from '@shop/messaging/testing';
import { dropDatabases, postGraphQL, TEST_ENV, testDatabaseUrl, testTokens } from '@shop/kit/testing';
import { loadProductEnv, startProductService } from '../src/index.js';
import { Product } from '../src/modules/product/product.entity.js';
import { StockReservation } from '../src/modules/stock/stock-reservation.entity.js';

const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

const RESERVE = `mutation ($orderId: ID!, $lines: [StockLineInput!]!) {
  reserveStock(orderId: $orderId, lines: $lines) { productId quantity name unitPriceCents currency }
}`;
const RELEASE = 'mutation ($orderId: ID!) { releaseStock(orderId: $orderId) }';
const COMMIT = 'mutation ($orderId: ID!) { commitStock(orderId: $orderId) }';

interface Reply {
  data: {
    reserveStock?: Array<{ productId: string; quantity: number; unitPriceCents: number }>;
    releaseStock?: boolean;
    commitStock?: boolean;
  } | null;
  errors?: Array<{ extensions: { code: string; available?: number; orderId?: string } }>;
}

describe('stock reservations (real Postgres, under concurrency)', () => {
  const databaseUrl = testDatabaseUrl('product');
  let service: Awaited<ReturnType<typeof startProductService>>;
  let customerToken: string;

  before(async () => {
    const env = loadProductEnv({ ...TEST_ENV, PRODUCT_PORT: '0', PRODUCT_DATABASE_URL: databaseUrl, RESERVATION_SWEEP_INTERVAL_MS: '100' });
    service = await startProductService(env, { prepare: true });
    customerToken = await testTokens.user({ userId: randomUUID(), role: 'CUSTOMER' });
  });
  after(async () => {
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
    assert.equal((await call(RELEASE, { orderId })).data?.releaseStock, true);
    assert.equal((await call(RELEASE, { orderId })).data?.releaseStock, false);
    assert.equal((await call(COMMIT, { orderId })).data?.commitStock, false);
    assert.equal(await stockOf(productId), 10);

    const sold = randomUUID();
    await call(RESERVE, { orderId: sold, lines: [{ productId, quantity: 4 }] });
    assert.equal((await call(COMMIT, { orderId: sold })).data?.commitStock, true);
    assert.equal((await call(RELEASE, { orderId: sold })).data?.releaseStock, false, 'a committed reservation stays sold');
    assert.equal(await stockOf(productId), 6);
  });

  it('commit: true now and on a retry, false once released, NOT_FOUND without a reservation', async () => {
    const productId = await newProduct(10);
    const sold = randomUUID();
    await call(RESERVE, { orderId: sold, lines: [{ productId, quantity: 2 }] });
    const commits = await Promise.all([call(COMMIT, { orderId: sold }), call(COMMIT, { orderId: sold })]);
    assert.deepEqual(
      commits.map((r) => r.data?.commitStock),
      [true, true],
      'concurrent commits both report the sale',
    );
    assert.equal((await call(COMMIT, { orderId: sold })).data?.commitStock, true, 'a later retry too');
    assert.equal(await stockOf(productId), 8);

    const expired = randomUUID();
    await call(RESERVE, { orderId: expired, lines: [{ productId, quantity: 3 }] });
    assert.equal((await call(RELEASE, { orderId: expired })).data?.releaseStock, true);
    const late = await call(COMMIT, { orderId: expired });
    assert.equal(late.errors, undefined);
    assert.equal(late.data?.commitStock, false, 'released units went back on sale; they cannot be sold to this order');
    assert.equal(await stockOf(productId), 8);
    assert.equal((await service.orm.em.fork().findOneOrFail(StockReservation, { orderId: expired, productId })).status, 'released');

    const unknown = await call(COMMIT, { orderId: randomUUID() });
    assert.equal(unknown.errors?.[0]?.extensions.code, 'NOT_FOUND');
    assert.equal((await call(COMMIT, { orderId: 'not-a-uuid' })).errors?.[0]?.extensions.code, 'BAD_USER_INPUT');
  });

  it('refuses to reserve again for an order whose reservation was released', async () => {
    const productId = await newProduct(5);
    const orderId = randomUUID();
    const lines = [{ productId, quantity: 2 }];
    await call(RESERVE, { orderId, lines });
    assert.equal((await call(RELEASE, { orderId })).data?.releaseStock, true);
    const retry = await call(RESERVE, { orderId, lines });
    assert.equal(retry.data, null);
    assert.equal(retry.errors?.[0]?.extensions.code, 'CONFLICT');
    assert.equal(retry.errors?.[0]?.extensions.orderId, orderId);
    assert.equal(await stockOf(productId), 5, 'nothing was taken again');
    assert.equal(await service.orm.em.fork().count(StockReservation, { orderId }), 1);

    const committed = randomUUID();
    await call(RESERVE, { orderId: committed, lines });
    await call(COMMIT, { orderId: committed });
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
    assert.equal((await call(RELEASE, { orderId: randomUUID() }, 'customer')).errors?.[0]?.extensions.code, 'FORBIDDEN');
    assert.equal(await stockOf(productId), 5);
  });
});
