import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@shop/kit';
import { TEST_ENV, dropDatabases, testDatabaseUrl, waitFor } from '@shop/kit/testing';
import { Broker, deleteTopology, queueNames, type EventData, type EventType } from '@shop/messaging';
import { publishEvent, recordOutcomes, removeExchange } from '@shop/messaging/testing';
import { loadNotificationEnv, startNotificationWorker } from '../src/index.js';
import { Recipient } from '../src/modules/mail/mail.entity.js';
import { Text } from '../src/modules/sms/text.entity.js';

interface ProviderRequest {
  headers: IncomingHttpHeaders;
  body: { from: string; to: string; text: string; reference: string };
  status: number;
}

/** A stand-in for an SMS provider: answers each request with the next status planned for its number, then 200. */
async function fakeProvider() {
  const requests: ProviderRequest[] = [];
  const plans = new Map<string, number[]>();
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as ProviderRequest['body'];
      const status = plans.get(body.to)?.shift() ?? 200;
      requests.push({ headers: req.headers, body, status });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status === 200 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/messages`,
    requests,
    /** The statuses the next requests for `to` get, in order. */
    plan: (to: string, statuses: number[]) => plans.set(to, [...statuses]),
    /** What the provider accepted (answered 200) for `to`. */
    accepted: (to: string) => requests.filter((r) => r.body.to === to && r.status === 200),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('SMS through the HTTP provider adapter (fake provider, real RabbitMQ and Postgres)', () => {
  const databaseUrl = testDatabaseUrl('notification');
  const queue = `notification-sms-test-${randomBytes(4).toString('hex')}`;
  let provider: Awaited<ReturnType<typeof fakeProvider>>;
  let worker: Awaited<ReturnType<typeof startNotificationWorker>>;
  let broker: Broker;
  let deliveries: ReturnType<typeof recordOutcomes>;

  const publish = <T extends EventType>(type: T, data: EventData<T>, id?: string) => publishEvent(broker, type, data, { id });
  /** A recipient with a phone (or none) and the SMS preference, known to the worker. */
  async function recipient(phone: string | null, sms: boolean) {
    const userId = randomUUID();
    const registered = await publish('user.registered', {
      userId,
      email: `${userId.slice(0, 8)}@example.com`,
      name: 'Texted',
      ...(phone ? { phone } : {}),
    });
    const preferences = await publish('user.preferences_changed', { userId, email: true, sms, revision: 1 });
    await deliveries.settled(registered, 1);
    await deliveries.settled(preferences, 1);
    return userId;
  }
  const confirmed = (userId: string): EventData<'order.confirmed'> => ({
    orderId: randomUUID(),
    userId,
    totalCents: 2500,
    currency: 'USD',
    items: [{ productId: randomUUID(), name: 'Desk Fan', quantity: 1, unitPriceCents: 2500 }],
  });
  const textsOf = (eventId: string) => worker.orm.em.fork().find(Text, { eventId });
  const settledTexts = (eventId: string) =>
    waitFor(async () => {
      const texts = await textsOf(eventId);
      return texts.length > 0 && texts.every((t) => t.status === 'sent' || t.status === 'failed');
    }, `the SMS of event ${eventId} to be sent or given up`);

  before(async () => {
    provider = await fakeProvider();
    broker = new Broker({
      url: 'amqp://guest:guest@127.0.0.1:5672',
      exchange: TEST_ENV.EVENTS_EXCHANGE,
      log: createLogger('test', 'silent'),
    });
    worker = await startNotificationWorker(
      loadNotificationEnv({
        ...TEST_ENV,
        NOTIFICATION_PORT: '0',
        NOTIFICATION_DATABASE_URL: databaseUrl,
        NOTIFICATION_QUEUE: queue,
        SMS_TRANSPORT: 'http',
        SMS_HTTP_URL: provider.url,
        SMS_HTTP_TOKEN: 'provider-token-for-tests',
        SMS_FROM: 'ShopTest',
      }),
      { transport: { send: async () => undefined } },
    );
    deliveries = recordOutcomes(worker.consumer);
  });
  after(async () => {
    await worker?.close();
    const q = queueNames(queue);
    await deleteTopology(broker, [q.main, q.retry, q.dead], TEST_ENV.EVENTS_EXCHANGE).catch(() => undefined);
    await removeExchange(broker.options.url, TEST_ENV.EVENTS_EXCHANGE);
    await broker?.close();
    await dropDatabases([databaseUrl]);
    await provider?.close();
  });

  it('retries a 5xx with the same idempotency key until the provider takes it: one SMS per event and channel, however often delivered', async () => {
    const phone = '+14155550101';
    const userId = await recipient(phone, true);
    provider.plan(phone, [503, 502]);
    const order = confirmed(userId);
    const id = randomUUID();
    for (let i = 0; i < 3; i += 1) await publish('order.confirmed', order, id);
    await deliveries.settled(id, 3);
    assert.deepEqual(deliveries.final(id).sort(), ['applied', 'duplicate', 'duplicate']);
    await settledTexts(id);

    const tries = provider.requests.filter((r) => r.body.to === phone);
    assert.deepEqual(
      tries.map((r) => r.status),
      [503, 502, 200],
    );
    const [text] = await textsOf(id);
    assert.equal(text!.status, 'sent');
    // Every try is the same message: the provider can tell a retry from a new one.
    assert.deepEqual(new Set(tries.map((r) => r.headers['idempotency-key'])), new Set([text!.id]));
    assert.equal(tries[0]!.headers.authorization, 'Bearer provider-token-for-tests');
    assert.equal(provider.accepted(phone).length, 1);
    assert.equal(provider.accepted(phone)[0]!.body.from, 'ShopTest');
    assert.match(provider.accepted(phone)[0]!.body.text, new RegExp(`order ${order.orderId.slice(0, 8)} is confirmed\\. Total \\$25\\.00`));

    // The cancellation is the same channel but another event: its own one SMS.
    const cancelled = await publish('order.cancelled', { orderId: order.orderId, userId, reason: 'customer', refunded: true });
    await deliveries.settled(cancelled, 1);
    await settledTexts(cancelled);
    assert.equal(provider.accepted(phone).length, 2);
    assert.match(provider.accepted(phone)[1]!.body.text, /cancelled: you cancelled it\. Refunded\./);
  });

  it('gives up on a message the provider refuses (4xx) without retrying it', async () => {
    const phone = '+14155550102';
    const userId = await recipient(phone, true);
    provider.plan(phone, [400]);
    const id = await publish('order.confirmed', confirmed(userId));
    await deliveries.settled(id, 1);
    await settledTexts(id);
    const [text] = await textsOf(id);
    assert.equal(text!.status, 'failed');
    assert.deepEqual(
      provider.requests.filter((r) => r.body.to === phone).map((r) => r.status),
      [400],
    );
  });

  it('sends no SMS to a user without a phone, nor to one who did not opt in', async () => {
    const withoutPhone = await recipient(null, true);
    const notOptedIn = await recipient('+14155550103', false);
    const before = provider.requests.length;
    for (const userId of [withoutPhone, notOptedIn]) {
      const id = await publish('order.confirmed', confirmed(userId));
      await deliveries.settled(id, 1);
      assert.deepEqual(deliveries.final(id), ['applied']);
      assert.deepEqual(await textsOf(id), []);
    }
    // No text was queued, so nothing can still be on its way to the provider.
    assert.equal(provider.requests.length, before);
  });

  it('keeps the newest phone and preferences when their events arrive out of order', async () => {
    const userId = await recipient('+14155550104', false);
    const changes = [
      await publish('user.profile_updated', { userId, name: 'Newest', phone: '+14155550105', revision: 3 }),
      await publish('user.preferences_changed', { userId, email: false, sms: true, revision: 4 }),
      // Older changes, late:
      await publish('user.profile_updated', { userId, name: 'Older', phone: null, revision: 2 }),
      await publish('user.preferences_changed', { userId, email: true, sms: false, revision: 2 }),
    ];
    for (const id of changes) await deliveries.settled(id, 1);
    const known = await worker.orm.em.fork().findOneOrFail(Recipient, { userId });
    assert.deepEqual([known.name, known.phone, known.emailEnabled, known.smsEnabled], ['Newest', '+14155550105', false, true]);

    // And the order's SMS goes to the newest number.
    const id = await publish('order.confirmed', confirmed(userId));
    await deliveries.settled(id, 1);
    await settledTexts(id);
    assert.equal(provider.accepted('+14155550105').length, 1);
    assert.equal(provider.accepted('+14155550104').length, 0);
  });
});
