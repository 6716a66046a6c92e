import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { dropDatabases, postGraphQL, TEST_ENV, testDatabaseUrl, testTokens } from '@shop/kit/testing';
import { loadCartEnv, startCartService } from '../src/index.js';

const SNAPSHOT = 'query ($userId: ID!) { cartSnapshot(userId: $userId) { productId quantity updatedAt } }';
const CLEAR = `mutation ($userId: ID!, $lines: [CartLineClearInput!]!, $placedAt: DateTime!) {
  clearCartLines(userId: $userId, lines: $lines, placedAt: $placedAt)
}`;

interface Reply {
  data: {
    cartSnapshot?: Array<{ productId: string; quantity: number; updatedAt: string }>;
    clearCartLines?: number;
  } | null;
  errors?: Array<{ extensions: { code: string } }>;
}

describe('internal cart API for the order service (real Postgres)', () => {
  const databaseUrl = testDatabaseUrl('cart');
  let service: Awaited<ReturnType<typeof startCartService>>;
  let customerToken: string;

  before(async () => {
    const env = loadCartEnv({ ...TEST_ENV, CART_PORT: '0', CART_DATABASE_URL: databaseUrl });
    service = await startCartService(env, { prepare: true });
    customerToken = await testTokens.user({ userId: randomUUID(), role: 'CUSTOMER' });
  });
  after(async () => {
    await service?.close();
    await dropDatabases([databaseUrl]);
  });

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
    const clear = { userId, lines: [{ productId: randomUUID(), quantity: 1 }], placedAt: new Date().toISOString() };
    assert.equal((await call(SNAPSHOT, { userId }, 'customer')).errors?.[0]?.extensions.code, 'FORBIDDEN');
    assert.equal((await call(SNAPSHOT, { userId }, null)).errors?.[0]?.extensions.code, 'UNAUTHENTICATED');
    assert.equal((await call(CLEAR, clear, 'customer')).errors?.[0]?.extensions.code, 'FORBIDDEN');
    assert.equal((await call(CLEAR, clear, null)).errors?.[0]?.extensions.code, 'UNAUTHENTICATED');
  });

  it('rejects a user id that is not a UUID', async () => {
    assert.equal((await call(SNAPSHOT, { userId: 'nobody' })).errors?.[0]?.extensions.code, 'BAD_USER_INPUT');
    const clear = { userId: 'nobody', lines: [], placedAt: new Date().toISOString() };
    assert.equal((await call(CLEAR, clear)).errors?.[0]?.extensions.code, 'BAD_USER_INPUT');
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

  it('clears only lines unchanged since the order was placed, once', async () => {
    const userId = randomUUID();
    const otherUser = randomUUID();
    const [ordered, quantityChanged, changedLater, notOrdered, neverInCart] = [
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
    ];
    const placedAt = minutesAgo(1);
    await putLine(userId, ordered, 2, minutesAgo(5));
    await putLine(userId, quantityChanged, 3, minutesAgo(5));
    await putLine(userId, changedLater, 1, new Date(placedAt.getTime() + 1));
    await putLine(userId, notOrdered, 4, minutesAgo(5));
    await putLine(otherUser, ordered, 2, minutesAgo(5));
    const clear = {
      userId,
      placedAt: placedAt.toISOString(),
      lines: [
        { productId: ordered, quantity: 2 },
        { productId: quantityChanged, quantity: 1 },
        { productId: changedLater, quantity: 1 },
        { productId: neverInCart, quantity: 1 },
      ],
    };
    const first = await call(CLEAR, clear);
    assert.equal(first.errors, undefined);
    assert.equal(first.data?.clearCartLines, 1);
    assert.deepEqual(
      (await productIdsOf(userId)).sort(),
      [`${quantityChanged}:3`, `${changedLater}:1`, `${notOrdered}:4`].sort(),
      'the changed, re-added and unordered lines stay',
    );
    assert.deepEqual(await productIdsOf(otherUser), [`${ordered}:2`], "another user's line stays");
    assert.equal((await call(CLEAR, clear)).data?.clearCartLines, 0, 'a retry deletes nothing');
  });

  it('clears a line changed in the same millisecond as placedAt (the API speaks milliseconds, the table microseconds)', async () => {
    const userId = randomUUID();
    const productId = randomUUID();
    await putLine(userId, productId, 1);
    const [line] = (await call(SNAPSHOT, { userId })).data?.cartSnapshot ?? [];
    assert.ok(line);
    const reply = await call(CLEAR, { userId, lines: [{ productId, quantity: 1 }], placedAt: line.updatedAt });
    assert.equal(reply.data?.clearCartLines, 1);
  });
});
