import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@shop/kit';
import { TEST_ENV, dropDatabases, testDatabaseUrl, waitFor } from '@shop/kit/testing';
import { Broker, deleteTopology, queueNames, type EventData, type EventType } from '@shop/messaging';
import { recordOutcomes, removeExchange } from '@shop/messaging/testing';
import { loadNotificationEnv, startNotificationWorker, type OutgoingMail } from '../src/index.js';
import { Mail } from '../src/modules/mail/mail.entity.js';

describe('notification worker (real RabbitMQ and Postgres)', () => {
  const databaseUrl = testDatabaseUrl('notification');
  const fileDatabaseUrl = testDatabaseUrl('notification');
  const queue = `notification-test-${randomBytes(4).toString('hex')}`;
  const sent: OutgoingMail[] = [];
  let mailDir: string;
  let worker: Awaited<ReturnType<typeof startNotificationWorker>>;
  let fileWorker: Awaited<ReturnType<typeof startNotificationWorker>> | undefined;
  let broker: Broker;
  let deliveries: ReturnType<typeof recordOutcomes>;

  const publish = async <T extends EventType>(type: T, data: EventData<T>, id: string = randomUUID()) => {
    const envelope = { id, type, occurredAt: new Date().toISOString(), correlationId: `corr-${id.slice(0, 8)}`, data };
    await broker
      .publisher()
      .publish(TEST_ENV.EVENTS_EXCHANGE, type, Buffer.from(JSON.stringify(envelope)), { persistent: true, messageId: id });
    return id;
  };

  before(async () => {
    mailDir = await mkdtemp(path.join(tmpdir(), 'shop-mail-'));
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
        MAIL_DIR: mailDir,
      }),
      { transport: { send: async (mail) => void sent.push(mail) } },
    );
    deliveries = recordOutcomes(worker.consumer);
  });
  after(async () => {
    await fileWorker?.close();
    await worker?.close();
    const q = queueNames(queue);
    const fq = queueNames(`${queue}-files`);
    await deleteTopology(broker, [q.main, q.retry, q.dead, fq.main, fq.retry, fq.dead], TEST_ENV.EVENTS_EXCHANGE).catch(() => undefined);
    // The other consumers' queues, which the worker declares too (TEST_ENV names them after the exchange).
    await removeExchange(broker.options.url, TEST_ENV.EVENTS_EXCHANGE);
    await broker?.close();
    await dropDatabases([databaseUrl, fileDatabaseUrl]);
    await rm(mailDir, { recursive: true, force: true });
  });

  it('sends one welcome mail however often user.registered is delivered', async () => {
    const userId = randomUUID();
    const id = randomUUID();
    for (let i = 0; i < 3; i += 1) await publish('user.registered', { userId, email: 'ada@example.com', name: 'Ada' }, id);
    // Idle: every delivery settled, and the sender done with every mail they queued (it sends only pending ones).
    await deliveries.settled(id, 3);
    assert.deepEqual(deliveries.final(id).sort(), ['applied', 'duplicate', 'duplicate']);
    await waitFor(async () => {
      const mails = await worker.orm.em.fork().find(Mail, { eventId: id });
      return mails.length > 0 && mails.every((mail) => mail.status === 'sent');
    }, 'the welcome mail to be sent');
    const welcomes = sent.filter((m) => m.to === 'ada@example.com' && m.kind === 'welcome');
    assert.equal(welcomes.length, 1);
    assert.match(welcomes[0]!.text, /Hi Ada/);
    assert.equal(welcomes[0]!.correlationId, `corr-${id.slice(0, 8)}`);
  });

  it('sends a receipt on order.confirmed and a notice on order.cancelled, even when the order event arrives first', async () => {
    const userId = randomUUID();
    const orderId = randomUUID();
    // The receipt's event is handled before the user's: the consumer retries until the recipient is known.
    const confirmedId = await publish('order.confirmed', {
      orderId,
      userId,
      totalCents: 5997,
      currency: 'USD',
      items: [{ productId: randomUUID(), name: 'Linen Lamp', quantity: 3, unitPriceCents: 1999 }],
    });
    await waitFor(() => deliveries.of(confirmedId).length > 0, 'order.confirmed to be handled');
    assert.equal(deliveries.of(confirmedId)[0], 'retry', 'no recipient yet: the receipt must wait');
    await publish('user.registered', { userId, email: 'grace@example.com', name: 'Grace' });
    await deliveries.settled(confirmedId, 1);
    assert.deepEqual(deliveries.final(confirmedId), ['applied']);
    await waitFor(() => sent.some((m) => m.to === 'grace@example.com' && m.kind === 'receipt'), 'receipt');
    const receipt = sent.find((m) => m.to === 'grace@example.com' && m.kind === 'receipt')!;
    assert.match(receipt.text, /3 × Linen Lamp @ \$19\.99 = \$59\.97/);
    assert.match(receipt.text, /Total: \$59\.97/);

    await publish('order.cancelled', { orderId: randomUUID(), userId, reason: 'payment_failed' });
    await waitFor(() => sent.some((m) => m.to === 'grace@example.com' && m.kind === 'cancellation'), 'cancellation notice');
    assert.match(sent.find((m) => m.kind === 'cancellation')!.text, /payment was declined/);
    // The transport has the mail a moment before its row says so: wait for the rows.
    await waitFor(async () => {
      const rows = await worker.orm.em.fork().find(Mail, { to: 'grace@example.com' });
      return rows.length === 3 && rows.every((r) => r.status === 'sent');
    }, "grace's three mails marked sent");
  });

  it('writes each mail as an .eml file when no SMTP server is configured', async () => {
    fileWorker = await startNotificationWorker(
      loadNotificationEnv({
        ...TEST_ENV,
        NOTIFICATION_PORT: '0',
        NOTIFICATION_DATABASE_URL: fileDatabaseUrl,
        NOTIFICATION_QUEUE: `${queue}-files`,
        MAIL_DIR: mailDir,
      }),
    );
    const id = await publish('user.registered', { userId: randomUUID(), email: 'files@example.com', name: 'Filed' });
    await waitFor(async () => (await readdir(mailDir)).some((f) => f.endsWith('.eml')), '.eml file');
    const [file] = (await readdir(mailDir)).filter((f) => f.endsWith('.eml'));
    const eml = await readFile(path.join(mailDir, file!), 'utf8');
    assert.match(eml, /To: files@example\.com/);
    assert.match(eml, /Subject: Welcome to the shop/);
    assert.match(eml, new RegExp(`X-Correlation-Id: corr-${id.slice(0, 8)}`, 'i'));
    const ready = await fetch(`http://127.0.0.1:${fileWorker.port}/ready`);
    assert.equal(ready.status, 200);
  });
});
