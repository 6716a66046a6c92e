import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppError } from '@shop/kit';
import { Checkout, ORDER_STATUSES, Order, type OrderStatus } from './order.entity.js';

// Written from ../shared/CONTRACT.md, not from the entity's table: PENDING is paid, declined, or cancelled
// (by its owner or on expiry); a PAID order is confirmed when its stock is committed, or cancelled (the owner
// may cancel until CONFIRMED); CONFIRMED, PAYMENT_FAILED and CANCELLED are final.
const ALLOWED: ReadonlyArray<[OrderStatus, OrderStatus]> = [
  ['PENDING', 'PAID'],
  ['PENDING', 'PAYMENT_FAILED'],
  ['PENDING', 'CANCELLED'],
  ['PAID', 'CONFIRMED'],
  ['PAID', 'CANCELLED'],
];
const FINAL: readonly OrderStatus[] = ['CONFIRMED', 'PAYMENT_FAILED', 'CANCELLED'];

const allowed = (from: OrderStatus, to: OrderStatus) => ALLOWED.some(([f, t]) => f === from && t === to);

function orderIn(status: OrderStatus): Order {
  return Object.assign(new Order(), { id: '00000000-0000-4000-8000-0000000000aa', status, revision: 3 });
}

const refusal = (from: OrderStatus, to: OrderStatus) => (e: AppError) =>
  e.extensions.code === 'CONFLICT' &&
  e.extensions.from === from &&
  e.extensions.to === to &&
  e.message === `An order that is ${from} cannot become ${to}`;

describe('order state machine', () => {
  it('knows exactly the five statuses of the contract', () => {
    assert.deepEqual([...ORDER_STATUSES].sort(), ['CANCELLED', 'CONFIRMED', 'PAID', 'PAYMENT_FAILED', 'PENDING']);
  });

  it('places a new order as PENDING at revision 1, not refunded and with no failure reason', () => {
    const order = new Order();
    assert.deepEqual(
      { status: order.status, revision: order.revision, refunded: order.refunded, failureReason: order.failureReason },
      { status: 'PENDING', revision: 1, refunded: false, failureReason: null },
    );
    assert.ok(order.canBecome('PAID'));
  });

  for (const [from, to] of ALLOWED) {
    it(`moves ${from} -> ${to}, bumping the revision and recording the change`, () => {
      const order = orderIn(from);
      const at = new Date('2026-01-02T03:04:05Z');
      const change = order.transition(to, 'why', at);
      assert.equal(order.status, to);
      assert.equal(order.revision, 4);
      assert.equal(order.updatedAt, at);
      assert.equal(order.canBecome(to), false, 'no status moves to itself');
      assert.deepEqual(
        { orderId: change.orderId, seq: change.seq, status: change.status, reason: change.reason, at: change.at },
        { orderId: order.id, seq: 4, status: to, reason: 'why', at },
      );
    });
  }

  for (const from of ORDER_STATUSES) {
    for (const to of ORDER_STATUSES) {
      if (allowed(from, to)) continue;
      it(`refuses ${from} -> ${to} with CONFLICT and changes nothing`, () => {
        const order = orderIn(from);
        const before = { ...order };
        assert.equal(order.canBecome(to), false);
        assert.throws(() => order.transition(to), refusal(from, to));
        assert.deepEqual({ ...order }, before);
      });
    }
  }

  it('lets nothing leave a final state', () => {
    for (const from of FINAL) for (const to of ORDER_STATUSES) assert.equal(orderIn(from).canBecome(to), false, `${from} -> ${to}`);
  });

  it('reaches every final state from PENDING along allowed moves only', () => {
    for (const path of [['PAID', 'CONFIRMED'], ['PAID', 'CANCELLED'], ['PAYMENT_FAILED'], ['CANCELLED']] as OrderStatus[][]) {
      const order = orderIn('PENDING');
      path.forEach((to) => order.transition(to));
      assert.equal(order.revision, 3 + path.length);
      assert.ok(FINAL.includes(order.status));
    }
  });

  it('keeps the reason of a failure or cancellation, and none for a success', () => {
    for (const to of ['PAYMENT_FAILED', 'CANCELLED'] as const) {
      const order = orderIn('PENDING');
      order.transition(to, 'card declined');
      assert.equal(order.failureReason, 'card declined');
    }
    const paid = orderIn('PENDING');
    paid.transition('PAID', 'card accepted');
    paid.transition('CONFIRMED', 'stock committed');
    assert.equal(paid.failureReason, null, 'a reason given with a success is history, not a failure');
  });
});

describe('checkout attempt', () => {
  it('starts reserving, as the first attempt, with no lines fixed yet', () => {
    const checkout = new Checkout();
    assert.deepEqual(
      { state: checkout.state, attempt: checkout.attempt, lines: checkout.lines },
      { state: 'reserving', attempt: 1, lines: null },
    );
  });
});
