import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createLogger } from '@shop/kit';
import { startTcpProxy, waitFor } from '@shop/kit/testing';
import { Broker, type EventType, type ParsedEvent } from '@shop/messaging';
import { outboxDrained, recordOutcomes, tapEvents } from '@shop/messaging/testing';
import type { ShopClient } from '@shop/sdk';
import { createProduct, RABBITMQ_URL, startSystem, type System } from './system.js';

const rows = <T>(orm: MikroORM, sql: string, params: unknown[] = []) => orm.em.fork().getConnection().execute<T[]>(sql, params);

describe('cancelling a PAID order through the gateway (the whole system)', () => {
  let system: System;
  let admin: ShopClient;
  // The product subgraph alone reaches RabbitMQ through this proxy: cut, it cannot commit the paid order's stock,
  // so the order stays PAID for as long as the test needs (instead of racing the commit to CONFIRMED).
  let productBroker: Awaited<ReturnType<typeof startTcpProxy>>;
  let broker: Broker;
  let tap: Awaited<ReturnType<typeof tapEvents>>;
  before(async () => {
    productBroker = await startTcpProxy(5672);
    system = await startSystem({ productEnv: { RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${productBroker.port}` } });
    admin = await system.signInAdmin();
    broker = new Broker({ url: RABBITMQ_URL, exchange: system.exchange, log: createLogger('test', 'silent') });
    tap = await tapEvents(broker);
  });
  after(async () => {
    await tap?.close();
    await broker?.close();
    await system?.close();
    await productBroker?.close();
  });

  const stockOf = async (id: string) => (await system.client().Product({ id })).product!.stock;
  const about = <T extends EventType>(orderId: string, type: T) =>
    tap.events.filter(
      (event): event is Extract<ParsedEvent, { type: T }> =>
        event.type === type && (event.data as { orderId?: string }).orderId === orderId,
    );

  it('CANCELLED and refunded, order.cancelled says refunded: true, the payment worker refunds once, the stock comes back', async () => {
    const shopper = await system.signUp('Changed Mind');
    const product = await createProduct(admin, 5, 1250);
    await shopper.client.AddToCart({ productId: product.id, quantity: 2 });
    const productOutcomes = recordOutcomes(system.product.consumer);

    productBroker.cut();
    const placed = (await shopper.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } })).checkout;
    assert.equal(await stockOf(product.id), 3);
    await waitFor(async () => (await shopper.client.Order({ id: placed.id })).order!.status === 'PAID', 'the payment to be captured');

    const cancelled = (await shopper.client.CancelOrder({ id: placed.id })).cancelOrder;
    assert.equal(cancelled.status, 'CANCELLED');
    assert.deepEqual(
      cancelled.statusHistory.map((change) => [change.status, change.reason]),
      [
        ['PENDING', null],
        ['PAID', null],
        ['CANCELLED', 'Cancelled by the customer'],
      ],
    );
    const [stored] = await rows<{ refunded: boolean }>(system.services.order.orm, 'select refunded from orders where id = ?', [placed.id]);
    assert.equal(stored?.refunded, true);
    await waitFor(() => about(placed.id, 'payment.refunded').length > 0, 'the payment worker to refund');
    const [cancellation] = about(placed.id, 'order.cancelled');
    assert.deepEqual(cancellation?.data, { orderId: placed.id, userId: shopper.user.id, reason: 'customer', refunded: true });

    // The fault held throughout: the product subgraph has heard of neither the payment nor the cancellation.
    assert.equal(productOutcomes.all.length, 0, JSON.stringify(productOutcomes.all));
    assert.equal(await stockOf(product.id), 3);

    productBroker.restore();
    await waitFor(async () => (await stockOf(product.id)) === 5, 'the stock to come back');
    // Both waiting events reach it at once (prefetch > 1), in either order: committed then given back, or given back
    // then refused (commit_failed). Either way one answer goes back, and it moves nothing: the order stays CANCELLED.
    const replies = () => [...about(placed.id, 'stock.committed'), ...about(placed.id, 'stock.commit_failed')];
    await waitFor(() => replies().length === 1, 'the late answer to order.paid');
    await waitFor(() => productOutcomes.all.length >= 2, 'both deliveries settled');
    assert.deepEqual(productOutcomes.all.map((outcome) => [outcome.type, outcome.outcome]).sort(), [
      ['order.cancelled', 'applied'],
      ['order.paid', 'applied'],
    ]);
    const final = (await shopper.client.Order({ id: placed.id })).order!;
    assert.deepEqual([final.status, final.revision], ['CANCELLED', 3]);

    // Exactly one refund, for what was paid: counted once every outbox involved is drained and the tap caught up.
    await outboxDrained(system.payment!.orm);
    await outboxDrained(system.services.order.orm);
    await outboxDrained(system.product.orm);
    await tap.flush();
    assert.deepEqual(
      about(placed.id, 'payment.refunded').map((event) => [event.data.amountCents, event.data.currency]),
      [[2 * 1250, 'USD']],
    );
    assert.equal(about(placed.id, 'order.cancelled').length, 1);
    const refunds = await rows<{ status: string }>(system.payment!.orm, 'select status from payments where order_id = ?', [placed.id]);
    assert.deepEqual(refunds, [{ status: 'refunded' }]);
    const provider = await rows<{ amount_cents: number }>(
      system.payment!.orm,
      'select amount_cents from simulated_refunds where idempotency_key = ?',
      [`refund:${placed.id}`],
    );
    assert.deepEqual(provider, [{ amount_cents: 2 * 1250 }]);
  });
});
