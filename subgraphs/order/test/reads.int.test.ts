import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startOrderUnderTest, type Line, type OrderUnderTest } from './order-service.js';

const USER_ORDERS = `query ($r: [_Any!]!) {
  _entities(representations: $r) { ... on User { id orders(first: 10) { edges { node { id } } } } }
}`;
const ORDER_REFERENCES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id status total { amountCents } } } }`;
const AT_REVISION = `query ($id: ID!, $revision: Int) {
  order(id: $id, revision: $revision) { id status revision failureReason statusHistory { status reason } }
}`;
const CANCEL = 'mutation ($id: ID!) { cancelOrder(id: $id) { id status } }';

type Person = { userId: string; token: string };
type UserEntity = { id: string; orders: { edges: Array<{ node: { id: string } }> } } | null;
type OrderEntity = { id: string; status: string; total: { amountCents: number } } | null;
type OrderAt = { id: string; status: string; revision: number; failureReason: string | null; statusHistory: Array<{ status: string }> };

describe('who may read which orders, and orders as they were (the order subgraph alone, real Postgres)', () => {
  let order: OrderUnderTest;
  let ann: Person;
  let bob: Person;
  let admin: Person;
  const line = (unitPriceCents: number, quantity: number): Line => ({ productId: randomUUID(), name: 'Thing', unitPriceCents, quantity });
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
  // Ann's older and newer order, and Bob's: totals 2 × 500, 1 × 1200 and 3 × 300.
  let annOlder: { id: string; totalCents: number };
  let annNewer: { id: string; totalCents: number };
  let bobs: { id: string; totalCents: number };

  before(async () => {
    order = await startOrderUnderTest();
    ann = await order.user();
    bob = await order.user();
    admin = await order.user('ADMIN');
    annOlder = await order.placeOrder(ann.userId, [line(500, 2)], minutesAgo(2));
    annNewer = await order.placeOrder(ann.userId, [line(1200, 1)], minutesAgo(1));
    bobs = await order.placeOrder(bob.userId, [line(300, 3)], minutesAgo(1));
  });
  after(async () => {
    await order?.close();
  });

  const ordersOf = (userIds: string[], token: string) =>
    order.graphql<{ _entities: UserEntity[] }>(USER_ORDERS, { r: userIds.map((id) => ({ __typename: 'User', id })) }, token);
  const idsIn = (user: UserEntity) => user?.orders.edges.map((edge) => edge.node.id);

  it("User.orders of another user is FORBIDDEN, asked of the subgraph directly, and shows none of that user's orders", async () => {
    const reply = await ordersOf([bob.userId], ann.token);
    assert.deepEqual(reply.data?._entities, [null]);
    assert.deepEqual(
      reply.errors?.map((error) => [error.extensions.code, error.path]),
      [['FORBIDDEN', ['_entities', 0, 'orders']]],
    );
    assert.doesNotMatch(JSON.stringify(reply), new RegExp(bobs.id));

    // In one batch with the caller's own: the caller's are listed, the other user's still refused.
    const mixed = await ordersOf([ann.userId, bob.userId], ann.token);
    assert.deepEqual(idsIn(mixed.data!._entities[0]!), [annNewer.id, annOlder.id]);
    assert.equal(mixed.data!._entities[1], null);
    assert.deepEqual(
      mixed.errors?.map((error) => [error.extensions.code, error.path]),
      [['FORBIDDEN', ['_entities', 1, 'orders']]],
    );
  });

  it("User.orders: an ADMIN gets any user's orders, newest first", async () => {
    const reply = await ordersOf([bob.userId, ann.userId], admin.token);
    assert.equal(reply.errors, undefined, JSON.stringify(reply.errors));
    assert.deepEqual(reply.data!._entities.map(idsIn), [[bobs.id], [annNewer.id, annOlder.id]]);
  });

  it("Order references (_entities) resolve the caller's own orders and null for anyone else's; an ADMIN gets all", async () => {
    const representations = [annOlder, bobs, annNewer].map(({ id }) => ({ __typename: 'Order', id }));
    const asking = (token: string) => order.graphql<{ _entities: OrderEntity[] }>(ORDER_REFERENCES, { r: representations }, token);
    const view = (id: string, amountCents: number) => ({ id, status: 'PENDING', total: { amountCents } });

    const byAnn = await asking(ann.token);
    assert.equal(byAnn.errors, undefined, JSON.stringify(byAnn.errors));
    assert.deepEqual(byAnn.data!._entities, [view(annOlder.id, 2 * 500), null, view(annNewer.id, 1200)]);
    const byBob = await asking(bob.token);
    assert.equal(byBob.errors, undefined, JSON.stringify(byBob.errors));
    assert.deepEqual(byBob.data!._entities, [null, view(bobs.id, 3 * 300), null]);
    const byAdmin = await asking(admin.token);
    assert.equal(byAdmin.errors, undefined, JSON.stringify(byAdmin.errors));
    assert.deepEqual(byAdmin.data!._entities, [view(annOlder.id, 2 * 500), view(bobs.id, 3 * 300), view(annNewer.id, 1200)]);
    const anonymous = await order.graphql<{ _entities: OrderEntity[] }>(ORDER_REFERENCES, { r: representations }, null);
    assert.equal(anonymous.errors?.[0]?.extensions.code, 'UNAUTHENTICATED');
    assert.doesNotMatch(JSON.stringify(anonymous), new RegExp(`${annOlder.id}|${bobs.id}|${annNewer.id}`));
  });

  describe('order(id, revision)', () => {
    const at = (id: string, revision: number, token = ann.token) =>
      order.graphql<{ order: OrderAt | null }>(AT_REVISION, { id, revision }, token);

    it('a revision outside 1..current is BAD_USER_INPUT naming the bounds; one inside gives the order as it was then', async () => {
      const placed = await order.placeOrder(ann.userId, [line(700, 1)]);
      // Three status changes: placed (1), paid (2), confirmed (3).
      await order.tell('payment.succeeded', { orderId: placed.id, paymentId: randomUUID(), amountCents: 700, currency: 'USD' });
      await order.tell('stock.committed', { orderId: placed.id });

      for (const revision of [0, -1, 4, 1000]) {
        const reply = await at(placed.id, revision);
        assert.equal(reply.data?.order ?? null, null, `revision ${revision}`);
        assert.equal(reply.errors?.length, 1, `revision ${revision}`);
        assert.equal(reply.errors![0]!.extensions.code, 'BAD_USER_INPUT');
        assert.deepEqual(reply.errors![0]!.extensions.fields, [{ field: 'revision', message: 'must be between 1 and 3' }]);
      }
      const expected = [
        ['PENDING', ['PENDING']],
        ['PAID', ['PENDING', 'PAID']],
        ['CONFIRMED', ['PENDING', 'PAID', 'CONFIRMED']],
      ] as const;
      for (const [index, [status, history]] of expected.entries()) {
        const reply = await at(placed.id, index + 1);
        assert.equal(reply.errors, undefined, JSON.stringify(reply.errors));
        assert.equal(reply.data!.order!.status, status);
        assert.equal(reply.data!.order!.revision, index + 1);
        assert.deepEqual(
          reply.data!.order!.statusHistory.map((change) => change.status),
          history,
        );
      }
    });

    it('a cancelled order read at its first revision has no failure reason yet; at its last it has', async () => {
      const placed = await order.placeOrder(ann.userId, [line(250, 4)]);
      assert.equal(
        (await order.graphql<{ cancelOrder: { status: string } }>(CANCEL, { id: placed.id }, ann.token)).data?.cancelOrder.status,
        'CANCELLED',
      );
      const first = (await at(placed.id, 1)).data!.order!;
      assert.deepEqual([first.status, first.failureReason], ['PENDING', null]);
      const last = (await at(placed.id, 2)).data!.order!;
      assert.deepEqual([last.status, last.failureReason], ['CANCELLED', 'Cancelled by the customer']);
      // Someone else may not read it at any revision.
      assert.equal((await at(placed.id, 1, bob.token)).errors?.[0]?.extensions.code, 'FORBIDDEN');
    });
  });
});
