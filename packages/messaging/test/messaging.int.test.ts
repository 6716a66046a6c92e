import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MikroORM, type SqlEntityManager } from '@mikro-orm/postgresql';
import { createLogger } from '@shop/kit';
import { dropDatabases, startTcpProxy, testDatabaseUrl, waitFor } from '@shop/kit/testing';
import {
  Broker,
  listDeadLetters,
  messagingEntities,
  OutboxMessage,
  OutboxRelay,
  recordEvent,
  replayDeadLetters,
  startConsumer,
  type Outcome,
  type RunningConsumer,
} from '../src/index.js';
import { removeExchange } from '../src/testing/index.js';

const RABBITMQ = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const log = createLogger('messaging-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const suffix = randomBytes(4).toString('hex');
const exchange = `test.events.${suffix}`;

const registered = (i: number) => ({ userId: randomUUID(), email: `u${i}@example.com`, name: `User ${i}` });

describe('outbox, relay, inbox consumer (real RabbitMQ and Postgres)', () => {
  const databaseUrl = testDatabaseUrl('messaging');
  let orm: MikroORM;
  let broker: Broker;
  let relay: OutboxRelay;
  let consumer: RunningConsumer;
  const failuresToInject = new Map<string, number>();
  const outcomes: Array<[Outcome, string | undefined]> = [];
  const consumerName = `test-consumer-${suffix}`;

  const effects = async () =>
    (
      await orm.em
        .fork()
        .getConnection()
        .execute<Array<{ event_id: string; n: string }>>('select event_id, count(*) as n from effects group by event_id')
    ).map((r) => [r.event_id, Number(r.n)] as const);

  before(async () => {
    orm = await MikroORM.init({ clientUrl: databaseUrl, entities: messagingEntities, allowGlobalContext: false, ensureDatabase: true });
    await orm.schema.createSchema();
    await orm.em.getConnection().execute('create table effects (event_id uuid not null, email text not null)');
    broker = new Broker({ url: RABBITMQ, exchange, log });
    relay = new OutboxRelay(orm, broker, log, { intervalMs: 50 });
    relay.start();
    consumer = await startConsumer({
      name: consumerName,
      events: ['user.registered'],
      orm,
      broker,
      log,
      maxAttempts: 3,
      backoffMs: () => 100,
      handle: async (event, em: SqlEntityManager) => {
        if (event.type !== 'user.registered') return;
        await em.execute('insert into effects (event_id, email) values (?, ?)', [event.id, event.data.email]);
        const left = failuresToInject.get(event.data.email) ?? 0;
        if (left > 0) {
          failuresToInject.set(event.data.email, left - 1);
          throw new Error(`injected failure for ${event.data.email}`);
        }
      },
    });
    consumer.onOutcome((outcome, event) => outcomes.push([outcome, event.id]));
  });

  after(async () => {
    await relay?.stop();
    await consumer?.close();
    await broker?.connection
      .createChannel({
        setup: async (channel: import('amqplib').Channel) => {
          for (const queue of [consumerName, `${consumerName}.retry`, `${consumerName}.dlq`]) await channel.deleteQueue(queue);
          await channel.deleteExchange(exchange);
        },
      })
      .waitForConnect();
    await broker?.close();
    await orm?.close();
    await dropDatabases([databaseUrl]);
  });

  it('publishes committed events once each; a rolled-back transaction publishes nothing', async () => {
    const em = orm.em.fork() as SqlEntityManager;
    const ids = await em.transactional(async (tx) =>
      Array.from({ length: 50 }, (_, i) => recordEvent(tx, 'user.registered', registered(i), 'corr-1').id),
    );
    await em
      .transactional(async (tx) => {
        recordEvent(tx, 'user.registered', registered(999), 'corr-rollback');
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await waitFor(async () => (await effects()).length >= 50, '50 effects', 20_000);
    const applied = await effects();
    assert.deepEqual(applied.map(([id]) => id).sort(), [...ids].sort());
    assert.ok(applied.every(([, n]) => n === 1));
    assert.equal(await orm.em.fork().count(OutboxMessage, { publishedAt: null }), 0);
    assert.equal(await orm.em.fork().count(OutboxMessage, {}), 50);
  });

  it('absorbs a duplicated delivery', async () => {
    const envelope = {
      id: randomUUID(),
      type: 'user.registered',
      occurredAt: new Date().toISOString(),
      correlationId: 'dup',
      data: registered(1000),
    };
    const channel = broker.publisher();
    for (let i = 0; i < 3; i += 1)
      await channel.publish(exchange, 'user.registered', Buffer.from(JSON.stringify(envelope)), { persistent: true });
    await waitFor(() => outcomes.filter(([, id]) => id === envelope.id).length === 3, 'three deliveries', 10_000);
    assert.deepEqual(
      outcomes
        .filter(([, id]) => id === envelope.id)
        .map(([o]) => o)
        .sort(),
      ['applied', 'duplicate', 'duplicate'],
    );
    assert.equal((await effects()).find(([id]) => id === envelope.id)?.[1], 1);
  });

  it('retries a failing handler with backoff; its failed attempts leave no effect', async () => {
    const data = registered(2000);
    failuresToInject.set(data.email, 2);
    const id = await (orm.em.fork() as SqlEntityManager).transactional(async (tx) => recordEvent(tx, 'user.registered', data, 'retry').id);
    await waitFor(() => outcomes.some(([o, e]) => o === 'applied' && e === id), 'applied after retries', 10_000);
    assert.deepEqual(
      outcomes.filter(([, e]) => e === id).map(([o]) => o),
      ['retry', 'retry', 'applied'],
    );
    assert.equal((await effects()).find(([e]) => e === id)?.[1], 1);
  });

  it('dead-letters poison at once and exhausted messages after the last attempt; replay re-queues them', async () => {
    const channel = broker.publisher();
    await channel.publish(exchange, 'user.registered', Buffer.from('{"not":"an envelope"}'), { persistent: true, messageId: 'poison-1' });
    const data = registered(3000);
    failuresToInject.set(data.email, 3);
    const id = await (orm.em.fork() as SqlEntityManager).transactional(
      async (tx) => recordEvent(tx, 'user.registered', data, 'exhaust').id,
    );
    await waitFor(() => outcomes.filter(([o]) => o === 'dead').length >= 2, 'two dead letters', 10_000);
    const { count, letters } = await listDeadLetters(broker, consumerName);
    assert.equal(count, 2);
    assert.ok(letters.some((l) => l.messageId === 'poison-1' && /contract/.test(l.reason ?? '')));
    assert.ok(letters.some((l) => l.messageId === id && l.attempts === 3 && /injected failure/.test(l.reason ?? '')));
    assert.equal((await listDeadLetters(broker, consumerName)).count, 2, 'listing leaves them in place');

    // The cause is fixed (no more injected failures): replay delivers the good one; the poison dead-letters again.
    assert.equal(await replayDeadLetters(broker, consumerName), 2);
    await waitFor(() => outcomes.some(([o, e]) => o === 'applied' && e === id), 'replayed event applied', 10_000);
    assert.equal((await effects()).find(([e]) => e === id)?.[1], 1);
    await waitFor(async () => (await listDeadLetters(broker, consumerName)).count === 1, 'poison back in the DLQ', 10_000);
  });
});

describe('outbox relay while the broker is unreachable', () => {
  const databaseUrl = testDatabaseUrl('messaging');
  let orm: MikroORM;

  before(async () => {
    orm = await MikroORM.init({ clientUrl: databaseUrl, entities: messagingEntities, allowGlobalContext: false, ensureDatabase: true });
    await orm.schema.createSchema();
    await orm.em.getConnection().execute('create table effects (event_id uuid not null, email text not null)');
  });
  after(async () => {
    await orm?.close();
    await dropDatabases([databaseUrl]);
  });

  it('keeps events while cut off and, after reconnecting, delivers every one and applies each exactly once', async () => {
    const proxy = await startTcpProxy(5672);
    const cutExchange = `${exchange}.cut`;
    const cutConsumerName = `test-consumer-${suffix}-cut`;
    const broker = new Broker({ url: `amqp://guest:guest@127.0.0.1:${proxy.port}`, exchange: cutExchange, log });
    const direct = new Broker({ url: RABBITMQ, exchange: cutExchange, log });
    // A publish whose confirm was lost in the cut is sent again (at least once); the inbox must absorb the twin.
    const cutConsumer = await startConsumer({
      name: cutConsumerName,
      events: ['user.registered'],
      orm,
      broker: direct,
      log,
      handle: async (event, em: SqlEntityManager) => {
        if (event.type !== 'user.registered') return;
        await em.execute('insert into effects (event_id, email) values (?, ?)', [event.id, event.data.email]);
      },
    });
    const handled = new Map<string, Outcome[]>();
    cutConsumer.onOutcome((outcome, event) => event.id && handled.set(event.id, [...(handled.get(event.id) ?? []), outcome]));
    const seen = new Map<string, number>();
    const tap = direct.connection.createChannel({
      setup: async (channel: import('amqplib').Channel) => {
        await channel.assertExchange(cutExchange, 'topic', { durable: true });
        const { queue } = await channel.assertQueue('', { exclusive: true });
        await channel.bindQueue(queue, cutExchange, '#');
        await channel.consume(
          queue,
          (m) => m && seen.set(m.properties.messageId as string, (seen.get(m.properties.messageId as string) ?? 0) + 1),
          { noAck: true },
        );
      },
    });
    await tap.waitForConnect();
    const relay = new OutboxRelay(orm, broker, log, { intervalMs: 50, publishTimeoutMs: 1000 });
    relay.start();
    const write = (n: number, from: number) =>
      (orm.em.fork() as SqlEntityManager).transactional(async (tx) =>
        Array.from({ length: n }, (_, i) => recordEvent(tx, 'user.registered', registered(from + i), 'cut').id),
      );
    try {
      const before = await write(20, 0);
      await waitFor(() => before.every((id) => seen.has(id)), 'events before the cut', 10_000);
      await waitFor(
        async () => (await orm.em.fork().count(OutboxMessage, { publishedAt: null })) === 0,
        'the first events confirmed',
        10_000,
      );
      proxy.cut();
      await waitFor(() => !broker.isConnected(), "the relay's broker connection to drop", 15_000);
      const during = await write(100, 100);
      const pending = await orm.em.fork().count(OutboxMessage, { publishedAt: null });
      assert.equal(pending, during.length, 'events wait in the outbox while the broker is unreachable');
      const cutAt = Date.now();
      proxy.restore();
      await waitFor(async () => (await orm.em.fork().count(OutboxMessage, { publishedAt: null })) === 0, 'outbox drained', 30_000);
      await waitFor(() => [...before, ...during].every((id) => seen.has(id)), 'every event delivered', 10_000);
      const recovery = Date.now() - cutAt;
      const all = [...before, ...during];
      const copies = () => all.reduce((sum, id) => sum + seen.get(id)!, 0);
      // Idle: the consumer has reported an outcome for every copy the broker routed (the tap gets the same copies).
      await waitFor(
        () => all.reduce((sum, id) => sum + (handled.get(id)?.length ?? 0), 0) === copies(),
        'an outcome for every delivered copy',
        20_000,
      );
      const deliveries = copies();
      for (const id of all) {
        const outcomes = handled.get(id)!;
        assert.deepEqual(
          outcomes.filter((o) => o !== 'duplicate'),
          ['applied'],
          `${id}: ${outcomes.join(', ')}`,
        );
        assert.equal(outcomes.length, seen.get(id), `${id}: one outcome per delivered copy`);
      }
      const applied = await orm.em
        .fork()
        .getConnection()
        .execute<Array<{ event_id: string; n: string }>>('select event_id, count(*) as n from effects group by event_id');
      assert.deepEqual(applied.map((r) => r.event_id).sort(), [...all].sort());
      assert.ok(
        applied.every((r) => Number(r.n) === 1),
        'each event applied exactly once',
      );
      const duplicates = deliveries - all.length;
      console.log(
        `broker cut: ${pending} events waited in the outbox; all ${before.length + during.length} delivered ${recovery} ms after reconnecting; ${duplicates} duplicate publishes (absorbed by inboxes)`,
      );
    } finally {
      await relay.stop();
      await cutConsumer.close();
      await tap.close();
      await removeExchange(RABBITMQ, cutExchange, [cutConsumerName]);
      await direct.close();
      await broker.close();
      await proxy.close();
    }
  });
});
