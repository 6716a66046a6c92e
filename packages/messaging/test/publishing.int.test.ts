import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { MikroORM, type SqlEntityManager } from '@mikro-orm/postgresql';
import { createLogger } from '@shop/kit';
import { dropDatabases, testDatabaseUrl, waitFor } from '@shop/kit/testing';
import type { Channel } from 'amqplib';
import { Broker, Housekeeping, messagingEntities, OutboxRelay, recordEvent, startConsumer, type Topology } from '../src/index.js';
import { removeExchange } from '../src/testing/index.js';

const RABBITMQ = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const log = createLogger('publishing-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const suffix = randomBytes(4).toString('hex');

interface OutboxRow {
  id: string;
  type: string;
  attempts: number;
  published: boolean;
  due_later: boolean;
  last_error: string | null;
}

describe('publishing: topology, mandatory, per-row backoff, pruning (real RabbitMQ and Postgres)', () => {
  const databaseUrl = testDatabaseUrl('messaging');
  let orm: MikroORM;
  const cleanUps: Array<() => Promise<void>> = [];

  const sql = <T = unknown>(query: string, params: unknown[] = []) =>
    orm.em.fork().getConnection().execute<T[]>(query, params) as unknown as Promise<T[]>;
  const outboxRow = async (id: string) =>
    (
      await sql<OutboxRow>(
        'select id, type, attempts, published_at is not null as published, next_attempt_at > now() as due_later, last_error from outbox where id = ?',
        [id],
      )
    )[0]!;
  const write = <T extends Parameters<typeof recordEvent>[1]>(type: T, data: Parameters<typeof recordEvent<T>>[2]) =>
    (orm.em.fork() as SqlEntityManager).transactional(async (tx) => recordEvent(tx, type, data, `corr-${type}`).id);
  const userRegistered = () => ({ userId: randomUUID(), email: `${randomUUID()}@example.com`, name: 'Someone' });
  const orderConfirmed = () => ({ orderId: randomUUID(), userId: randomUUID(), totalCents: 100, currency: 'USD', items: [] });

  /** A broker on a fresh exchange that declares `topology`; removed (with its queues) after the test. */
  function brokerWith(topology: Topology) {
    const exchange = `test.events.${suffix}.${randomBytes(3).toString('hex')}`;
    const broker = new Broker({ url: RABBITMQ, exchange, log, topology });
    cleanUps.push(async () => {
      await broker.close();
      await removeExchange(
        RABBITMQ,
        exchange,
        topology.map((c) => c.queue),
      );
    });
    return broker;
  }

  async function messagesIn(broker: Broker, queue: string): Promise<number> {
    let count = 0;
    const channel = broker.connection.createChannel({
      setup: async (raw: Channel) => {
        count = (await raw.checkQueue(queue)).messageCount;
      },
    });
    await channel.waitForConnect();
    await channel.close();
    return count;
  }

  before(async () => {
    orm = await MikroORM.init({ clientUrl: databaseUrl, entities: messagingEntities, allowGlobalContext: false, ensureDatabase: true });
    await orm.schema.createSchema();
  });
  beforeEach(async () => {
    await sql('truncate outbox, inbox');
  });
  afterEach(async () => {
    for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
  });
  after(async () => {
    await orm?.close();
    await dropDatabases([databaseUrl]);
  });

  it('delivers an event written before its consumer ever started: the publisher declared the queue', async () => {
    const queue = `test.first-deploy.${suffix}`;
    const broker = brokerWith([{ queue, events: ['user.registered'] }]);
    const relay = new OutboxRelay(orm, broker, log, { intervalMs: 50 });
    relay.start();
    cleanUps.push(() => relay.stop());
    const id = await write('user.registered', userRegistered());
    await waitFor(async () => (await outboxRow(id)).published, 'event published', 10_000);
    assert.equal(await messagesIn(broker, queue), 1, 'the event waits in the queue nobody consumes yet');

    const applied: string[] = [];
    const consumer = await startConsumer({
      name: queue,
      events: ['user.registered'],
      orm,
      broker,
      log,
      handle: async (event) => void applied.push(event.id),
    });
    cleanUps.push(() => consumer.close());
    await waitFor(() => applied.includes(id), 'the late consumer receives the event', 10_000);
    assert.deepEqual(applied, [id]);
  });

  it('keeps an event the broker returns as unroutable, counts the attempt and retries it after a backoff', async () => {
    // A topology with no queue for order.confirmed: the broker cannot route it anywhere.
    const broker = brokerWith([{ queue: `test.unroutable.${suffix}`, events: ['user.registered'] }]);
    const relay = new OutboxRelay(orm, broker, log, { retryBaseMs: 300 });
    await broker.publisher().waitForConnect();
    const id = await write('order.confirmed', orderConfirmed());

    assert.equal(await relay.publishBatch(), 0);
    const first = await outboxRow(id);
    assert.equal(first.published, false, 'a returned event is not marked published');
    assert.equal(first.attempts, 1);
    assert.equal(first.due_later, true, 'its next attempt is scheduled in the future');
    assert.match(first.last_error ?? '', /no queue is bound to order\.confirmed/);

    assert.equal(await relay.publishBatch(), 0);
    assert.equal((await outboxRow(id)).attempts, 1, 'not attempted again before its backoff has passed');

    await waitFor(
      async () => {
        await relay.publishBatch();
        return (await outboxRow(id)).attempts === 2;
      },
      'retried after the backoff',
      10_000,
    );
    const second = await outboxRow(id);
    assert.equal(second.published, false);
    assert.equal(second.due_later, true);
  });

  it('a row that keeps failing does not block the rows behind it', async () => {
    const queue = `test.unblocked.${suffix}`;
    const broker = brokerWith([{ queue, events: ['user.registered'] }]);
    // One row per pass: the failing row is claimed first (it is older), then the next pass must reach the later one.
    const relay = new OutboxRelay(orm, broker, log, { batchSize: 1, retryBaseMs: 60_000 });
    await broker.publisher().waitForConnect();
    const stuck = await write('order.confirmed', orderConfirmed());
    const later = await write('user.registered', userRegistered());

    assert.equal(await relay.publishBatch(), 0, 'the older row fails');
    assert.equal(await relay.publishBatch(), 1, 'the later row goes out on the next pass');
    assert.equal((await outboxRow(later)).published, true);
    assert.equal(await messagesIn(broker, queue), 1);
    const failing = await outboxRow(stuck);
    assert.equal(failing.published, false);
    assert.equal(failing.attempts, 1);

    // And within one batch: a returned row is skipped, the rows after it still go out.
    const relayAll = new OutboxRelay(orm, broker, log, { retryBaseMs: 1 });
    await sql(`update outbox set next_attempt_at = now() where id = ?`, [stuck]);
    const [a, b] = [await write('order.confirmed', orderConfirmed()), await write('user.registered', userRegistered())];
    assert.equal(await relayAll.publishBatch(), 1);
    assert.equal((await outboxRow(b)).published, true);
    assert.equal((await outboxRow(a)).published, false);
    assert.equal((await outboxRow(stuck)).attempts, 2);
  });

  it('prunes old published outbox rows and old inbox rows only, in batches', async () => {
    const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
    const insertOutbox = async (createdHoursAgo: number, publishedHoursAgo: number | null) => {
      const id = randomUUID();
      await sql(`insert into outbox (id, type, envelope, created_at, published_at) values (?, 'user.registered', '{}', ?, ?)`, [
        id,
        at(createdHoursAgo),
        publishedHoursAgo === null ? null : at(publishedHoursAgo),
      ]);
      return id;
    };
    const insertInbox = async (hoursAgo: number) => {
      const id = randomUUID();
      await sql(`insert into inbox (consumer, event_id, type, processed_at) values ('c', ?, 'user.registered', ?)`, [id, at(hoursAgo)]);
      return id;
    };
    const oldPublished = await Promise.all([1, 2, 3].map(() => insertOutbox(100, 80)));
    const recentPublished = await insertOutbox(2, 1);
    const oldUnpublished = await insertOutbox(500, null);
    const oldInbox = await Promise.all([1, 2].map(() => insertInbox(200)));
    const recentInbox = await insertInbox(100);

    const housekeeping = new Housekeeping(orm, log, { outboxRetentionHours: 72, inboxRetentionHours: 168, batchSize: 2 });
    assert.equal(await housekeeping.prune(), 2, 'a full batch');
    assert.equal(await housekeeping.prune(), 1);
    assert.equal(await housekeeping.prune(), 0);

    const outboxLeft = (await sql<{ id: string }>('select id from outbox')).map((r) => r.id).sort();
    assert.deepEqual(outboxLeft, [recentPublished, oldUnpublished].sort());
    assert.ok(oldPublished.every((id) => !outboxLeft.includes(id)));
    const inboxLeft = (await sql<{ event_id: string }>('select event_id from inbox')).map((r) => r.event_id);
    assert.deepEqual(inboxLeft, [recentInbox]);
    assert.ok(oldInbox.every((id) => !inboxLeft.includes(id)));
  });
});
