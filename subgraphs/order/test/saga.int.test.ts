import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@shop/kit/testing';
import { orderIdFor } from '../src/index.js';
import { startOrderUnderTest, typesOf, type Line, type OrderUnderTest } from './order-service.js';

const CANCEL = `mutation ($id: ID!) {
  cancelOrder(id: $id) { id status revision failureReason statusHistory { status reason } }
}`;
const ORDER = `query ($id: ID!) { order(id: $id) { id status revision failureReason statusHistory { status reason } } }`;
const CHECKOUT = `mutation ($input: CheckoutInput!) { checkout(input: $input) { id status } }`;

interface OrderView {
  id: string;
  status: string;
  revision: number;
  failureReason: string | null;
  statusHistory: Array<{ status: string; reason: string | null }>;
}

const LAPSED = 'The reserved stock was no longer held when the payment was confirmed';

describe('the order saga on events, the order service alone (real Postgres, RabbitMQ, Redis)', () => {
  let order: OrderUnderTest;
  before(async () => {
    // Abandoning a lost checkout after 300 ms, looked for every 100 ms: the abandonment test takes well under a second.
    order = await startOrderUnderTest({ CHECKOUT_ABANDON_AFTER_MS: '300', ORDER_SWEEP_INTERVAL_MS: '100' });
  });
  after(async () => {
    await order?.close();
  });

  const lamp = (): Line => ({ productId: randomUUID(), name: 'Desk lamp', unitPriceCents: 1999, quantity: 2 });
  const mug = (): Line => ({ productId: randomUUID(), name: 'Mug', unitPriceCents: 450, quantity: 3 });

  const paid = async (orderId: string, amountCents: number) =>
    order.tell('payment.succeeded', { orderId, paymentId: randomUUID(), amountCents, currency: 'USD' });
  const cancel = (id: string, token: string) => order.graphql<{ cancelOrder: OrderView }>(CANCEL, { id }, token);
  const read = async (id: string, token: string) => {
    const reply = await order.graphql<{ order: OrderView }>(ORDER, { id }, token);
    assert.equal(reply.errors, undefined, JSON.stringify(reply.errors));
    return reply.data!.order;
  };

  it('a PAID order cancelled by its owner: CANCELLED and refunded, and order.cancelled says refunded: true', async () => {
    const ann = await order.user();
    const placed = await order.placeOrder(ann.userId, [lamp(), mug()]);
    await paid(placed.id, 2 * 1999 + 3 * 450);
    assert.equal((await order.row(placed.id))?.status, 'PAID');

    const reply = await cancel(placed.id, ann.token);
    assert.equal(reply.errors, undefined, JSON.stringify(reply.errors));
    assert.equal(reply.data!.cancelOrder.status, 'CANCELLED');
    assert.equal(reply.data!.cancelOrder.revision, 3);
    assert.deepEqual(
      reply.data!.cancelOrder.statusHistory.map((change) => [change.status, change.reason]),
      [
        ['PENDING', null],
        ['PAID', null],
        ['CANCELLED', 'Cancelled by the customer'],
      ],
    );
    assert.equal((await order.row(placed.id))?.refunded, true);
    const events = await order.emitted(placed.id);
    assert.deepEqual(typesOf(events), ['order.paid', 'order.cancelled']);
    assert.deepEqual(events[1]!.data, { orderId: placed.id, userId: ann.userId, reason: 'customer', refunded: true });
  });

  it('a PENDING order cancelled by its owner is not refunded: order.cancelled says refunded: false', async () => {
    const bo = await order.user();
    const placed = await order.placeOrder(bo.userId, [mug()]);
    const reply = await cancel(placed.id, bo.token);
    assert.equal(reply.data?.cancelOrder.status, 'CANCELLED', JSON.stringify(reply.errors));
    assert.equal((await order.row(placed.id))?.refunded, false);
    const events = await order.emitted(placed.id);
    assert.deepEqual(
      events.map((event) => [event.type, event.data]),
      [['order.cancelled', { orderId: placed.id, userId: bo.userId, reason: 'customer', refunded: false }]],
    );
  });

  for (const reason of ['released', 'not_reserved'] as const) {
    it(`a PAID order whose stock could not be committed (stock.commit_failed, ${reason}): CANCELLED, refunded, with the reason`, async () => {
      const cy = await order.user();
      const placed = await order.placeOrder(cy.userId, [lamp()]);
      await paid(placed.id, 2 * 1999);
      await order.tell('stock.commit_failed', { orderId: placed.id, reason });

      const row = await order.row(placed.id);
      assert.deepEqual(row, { status: 'CANCELLED', revision: 3, refunded: true, failure_reason: LAPSED });
      const view = await read(placed.id, cy.token);
      assert.equal(view.status, 'CANCELLED');
      assert.equal(view.failureReason, LAPSED);
      assert.deepEqual(
        view.statusHistory.map((change) => [change.status, change.reason]),
        [
          ['PENDING', null],
          ['PAID', null],
          ['CANCELLED', LAPSED],
        ],
      );
      const events = await order.emitted(placed.id);
      assert.deepEqual(typesOf(events), ['order.paid', 'order.cancelled']);
      assert.deepEqual(events[1]!.data, {
        orderId: placed.id,
        userId: cy.userId,
        reason: 'expired',
        detail: 'reservation lapsed',
        refunded: true,
      });
    });
  }

  it('a checkout retried after it was abandoned: CONFLICT, nothing ordered, checkout.abandoned published once', async () => {
    const dee = await order.user();
    const idempotencyKey = randomUUID();
    const orderId = orderIdFor(dee.userId, idempotencyKey);
    // The attempt as checkout leaves it when the product subgraph took the reservation but its answer was lost:
    // claimed, lines kept, still 'reserving', and no order.
    const lines = [{ productId: randomUUID(), quantity: 2, updatedAt: new Date().toISOString() }];
    await order.sql(
      `insert into checkouts (order_id, user_id, idempotency_key, state, attempt, lines, claimed_at, created_at)
       values (?, ?, ?, 'reserving', 1, ?::jsonb, now(), now())`,
      [orderId, dee.userId, idempotencyKey, JSON.stringify(lines)],
    );
    const stateOf = async () => (await order.sql<{ state: string }>('select state from checkouts where order_id = ?', [orderId]))[0]?.state;
    await waitFor(async () => (await stateOf()) === 'abandoned', 'the due work to abandon the checkout', 5_000);

    for (let retry = 0; retry < 2; retry += 1) {
      const reply = await order.graphql<{ checkout: { id: string } }>(
        CHECKOUT,
        { input: { paymentToken: 'tok_visa', idempotencyKey } },
        dee.token,
      );
      assert.equal(reply.data, null);
      assert.equal(reply.errors?.length, 1);
      assert.equal(reply.errors![0]!.extensions.code, 'CONFLICT');
      assert.equal(reply.errors![0]!.extensions.idempotencyKey, idempotencyKey);
      assert.match(reply.errors![0]!.message, /undone/);
    }
    assert.equal(await stateOf(), 'abandoned');
    assert.deepEqual(await order.sql('select id from orders where id = ? or user_id = ?', [orderId, dee.userId]), []);
    const events = await order.emitted(orderId);
    assert.deepEqual(
      events.map((event) => [event.type, event.data]),
      [['checkout.abandoned', { orderId, userId: dee.userId }]],
    );
  });

  describe('nothing leaves a final state', () => {
    type Final = 'CONFIRMED' | 'PAYMENT_FAILED' | 'CANCELLED';
    /** An order taken to each final state through events and the API, and what it emitted on the way. */
    let finals: Record<Final, { id: string; emitted: string[] }>;
    let eve: { userId: string; token: string };
    let admin: { userId: string; token: string };
    before(async () => {
      eve = await order.user();
      admin = await order.user('ADMIN');
      const confirmed = await order.placeOrder(eve.userId, [lamp()]);
      await paid(confirmed.id, 2 * 1999);
      await order.tell('stock.committed', { orderId: confirmed.id });
      const failed = await order.placeOrder(eve.userId, [mug()]);
      await order.tell('payment.failed', { orderId: failed.id, reason: 'Your card was declined' });
      const cancelled = await order.placeOrder(eve.userId, [mug()]);
      assert.equal((await cancel(cancelled.id, eve.token)).data?.cancelOrder.status, 'CANCELLED');
      const reached = async (id: string, status: Final) => {
        assert.equal((await order.row(id))?.status, status);
        return { id, emitted: typesOf(await order.emitted(id)) };
      };
      finals = {
        CONFIRMED: await reached(confirmed.id, 'CONFIRMED'),
        PAYMENT_FAILED: await reached(failed.id, 'PAYMENT_FAILED'),
        CANCELLED: await reached(cancelled.id, 'CANCELLED'),
      };
      assert.deepEqual(finals.CONFIRMED.emitted, ['order.paid', 'order.confirmed']);
      assert.deepEqual(finals.PAYMENT_FAILED.emitted, ['order.cancelled']);
      assert.deepEqual(finals.CANCELLED.emitted, ['order.cancelled']);
    });

    for (const status of ['CONFIRMED', 'PAYMENT_FAILED'] as const) {
      it(`cancelling a ${status} order is CONFLICT, for its owner and an admin; the order is unchanged and nothing is emitted`, async () => {
        const { id } = finals[status];
        const before = await order.row(id);
        for (const token of [eve.token, admin.token]) {
          const reply = await cancel(id, token);
          assert.equal(reply.data, null);
          assert.equal(reply.errors?.[0]?.extensions.code, 'CONFLICT', JSON.stringify(reply.errors));
          assert.equal(reply.errors![0]!.extensions.status, status);
        }
        assert.deepEqual(await order.row(id), before);
        assert.equal((await read(id, eve.token)).statusHistory.length, before!.revision);
        assert.deepEqual(typesOf(await order.emitted(id)), finals[status].emitted);
      });
    }

    // Every event the order consumer takes, as it would arrive late (a redelivery after a restore, a slow worker).
    const late = {
      'payment.succeeded': (orderId: string) => paid(orderId, 100),
      'payment.failed': (orderId: string) => order.tell('payment.failed', { orderId, reason: 'late decline' }),
      'stock.committed': (orderId: string) => order.tell('stock.committed', { orderId }),
      'stock.commit_failed': (orderId: string) => order.tell('stock.commit_failed', { orderId, reason: 'released' }),
    };
    for (const status of ['CONFIRMED', 'PAYMENT_FAILED', 'CANCELLED'] as const) {
      it(`every event arriving for a ${status} order is taken in (inbox) and changes nothing, emitting nothing`, async () => {
        const { id, emitted } = finals[status];
        const before = await order.row(id);
        assert.equal(before?.status, status);
        for (const [type, send] of Object.entries(late)) {
          await send(id);
          assert.deepEqual(await order.row(id), before, `${type} for a ${status} order`);
        }
        assert.deepEqual(typesOf(await order.emitted(id)), emitted, `nothing emitted for the ${status} order`);
      });
    }
  });
});
