import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MikroORM, type SqlEntityManager } from '@mikro-orm/postgresql';
import { createLogger, Registry } from '@shop/kit';
import { dropDatabases, startTcpProxy, testDatabaseUrl, waitFor } from '@shop/kit/testing';
import { Broker, messagingEntities, messagingMetrics, OutboxRelay, recordEvent } from '../src/index.js';
import { removeExchange } from '../src/testing/index.js';

const RABBITMQ = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const log = createLogger('messaging-metrics-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const suffix = randomBytes(4).toString('hex');
const exchange = `test.events.${suffix}`;
const queue = `test-metrics-${suffix}`;

const value = async (registry: Registry, name: string, labels: Record<string, string> = {}) => {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
};

describe('messagingMetrics (real Postgres and RabbitMQ)', () => {
  const databaseUrl = testDatabaseUrl('messagingmetrics');
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let orm: MikroORM;
  let broker: Broker;
  let relay: OutboxRelay;
  const registry = new Registry();

  before(async () => {
    const setup = await MikroORM.init({
      clientUrl: databaseUrl,
      entities: messagingEntities,
      allowGlobalContext: false,
      ensureDatabase: true,
    });
    await setup.schema.createSchema();
    await setup.close();
    // Through a proxy, so the database can be cut off under the service.
    proxy = await startTcpProxy(5432);
    const url = new URL(databaseUrl);
    url.port = String(proxy.port);
    orm = await MikroORM.init({ clientUrl: url.toString(), entities: messagingEntities, allowGlobalContext: false });
    broker = new Broker({ url: RABBITMQ, exchange, log, topology: [{ queue, events: ['user.registered'] }] });
    await broker.publisher().waitForConnect();
    relay = new OutboxRelay(orm, broker, log);
    messagingMetrics(registry, { orm, broker, relay, queueCacheMs: 0, outboxCacheMs: 0 });
  });
  after(async () => {
    await broker?.close();
    await orm?.close();
    await proxy?.close();
    await removeExchange(RABBITMQ, exchange, [queue]).catch(() => undefined);
    await dropDatabases([databaseUrl]);
  });

  it('counts the backlog, then the published event by type, and the message waiting in its queue', async () => {
    const data = { userId: '6f1c1c0e-8a7b-4a55-9d5e-2f1f6b0e9a01', email: 'metrics@example.com', name: 'Metrics' };
    await (orm.em.fork() as SqlEntityManager).transactional(async (tx) => void recordEvent(tx, 'user.registered', data, 'metrics'));
    assert.equal(await value(registry, 'messaging_outbox_backlog'), 1);
    assert.ok(((await value(registry, 'messaging_outbox_oldest_age_seconds')) ?? -1) >= 0);
    assert.equal(await relay.publishBatch(), 1);
    assert.equal(await value(registry, 'messaging_events_published_total', { type: 'user.registered' }), 1);
    // Nothing is reused between scrapes here: this one reads the outbox again and sees the row published.
    assert.equal(await value(registry, 'messaging_outbox_backlog'), 0);
    assert.equal(await value(registry, 'messaging_queue_depth', { queue, kind: 'main' }), 1);
    assert.equal(await value(registry, 'messaging_queue_depth', { queue, kind: 'retry' }), 0);
    assert.equal(await value(registry, 'messaging_queue_depth', { queue, kind: 'dead' }), 0);
  });

  it('a database cut off does not fail or stall the scrape: the backlog keeps its last value until it answers again', async () => {
    const data = { userId: '0b9d6f43-5d8e-4c1e-9a3c-0f6f1a7c2b11', email: 'metrics-cut@example.com', name: 'Cut' };
    await (orm.em.fork() as SqlEntityManager).transactional(async (tx) => void recordEvent(tx, 'user.registered', data, 'metrics'));
    proxy.cut();
    const started = Date.now();
    const text = await registry.metrics();
    assert.ok(Date.now() - started < 2500, `scrape took ${Date.now() - started} ms`);
    // A read would have counted the new row: the 0 is the last value kept while the database does not answer.
    assert.match(text, /^messaging_outbox_backlog 0$/m);
    assert.match(text, /^messaging_queue_depth\{queue="[^"]+",kind="main"\} 1$/m);
    proxy.restore();
    await waitFor(async () => (await value(registry, 'messaging_outbox_backlog')) === 1, 'the backlog read to count the new row');
  });
});
