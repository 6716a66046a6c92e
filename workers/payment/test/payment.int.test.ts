import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createLogger, SealedBox } from '@shop/kit';
import { TEST_ENV, dropDatabases, testDatabaseUrl, waitFor } from '@shop/kit/testing';
import { Broker, deleteTopology, queueNames, type EventData, type EventType } from '@shop/messaging';
import { outboxDrained, recordOutcomes, removeExchange, tapEvents } from '@shop/messaging/testing';
import { loadPaymentEnv, SimulatedPaymentProvider, startPaymentWorker, type ChargeRequest } from '../src/index.js';
import { Payment, SimulatedCharge, SimulatedRefund } from '../src/modules/payment/payment.entity.js';

describe('payment worker (real RabbitMQ and Postgres)', () => {
  const databaseUrl = testDatabaseUrl('payment');
  const queue = `payment-test-${randomBytes(4).toString('hex')}`;
  let worker: Awaited<ReturnType<typeof startPaymentWorker>>;
  let broker: Broker;
  let tap: Awaited<ReturnType<typeof tapEvents>>;
  /** Orders whose first charge "crashes" after the provider charged: the transaction around it is lost. */
  const crashAfterCharge = new Set<string>();
  /** What the database looked like while the provider was charging an order: open transactions and advisory locks. */
  const duringCharge = new Map<string, { inTransaction: string[]; advisoryLocks: number }>();
  const observeDatabase = async () => {
    const em = worker.orm.em.fork();
    const open = await em.execute<Array<{ query: string }>>(
      `select query from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid() and state like 'idle in transaction%'`,
    );
    const [locks] = await em.execute<Array<{ n: string }>>(
      `select count(*) as n from pg_locks
       where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`,
    );
    // The outbox relay's own short transaction (it publishes inside it) is not the handler's.
    return { inTransaction: open.map((r) => r.query).filter((q) => !/outbox/.test(q)), advisoryLocks: Number(locks?.n ?? 0) };
  };

  // The worker's key, as the order service would share it; events carry the token only sealed with it.
  const paymentTokenKey = randomBytes(32);
  const sealer = new SealedBox(paymentTokenKey);
  const placed = (token: string, orderId = randomUUID()): EventData<'order.placed'> => ({
    orderId,
    userId: randomUUID(),
    items: [{ productId: randomUUID(), name: 'Lamp', quantity: 2, unitPriceCents: 1250 }],
    totalCents: 2500,
    currency: 'USD',
    paymentTokenSealed: sealer.seal(token, orderId),
  });
  const cancelled = (order: EventData<'order.placed'>, reason: 'payment_failed' | 'expired' | 'customer' = 'customer') => ({
    orderId: order.orderId,
    userId: order.userId,
    reason,
  });
  const publishEvent = async <T extends EventType>(type: T, data: EventData<T> & { orderId: string }, id: string = randomUUID()) => {
    const envelope = {
      id,
      type,
      occurredAt: new Date().toISOString(),
      correlationId: `corr-${data.orderId.slice(0, 8)}`,
      data,
    };
    await broker
      .publisher()
      .publish(TEST_ENV.EVENTS_EXCHANGE, type, Buffer.from(JSON.stringify(envelope)), { persistent: true, messageId: id });
    return id;
  };
  const publish = (data: EventData<'order.placed'>, id?: string) => publishEvent('order.placed', data, id);
  const outcomesFor = (orderId: string) =>
    tap.events.filter((e) => (e.type === 'payment.succeeded' || e.type === 'payment.failed') && e.data.orderId === orderId);
  const refundsFor = (orderId: string) => tap.events.filter((e) => e.type === 'payment.refunded' && e.data.orderId === orderId);
  /** Event ids the worker has applied (committed with the inbox row). */
  const applied = new Set<string>();
  let deliveries: ReturnType<typeof recordOutcomes>;
  /**
   * Waits until the worker is idle for these deliveries (event id -> how many times it was published): each one
   * settled, what they wrote to the outbox published, and the tap caught up. Only then can a count of events be final.
   */
  const idleAfter = async (published: Record<string, number>) => {
    for (const [id, times] of Object.entries(published)) await deliveries.settled(id, times);
    await outboxDrained(worker.orm);
    await tap.flush();
  };

  before(async () => {
    broker = new Broker({
      url: 'amqp://guest:guest@127.0.0.1:5672',
      exchange: TEST_ENV.EVENTS_EXCHANGE,
      log: createLogger('test', 'silent'),
    });
    tap = await tapEvents(broker);
    const env = loadPaymentEnv({
      ...TEST_ENV,
      PAYMENT_PORT: '0',
      PAYMENT_DATABASE_URL: databaseUrl,
      PAYMENT_QUEUE: queue,
      PAYMENT_TOKEN_KEY: paymentTokenKey.toString('base64'),
    });
    // The simulated provider needs the worker's ORM, which exists only once the worker has started.
    const inner: { provider?: SimulatedPaymentProvider } = {};
    worker = await startPaymentWorker(env, {
      provider: {
        charge: async (request: ChargeRequest) => {
          const orderId = request.idempotencyKey.replace('order:', '');
          if (duringCharge.has(orderId)) duringCharge.set(orderId, await observeDatabase());
          const result = await inner.provider!.charge(request);
          if (crashAfterCharge.delete(orderId)) throw new Error('crashed after the provider charged');
          return result;
        },
        refund: (request) => inner.provider!.refund(request),
      },
    });
    inner.provider = new SimulatedPaymentProvider(worker.orm);
    worker.consumer.onOutcome((outcome, event) => {
      if (outcome === 'applied' && event.id) applied.add(event.id);
    });
    deliveries = recordOutcomes(worker.consumer);
  });
  after(async () => {
    await worker?.close();
    await tap?.close();
    const q = queueNames(queue);
    await deleteTopology(broker, [q.main, q.retry, q.dead], TEST_ENV.EVENTS_EXCHANGE).catch(() => undefined);
    // The other consumers' queues, which the worker declares too (TEST_ENV names them after the exchange).
    await removeExchange(broker.options.url, TEST_ENV.EVENTS_EXCHANGE);
    await broker?.close();
    await dropDatabases([databaseUrl]);
  });

  it('approves tok_visa and declines tok_chargeDeclined, announcing each with the order correlation id', async () => {
    const ok = placed('tok_visa');
    const declined = placed('tok_chargeDeclined');
    await publish(ok);
    await publish(declined);
    await waitFor(() => outcomesFor(ok.orderId).length === 1 && outcomesFor(declined.orderId).length === 1, 'payment events');
    const [success] = outcomesFor(ok.orderId);
    assert.equal(success?.type, 'payment.succeeded');
    assert.equal(success?.correlationId, `corr-${ok.orderId.slice(0, 8)}`);
    assert.deepEqual(
      { ...success?.data, paymentId: undefined },
      { orderId: ok.orderId, paymentId: undefined, amountCents: 2500, currency: 'USD' },
    );
    const [failure] = outcomesFor(declined.orderId);
    assert.equal(failure?.type, 'payment.failed');
    assert.match(failure?.type === 'payment.failed' ? failure.data.reason : '', /declined/);
    const payments = await worker.orm.em.fork().find(Payment, { orderId: { $in: [ok.orderId, declined.orderId] } });
    assert.deepEqual(payments.map((p) => p.status).sort(), ['failed', 'succeeded']);
  });

  it('still charges an order.placed published before tokens were sealed (plain paymentToken)', async () => {
    const { paymentTokenSealed: _sealed, ...legacy } = placed('tok_visa');
    await publish({ ...legacy, paymentToken: 'tok_visa' });
    await waitFor(() => outcomesFor(legacy.orderId).length === 1, 'payment event');
    assert.equal(outcomesFor(legacy.orderId)[0]?.type, 'payment.succeeded');
  });

  it('charges nothing with a sealed token copied from another order', async () => {
    const order = { ...placed('tok_visa'), paymentTokenSealed: placed('tok_visa').paymentTokenSealed };
    const eventId = randomUUID();
    const charges: string[] = [];
    const refused = new Promise<void>((resolve) =>
      worker.consumer.onOutcome((outcome, event) => {
        if (event.id === eventId) charges.push(outcome);
        if (event.id === eventId && outcome !== 'applied') resolve();
      }),
    );
    await publish(order, eventId);
    await refused;
    assert.deepEqual(charges.slice(0, 1), ['retry']);
    // It keeps failing the same way, so after its attempts it is dead-lettered; waited for here, so its retries do not
    // run beside the later tests (whose checks look at every open transaction in this database).
    await deliveries.settled(eventId, 1, 15_000);
    assert.deepEqual(deliveries.final(eventId), ['dead']);
    assert.equal(await worker.orm.em.fork().count(SimulatedCharge, { idempotencyKey: `order:${order.orderId}` }), 0);
    assert.deepEqual(outcomesFor(order.orderId), []);
  });

  it('charges an order once however often it is delivered or re-announced', async () => {
    const order = placed('tok_visa');
    const eventId = await publish(order);
    await publish(order, eventId);
    await publish(order, eventId);
    const reannounced = await publish(order); // the same order under another event id
    await idleAfter({ [eventId]: 3, [reannounced]: 1 });
    assert.deepEqual(deliveries.final(eventId).sort(), ['applied', 'duplicate', 'duplicate']);
    assert.deepEqual(deliveries.final(reannounced), ['applied']);
    assert.equal(outcomesFor(order.orderId).length, 1);
    const em = worker.orm.em.fork();
    assert.equal(await em.count(Payment, { orderId: order.orderId }), 1);
    assert.equal(await em.count(SimulatedCharge, { idempotencyKey: `order:${order.orderId}` }), 1);
  });

  it('holds no transaction and no order lock while the provider charges', async () => {
    const order = placed('tok_visa');
    duringCharge.set(order.orderId, { inTransaction: ['not observed'], advisoryLocks: -1 });
    const eventId = await publish(order);
    await waitFor(() => applied.has(eventId), 'order.placed applied');
    assert.deepEqual(duringCharge.get(order.orderId), { inTransaction: [], advisoryLocks: 0 });
    await waitFor(() => outcomesFor(order.orderId).length === 1, 'payment event');
  });

  it('finishes a charge interrupted after the provider charged, without a second charge', async () => {
    const order = placed('tok_visa');
    crashAfterCharge.add(order.orderId);
    const eventId = await publish(order);
    await waitFor(() => applied.has(eventId), 'order.placed applied after the crash');
    await waitFor(() => outcomesFor(order.orderId).length === 1, 'payment after the retry');
    const em = worker.orm.em.fork();
    const [events] = await em.execute<Array<{ n: string }>>(
      `select count(*) as n from outbox where type = 'payment.succeeded' and envelope->'data'->>'orderId' = ?`,
      [order.orderId],
    );
    assert.equal(Number(events?.n), 1, 'one payment.succeeded written');
    assert.equal(crashAfterCharge.has(order.orderId), false, 'the crash happened');
    const charge = await em.findOneOrFail(SimulatedCharge, { idempotencyKey: `order:${order.orderId}` });
    const payment = await em.findOneOrFail(Payment, { orderId: order.orderId });
    assert.equal(payment.chargeId, charge.chargeId, 'the retry got the first charge back');
    assert.equal(await em.count(SimulatedCharge, { idempotencyKey: `order:${order.orderId}` }), 1);
  });

  it('refunds a succeeded payment once, however often the cancellation is delivered', async () => {
    const order = placed('tok_visa');
    await publish(order);
    await waitFor(() => outcomesFor(order.orderId).length === 1, 'payment event');
    const cancellation = cancelled(order);
    const eventId = await publishEvent('order.cancelled', cancellation);
    await publishEvent('order.cancelled', cancellation, eventId);
    const reannounced = await publishEvent('order.cancelled', cancellation); // the same cancellation under another event id
    await idleAfter({ [eventId]: 2, [reannounced]: 1 });
    assert.deepEqual(deliveries.final(eventId).sort(), ['applied', 'duplicate']);
    assert.deepEqual(deliveries.final(reannounced), ['applied']);
    assert.equal(refundsFor(order.orderId).length, 1);
    const em = worker.orm.em.fork();
    const payment = await em.findOneOrFail(Payment, { orderId: order.orderId });
    const [refunded] = refundsFor(order.orderId);
    assert.deepEqual(refunded?.data, { orderId: order.orderId, paymentId: payment.id, amountCents: 2500, currency: 'USD' });
    assert.equal(refunded?.correlationId, `corr-${order.orderId.slice(0, 8)}`);
    assert.equal(payment.status, 'refunded');
    assert.ok(payment.refundedAt);
    const refunds = await em.find(SimulatedRefund, { chargeId: payment.chargeId! });
    assert.equal(refunds.length, 1);
    assert.equal(refunds[0]?.idempotencyKey, `refund:${order.orderId}`);
    assert.equal(refunds[0]?.amountCents, 2500);
    assert.equal(payment.refundId, refunds[0]?.refundId);
  });

  it('voids an order cancelled before it was placed: the late order.placed charges nothing', async () => {
    const order = placed('tok_visa');
    const cancelId = await publishEvent('order.cancelled', cancelled(order, 'expired'));
    await waitFor(() => applied.has(cancelId), 'cancellation applied');
    const placedId = await publish(order);
    await waitFor(() => applied.has(placedId), 'late order.placed applied');
    const em = worker.orm.em.fork();
    const payment = await em.findOneOrFail(Payment, { orderId: order.orderId });
    assert.equal(payment.status, 'voided');
    assert.deepEqual([payment.amountCents, payment.currency, payment.chargeId], [null, null, null]);
    assert.equal(await em.count(SimulatedCharge, { idempotencyKey: `order:${order.orderId}` }), 0, 'the provider was never asked');
    assert.equal(await em.count(Payment, { orderId: order.orderId }), 1);
    assert.deepEqual(outcomesFor(order.orderId), []);
    assert.deepEqual(refundsFor(order.orderId), []);
  });

  it('refunds nothing when the payment had failed', async () => {
    const order = placed('tok_chargeDeclined');
    await publish(order);
    await waitFor(() => outcomesFor(order.orderId).length === 1, 'payment.failed');
    const cancelId = await publishEvent('order.cancelled', cancelled(order, 'payment_failed'));
    await waitFor(() => applied.has(cancelId), 'cancellation applied');
    const em = worker.orm.em.fork();
    const payment = await em.findOneOrFail(Payment, { orderId: order.orderId });
    assert.equal(payment.status, 'failed');
    assert.equal(payment.refundId, null);
    assert.equal(await em.count(SimulatedRefund, { idempotencyKey: `refund:${order.orderId}` }), 0);
    assert.deepEqual(refundsFor(order.orderId), []);
  });

  it('never keeps money for an order whose cancellation races its order.placed', async () => {
    const orders = Array.from({ length: 10 }, () => placed('tok_visa'));
    const ids = await Promise.all(orders.flatMap((order) => [publish(order), publishEvent('order.cancelled', cancelled(order))]));
    await waitFor(() => ids.every((id) => applied.has(id)), 'all deliveries applied');
    const em = worker.orm.em.fork();
    for (const order of orders) {
      const payment = await em.findOneOrFail(Payment, { orderId: order.orderId });
      const charged = await em.count(SimulatedCharge, { idempotencyKey: `order:${order.orderId}` });
      const refunded = await em.count(SimulatedRefund, { idempotencyKey: `refund:${order.orderId}` });
      assert.ok(
        (payment.status === 'voided' && charged === 0) || (payment.status === 'refunded' && charged === 1 && refunded === 1),
        `order ${order.orderId}: ${payment.status}, ${charged} charge(s), ${refunded} refund(s)`,
      );
    }
  });
});
