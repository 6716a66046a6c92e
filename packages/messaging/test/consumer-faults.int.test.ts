import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MikroORM, type SqlEntityManager } from '@mikro-orm/postgresql';
import { createLogger } from '@shop/kit';
import { dropDatabases, startTcpProxy, testDatabaseUrl, waitFor } from '@shop/kit/testing';
import {
  Broker,
  deleteTopology,
  listDeadLetters,
  messagingEntities,
  PermanentFailure,
  queueNames,
  startConsumer,
  type Outcome,
  type OutcomeDetail,
  type RunningConsumer,
} from '../src/index.js';

const RABBITMQ = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const log = createLogger('consumer-faults-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const suffix = randomBytes(4).toString('hex');
const exchange = `test.events.faults.${suffix}`;
const consumerName = `test-faults-${suffix}`;
const MAX_ATTEMPTS = 3;
/** Long enough that the old consumer (3 attempts, 100 ms apart) would have dead-lettered everything many times over. */
const OUTAGE_MS = 8_000;

describe('consumer while its database is unreachable (real RabbitMQ and Postgres)', () => {
  const databaseUrl = testDatabaseUrl('messaging');
  let direct: MikroORM;
  let viaProxy: MikroORM;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let broker: Broker;
  let consumer: RunningConsumer;
  const outcomes: Array<{ outcome: Outcome; id?: string; detail: OutcomeDetail }> = [];

  const publish = async (email: string, id: string = randomUUID()) => {
    const envelope = {
      id,
      type: 'user.registered',
      occurredAt: new Date().toISOString(),
      correlationId: `faults-${id.slice(0, 8)}`,
      data: { userId: randomUUID(), email, name: 'Faulty' },
    };
    await broker
      .publisher()
      .publish(exchange, 'user.registered', Buffer.from(JSON.stringify(envelope)), { persistent: true, messageId: id });
    return id;
  };
  const effectCounts = async () =>
    new Map(
      (
        await direct.em
          .fork()
          .getConnection()
          .execute<Array<{ event_id: string; n: string }>>('select event_id, count(*) as n from effects group by event_id')
      ).map((r) => [r.event_id, Number(r.n)]),
    );
  const of = (id: string) => outcomes.filter((o) => o.id === id);

  before(async () => {
    direct = await MikroORM.init({ clientUrl: databaseUrl, entities: messagingEntities, allowGlobalContext: false, ensureDatabase: true });
    await direct.schema.createSchema();
    await direct.em.getConnection().execute('create table effects (event_id uuid not null, email text not null)');
    proxy = await startTcpProxy(5432);
    const proxied = new URL(databaseUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    viaProxy = await MikroORM.init({ clientUrl: proxied.toString(), entities: messagingEntities, allowGlobalContext: false });
    broker = new Broker({ url: RABBITMQ, exchange, log });
    consumer = await startConsumer({
      name: consumerName,
      events: ['user.registered'],
      orm: viaProxy,
      broker,
      log,
      maxAttempts: MAX_ATTEMPTS,
      backoffMs: () => 100,
      transientBackoff: { baseMs: 100, capMs: 1_000 },
      handle: async (event, em: SqlEntityManager) => {
        if (event.type !== 'user.registered') return;
        await em.execute('insert into effects (event_id, email) values (?, ?)', [event.id, event.data.email]);
        if (event.data.email.startsWith('permanent')) throw new PermanentFailure('this user can never be welcomed');
        if (event.data.email.startsWith('bug')) throw new Error('an unexpected bug');
      },
    });
    consumer.onOutcome((outcome, event, detail) => outcomes.push({ outcome, id: event.id, detail }));
  });

  after(async () => {
    await consumer?.close();
    const q = queueNames(consumerName);
    await deleteTopology(broker, [q.main, q.retry, q.dead], exchange).catch(() => undefined);
    await broker?.close();
    await viaProxy?.close();
    await proxy?.close();
    await direct?.close();
    await dropDatabases([databaseUrl]);
  });

  it('caps its prefetch at the pool minus a reserve', () => {
    const poolMax = (viaProxy.config.get('pool') as { max?: number } | undefined)?.max ?? 10;
    assert.ok(consumer.prefetch <= poolMax - 2, `prefetch ${consumer.prefetch} with a pool of ${poolMax}`);
  });

  it('dead-letters nothing during an outage and applies every message once after it', async () => {
    const warmup = await publish('before@example.com');
    await waitFor(() => of(warmup).some((o) => o.outcome === 'applied'), 'a delivery before the cut');

    proxy.cut();
    const cutAt = Date.now();
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => publish(`during${i}@example.com`)));
    // The fault took effect: deliveries fail as infrastructure failures and the consumer paces itself down.
    await waitFor(
      () => outcomes.some((o) => o.outcome === 'retry' && o.detail.failure === 'transient') && consumer.degraded,
      'transient retries while the database is cut',
    );
    // The outage itself (not a wait for a condition): it has to outlast every attempt the old consumer had.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - cutAt))));
    const duringOutage = outcomes.filter((o) => ids.includes(o.id ?? ''));
    assert.ok(
      duringOutage.every((o) => o.outcome === 'retry' && o.detail.failure === 'transient'),
      JSON.stringify(duringOutage.filter((o) => o.outcome !== 'retry' || o.detail.failure !== 'transient').slice(0, 3)),
    );
    assert.ok(consumer.degraded, 'still paced down while the database is unreachable');
    // Paced: far fewer attempts than messages x backoff steps at full speed.
    const attempts = duringOutage.length;
    assert.ok(attempts < ids.length * MAX_ATTEMPTS, `${attempts} attempts in ${OUTAGE_MS} ms`);

    proxy.restore();
    await waitFor(
      async () => {
        const counts = await effectCounts();
        return ids.every((id) => counts.has(id));
      },
      'every message applied after the database came back',
      30_000,
    );
    await waitFor(() => !consumer.degraded, 'the consumer resumed');
    const counts = await effectCounts();
    assert.ok(
      ids.every((id) => counts.get(id) === 1),
      'each applied exactly once',
    );
    assert.equal(outcomes.filter((o) => o.outcome === 'dead').length, 0, 'nothing dead-lettered');
    assert.equal((await listDeadLetters(broker, consumerName)).count, 0);
    console.log(`database cut ${OUTAGE_MS} ms: ${attempts} paced attempts for ${ids.length} messages, 0 dead letters, all applied once`);
  });

  it('dead-letters a contract-breaking message and a PermanentFailure at once', async () => {
    await broker
      .publisher()
      .publish(exchange, 'user.registered', Buffer.from('{"not":"an envelope"}'), { persistent: true, messageId: `poison-${suffix}` });
    const permanent = await publish('permanent@example.com');
    await waitFor(() => of(permanent).length > 0 && of(`poison-${suffix}`).length > 0, 'both settled');
    assert.deepEqual(
      of(permanent).map((o) => [o.outcome, o.detail.failure, o.detail.why, o.detail.attempt]),
      [['dead', 'poison', 'permanent', 1]],
    );
    assert.deepEqual(
      of(`poison-${suffix}`).map((o) => [o.outcome, o.detail.failure, o.detail.why]),
      [['dead', 'poison', 'contract']],
    );
    const { letters } = await listDeadLetters(broker, consumerName);
    assert.match(letters.find((l) => l.messageId === permanent)?.reason ?? '', /^poison \(permanent\): this user can never be welcomed/);
    assert.match(letters.find((l) => l.messageId === `poison-${suffix}`)?.reason ?? '', /^contract:/);
    assert.equal((await effectCounts()).get(permanent), undefined, 'the failed attempt left no effect');
  });

  it('dead-letters an unknown error after maxAttempts', async () => {
    const bug = await publish('bug@example.com');
    await waitFor(() => of(bug).some((o) => o.outcome === 'dead'), 'dead-lettered after its attempts');
    assert.deepEqual(
      of(bug).map((o) => [o.outcome, o.detail.failure]),
      [
        ['retry', 'unknown'],
        ['retry', 'unknown'],
        ['dead', 'unknown'],
      ],
    );
    const letter = (await listDeadLetters(broker, consumerName)).letters.find((l) => l.messageId === bug);
    assert.equal(letter?.attempts, MAX_ATTEMPTS);
    assert.match(letter?.reason ?? '', /^unknown \(Error\): an unexpected bug/);
  });
});
