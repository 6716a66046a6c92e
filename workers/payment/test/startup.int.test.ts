import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { createLogger, SealedBox } from '@shop/kit';
import { dropDatabases, startTcpProxy, TEST_ENV, testDatabaseUrl, waitFor } from '@shop/kit/testing';
import { Broker, CONSUMED_EVENTS } from '@shop/messaging';
import { publishEvent, removeExchange, tapEvents } from '@shop/messaging/testing';
import { loadPaymentEnv, startPaymentWorker } from '../src/index.js';

const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

describe('payment worker restarted while its database is down', () => {
  const databaseUrl = testDatabaseUrl('payment');
  const exchange = `${TEST_ENV.EVENTS_EXCHANGE}-startup`;
  const cleanUp: Array<() => Promise<unknown>> = [];
  after(async () => {
    for (const step of cleanUp.reverse()) await step().catch(() => undefined);
    await dropDatabases([databaseUrl]);
    await removeExchange(RABBITMQ_URL, exchange);
  });

  it('waits for the database instead of exiting, then charges what was queued meanwhile', async () => {
    const postgres = await startTcpProxy(5432);
    cleanUp.push(() => postgres.close());
    const viaProxy = new URL(databaseUrl);
    viaProxy.port = String(postgres.port);
    postgres.cut();

    // The worker's queue exists already (every service declares it), so what is published while it waits is kept.
    const queue = `${exchange}.payment`;
    const broker = new Broker({
      url: RABBITMQ_URL,
      exchange,
      log: createLogger('test', 'silent'),
      topology: [{ queue, events: CONSUMED_EVENTS.payment }],
    });
    cleanUp.push(() => broker.close());
    const tap = await tapEvents(broker);
    cleanUp.push(() => tap.close());
    const key = randomBytes(32);
    const env = loadPaymentEnv({
      ...TEST_ENV,
      EVENTS_EXCHANGE: exchange,
      PAYMENT_QUEUE: queue,
      PAYMENT_PORT: '0',
      PAYMENT_DATABASE_URL: viaProxy.toString(),
      PAYMENT_TOKEN_KEY: key.toString('base64'),
    });

    let settled: 'started' | Error | null = null;
    const starting = startPaymentWorker(env).then(
      (worker) => {
        settled = 'started';
        cleanUp.push(() => worker.close());
        return worker;
      },
      (error: Error) => {
        settled = error;
        throw error;
      },
    );
    // The fault is in effect: connections are refused, and the worker is still waiting, not failed.
    await waitFor(() => postgres.refused > 2, 'the worker trying to reach its database');
    assert.equal(settled, null, 'the worker neither started nor gave up while its database was away');

    // Meanwhile an order is placed; then the database comes back.
    const orderId = randomUUID();
    const eventId = await publishEvent(broker, 'order.placed', {
      orderId,
      userId: randomUUID(),
      items: [{ productId: randomUUID(), name: 'Lamp', quantity: 1, unitPriceCents: 1500 }],
      totalCents: 1500,
      currency: 'USD',
      paymentTokenSealed: new SealedBox(key).seal('tok_visa', orderId),
    });
    postgres.restore();
    const worker = await starting;
    // The delivery may be applied before a listener could be attached: its effects are what show it.
    await waitFor(
      () => tap.events.some((e) => e.type === 'payment.succeeded' && e.data.orderId === orderId),
      'payment.succeeded for the order',
    );
    const [row] = await worker.orm.em.fork().execute<Array<{ n: string }>>('select count(*) as n from inbox where event_id = ?', [eventId]);
    assert.equal(Number(row?.n), 1, 'the queued order.placed was applied once');
  });
});
