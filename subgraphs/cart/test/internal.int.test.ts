import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@shop/kit';
import { dropDatabases, postGraphQL, TEST_ENV, testDatabaseUrl, testTokens } from '@shop/kit/testing';
import { Broker, type EventData } from '@shop/messaging';
import { publishEvent, recordOutcomes, removeExchange } from '@shop/messaging/testing';
import { loadCartEnv, startCartService } from '../src/index.js';

const SNAPSHOT = 'query ($userId: ID!) { cartSnapshot(userId: $userId) { productId quantity updatedAt } }';
const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

interface Reply {
  data: {
    cartSnapshot?: Array<{ productId: string; quantity: number; updatedAt: string }>;
    me?: { id: string; cart: { items: Array<{ id: string; quantity: number }> } } | null;
  } | null;
  errors?: Array<{ extensions: { code: string } }>;
}

describe('cart for the order service: the internal snapshot, and order.placed clearing bought lines (real Postgres, RabbitMQ)', () => {
  const databaseUrl = testDatabaseUrl('cart');
  let service: Awaited<ReturnType<typeof startCartService>>;
  let customerToken: string;
  const customerId = randomUUID();
  let broker: Broker;
  let outcomes: ReturnType<typeof recordOutcomes>;

  before(async () => {
    const env = loadCartEnv({ ...TEST_ENV, CART_PORT: '0', CART_DATABASE_URL: databaseUrl, RABBITMQ_URL });
    service = await startCartService(env, { prepare: true });
    outcomes = recordOutcomes(service.consumer);
    broker = new Broker({ url: RABBITMQ_URL, exchange: TEST_ENV.EVENTS_EXCHANGE, log: createLogger('cart-test', 'silent') });
    customerToken = await testTokens.user({ userId: customerId, role: 'CUSTOMER' });
  });
  after(async () => {
    await service?.close();
    await broker?.close();
    await removeExchange(RABBITMQ_URL, TEST_ENV.EVENTS_EXCHANGE);
    await dropDatabases([databaseUrl]);
  });

  /** An order.placed for these lines, as the order service publishes it; resolves once the cart has applied it. */
  const placeOrder = async (userId: string, lines: Array<{ productId: string; quantity: number }>, cartSnapshotAt: Date, id?: string) => {
    const data: EventData<'order.placed'> = {
      orderId: randomUUID(),
      userId,
      items: lines.map((line) => ({ ...line, name: 'Lamp', unitPriceCents: 999 })),
      totalCents: lines.reduce((sum, line) => sum + 999 * line.quantity, 0),
      currency: 'USD',
      paymentTokenSealed: 'sealed',
      cartSnapshotAt: cartSnapshotAt.toISOString(),
    };
    const eventId = await publishEvent(broker, 'order.placed', data, { id });
    const deliveries = id ? 2 : 1;
    await outcomes.settled(eventId, deliveries);
    assert.deepEqual(outcomes.final(eventId), ['applied', 'duplicate'].slice(0, deliveries));
    return eventId;
  };

  /** As the order service (its own credential), as a signed-in customer through the gateway, or anonymously through it. */
  const call = (query: string, variables: object, as: 'service' | 'customer' | null = 'service') =>
    as === 'service'
      ? postGraphQL<Reply>(service.server.url, query, variables, null, { service: 'order', callee: 'cart' })
      : postGraphQL<Reply>(service.server.url, query, variables, as === 'customer' ? customerToken : null);

  /** Puts a line straight into the table (adding through the API would need the product subgraph). */
  const putLine = async (userId: string, productId: string, quantity: number, updatedAt: Date | null = null) => {
    await service.orm.em
      .fork()
      .getConnection()
      .execute(
        `insert into cart_lines (user_id, product_id, quantity, price_when_added_cents, currency, added_at, updated_at)
         values (?, ?, ?, 999, 'USD', now(), coalesce(?::timestamptz, now()))`,
        [userId, productId, quantity, updatedAt?.toISOString() ?? null],
      );
  };
  const productIdsOf = async (userId: string) =>
    ((await call(SNAPSHOT, { userId })).data?.cartSnapshot ?? []).map((line) => `${line.productId}:${line.quantity}`);
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

  it('refuses customers and anonymous callers', async () => {
    const userId = randomUUID();
    assert.equal((await call(SNAPSHOT, { userId }, 'customer')).errors?.[0]?.extensions.code, 'FORBIDDEN');
    assert.equal((await call(SNAPSHOT, { userId }, null)).errors?.[0]?.extensions.code, 'UNAUTHENTICATED');
  });

  it("answers the shared `me` with the caller's own id and own cart only; null for anonymous callers and services", async () => {
    const ME = 'query { me { id cart { items { id quantity } } } }';
    const otherId = randomUUID();
    await putLine(customerId, randomUUID(), 2);
    await putLine(otherId, randomUUID(), 5);
    const mine = await call(ME, {}, 'customer');
    assert.equal(mine.errors, undefined);
    assert.equal(mine.data?.me?.id, customerId);
    assert.deepEqual(
      mine.data?.me?.cart.items.map((item) => item.quantity),
      [2],
    );
    assert.deepEqual((await call(ME, {}, null)).data, { me: null });
    assert.deepEqual((await call(ME, {}, 'service')).data, { me: null });
  });

  it('rejects a user id that is not a UUID', async () => {
    assert.equal((await call(SNAPSHOT, { userId: 'nobody' })).errors?.[0]?.extensions.code, 'BAD_USER_INPUT');
  });

  it("returns the user's lines sorted by product id, and only theirs", async () => {
    const userId = randomUUID();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()].sort();
    const changedAt = minutesAgo(3);
    await putLine(userId, c!, 1);
    await putLine(userId, a!, 2, changedAt);
    await putLine(userId, b!, 5);
    await putLine(randomUUID(), a!, 7);
    const reply = await call(SNAPSHOT, { userId });
    assert.equal(reply.errors, undefined);
    assert.deepEqual(
      reply.data?.cartSnapshot?.map((line) => [line.productId, line.quantity]),
      [
        [a, 2],
        [b, 5],
        [c, 1],
      ],
    );
    assert.equal(reply.data?.cartSnapshot?.[0]?.updatedAt, changedAt.toISOString());
    assert.deepEqual((await call(SNAPSHOT, { userId: randomUUID() })).data?.cartSnapshot, []);
  });

  it('takes out only the bought lines unchanged since the snapshot, once', async () => {
    const userId = randomUUID();
    const otherUser = randomUUID();
    const [ordered, quantityChanged, changedLater, notOrdered, neverInCart] = [
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
    ];
    const snapshotAt = minutesAgo(1);
    await putLine(userId, ordered, 2, minutesAgo(5));
    await putLine(userId, quantityChanged, 3, minutesAgo(5));
    await putLine(userId, changedLater, 1, new Date(snapshotAt.getTime() + 1));
    await putLine(userId, notOrdered, 4, minutesAgo(5));
    await putLine(otherUser, ordered, 2, minutesAgo(5));
    const bought = [
      { productId: ordered, quantity: 2 },
      { productId: quantityChanged, quantity: 1 },
      { productId: changedLater, quantity: 1 },
      { productId: neverInCart, quantity: 1 },
    ];
    const eventId = await placeOrder(userId, bought, snapshotAt);
    assert.deepEqual(
      (await productIdsOf(userId)).sort(),
      [`${quantityChanged}:3`, `${changedLater}:1`, `${notOrdered}:4`].sort(),
      'the changed, re-added and unordered lines stay',
    );
    assert.deepEqual(await productIdsOf(otherUser), [`${ordered}:2`], "another user's line stays");
    // The same line bought again after the order, then the event redelivered: the inbox keeps the new line.
    await putLine(userId, ordered, 2, minutesAgo(5));
    await placeOrder(userId, bought, snapshotAt, eventId);
    assert.ok((await productIdsOf(userId)).includes(`${ordered}:2`), 'a redelivery deletes nothing');
  });

  it('takes out a line changed in the same millisecond as the snapshot (the event speaks milliseconds, the table microseconds)', async () => {
    const userId = randomUUID();
    const productId = randomUUID();
    await putLine(userId, productId, 1);
    const [line] = (await call(SNAPSHOT, { userId })).data?.cartSnapshot ?? [];
    assert.ok(line);
    await placeOrder(userId, [{ productId, quantity: 1 }], new Date(line.updatedAt));
    assert.deepEqual(await productIdsOf(userId), []);
  });
});
