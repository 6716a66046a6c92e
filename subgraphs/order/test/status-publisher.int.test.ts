import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import pino from 'pino';
import { Redis, redisReconnect, type OrderStatusMessage } from '@shop/kit';
import { startTcpProxy, waitFor } from '@shop/kit/testing';
import type { Order } from '../src/modules/order/order.entity.js';
import { StatusPublisher } from '../src/modules/order/status-publisher.js';

const redisPort = Number(new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').port || 6379);
const order = (id: string, status: string, revision: number) => ({ id, status, revision, updatedAt: new Date() }) as unknown as Order;

/** The order service's status announcements when Redis goes away: the machine's Redis, cut by a proxy the test owns. */
describe('status announcements Redis refused are sent again once it is back', () => {
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let pubsub: RedisPubSub;
  let listener: Redis;
  let publisher: StatusPublisher;
  const prefix = `test:${randomUUID()}:`;
  const heard: OrderStatusMessage[] = [];

  before(async () => {
    proxy = await startTcpProxy(redisPort);
    // As the order service connects: no offline queue, so a publish while Redis is away fails at once.
    const options = { ...redisReconnect, maxRetriesPerRequest: 1, enableOfflineQueue: false };
    pubsub = new RedisPubSub({
      publisher: new Redis(`redis://127.0.0.1:${proxy.port}`, options),
      subscriber: new Redis(`redis://127.0.0.1:${proxy.port}`, { ...options, lazyConnect: true }),
    });
    for (const client of [pubsub.getPublisher(), pubsub.getSubscriber()]) client.on('error', () => undefined);
    await waitFor(() => pubsub.getPublisher().status === 'ready', 'the publisher to connect');
    // The listener reaches Redis directly: only the publisher's side is cut.
    listener = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    await listener.psubscribe(`${prefix}*`);
    listener.on('pmessage', (_pattern, _channel, message: string) => heard.push(JSON.parse(message) as OrderStatusMessage));
    publisher = new StatusPublisher(pubsub, prefix, pino({ level: 'silent' }));
  });
  after(async () => {
    publisher.close();
    listener.disconnect();
    pubsub.getPublisher().disconnect();
    pubsub.getSubscriber().disconnect();
    await proxy.close();
  });

  it('keeps the latest announcement per order while Redis is away and sends it when Redis is back', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await publisher.announce(order(a, 'PENDING', 1));
    await waitFor(() => heard.some((m) => m.orderId === a), 'the first announcement');

    proxy.cut();
    await waitFor(() => pubsub.getPublisher().status !== 'ready', 'the publisher to notice');
    await publisher.announce(order(a, 'PAID', 2));
    await publisher.announce(order(b, 'PENDING', 1));
    await publisher.announce(order(a, 'CONFIRMED', 3));
    // Refused, not lost: two orders wait, a with its latest revision only (the gateway reads the ones between).
    assert.equal(publisher.waiting, 2);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(
      heard.filter((m) => m.orderId === b),
      [],
      'nothing got through while cut',
    );

    proxy.restore();
    await waitFor(
      () => heard.some((m) => m.orderId === b) && heard.some((m) => m.orderId === a && m.revision === 3),
      'the retries',
      10_000,
    );
    assert.deepEqual(
      heard.filter((m) => m.orderId === a).map((m) => [m.status, m.revision]),
      [
        ['PENDING', 1],
        ['CONFIRMED', 3],
      ],
    );
    assert.equal(publisher.waiting, 0);
  });

  it('drops a waiting announcement that a later one for the same order has made redundant', async () => {
    const c = randomUUID();
    proxy.cut();
    await waitFor(() => pubsub.getPublisher().status !== 'ready', 'the publisher to notice');
    await publisher.announce(order(c, 'PENDING', 1));
    assert.equal(publisher.waiting, 1);
    proxy.restore();
    await waitFor(() => pubsub.getPublisher().status === 'ready', 'the publisher to reconnect', 10_000);
    // Announced before the retry came round: the new one goes out, and the old one is not sent after it.
    await publisher.announce(order(c, 'PAID', 2));
    assert.equal(publisher.waiting, 0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(
      heard.filter((m) => m.orderId === c).map((m) => m.revision),
      [2],
    );
  });

  it('a closed publisher schedules no retry, even for an announcement that fails after close', async () => {
    const closing = new StatusPublisher(pubsub, prefix, pino({ level: 'silent' }));
    const d = randomUUID();
    proxy.cut();
    await waitFor(() => pubsub.getPublisher().status !== 'ready', 'the publisher to notice');
    // In flight when the service shuts down: Redis refuses it only after close.
    const inFlight = closing.announce(order(d, 'PENDING', 1));
    closing.close();
    await inFlight;
    assert.equal(closing.waiting, 1, 'kept, for nobody: the gateways re-read it');
    proxy.restore();
    await waitFor(() => pubsub.getPublisher().status === 'ready', 'the publisher to reconnect', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.deepEqual(
      heard.filter((m) => m.orderId === d),
      [],
      'no retry after close',
    );
  });
});
