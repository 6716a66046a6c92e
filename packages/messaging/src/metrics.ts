import type { MikroORM, SqlEntityManager } from '@mikro-orm/postgresql';
import { BACKGROUND_SQL, Counter, Gauge, sharedMetric, type Registry } from '@shop/kit';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { Broker } from './broker.js';
import type { RunningConsumer } from './consumer.js';
import { EVENT_TYPES } from './contracts.js';
import type { OutboxRelay } from './relay.js';
import { queueNames } from './topology.js';

export interface MessagingMetricsOptions {
  orm: MikroORM;
  /** Queue depths of the whole system's topology, read from this broker. */
  broker?: Broker;
  consumer?: RunningConsumer;
  /** Published events, and the outbox backlog. */
  relay?: OutboxRelay;
  /** How long a read at scrape time may take (default 1 s); past it, the gauge keeps its last value. */
  readTimeoutMs?: number;
  /** How long a broker read is reused (default 5 s): every scrape of every service need not ask RabbitMQ. */
  queueCacheMs?: number;
  /** How long the outbox backlog read is reused (default 500 ms): the gauges of one scrape share it. */
  outboxCacheMs?: number;
}

const KNOWN_TYPES = new Set<string>(EVENT_TYPES);
// A malformed message may carry any type: only contract types become label values.
const typeLabel = (type: string | undefined) => (type && KNOWN_TYPES.has(type) ? type : 'unknown');

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * One read shared by every gauge that needs it and reused for `ttlMs`. A scrape waits at most `timeoutMs`; a read
 * still running then (a database whose pool waits a minute for a connection) is not started again until it ends.
 */
function cachedRead<T>(read: () => Promise<T>, ttlMs: number, timeoutMs: number, what: string): () => Promise<T | undefined> {
  let last: { at: number; value: Promise<T | undefined> } | undefined;
  let running = false;
  return () => {
    if (running || (last && Date.now() - last.at < ttlMs)) return last?.value ?? Promise.resolve(undefined);
    running = true;
    const work = read().finally(() => (running = false));
    last = { at: Date.now(), value: withTimeout(work, timeoutMs, what).catch(() => undefined) };
    return last.value;
  };
}

/**
 * A service's messaging metrics: events published by type, the outbox backlog and the age of its oldest unpublished
 * row, deliveries consumed by consumer, type and outcome, and the depth of every consumer's queues (main, retry,
 * dead). Gauges are read at scrape time; a database or broker that does not answer leaves them at their last value
 * and never fails the scrape.
 */
export function messagingMetrics(registry: Registry, options: MessagingMetricsOptions): void {
  const timeoutMs = options.readTimeoutMs ?? 1000;
  const { relay, consumer, broker } = options;
  if (relay) {
    const published = new Counter({
      name: 'messaging_events_published_total',
      help: 'Outbox events published to the broker (confirmed), by type',
      labelNames: ['type'],
      registers: [registry],
    });
    relay.onPublished((type) => published.inc({ type: typeLabel(type) }));
    const backlog = cachedRead(
      async () => {
        const em = options.orm.em.fork() as SqlEntityManager;
        const rows: Array<{ count: number; age: number | null }> = await em.execute(
          `${BACKGROUND_SQL} select count(*)::int as count, extract(epoch from now() - min(created_at))::float8 as age
         from outbox where published_at is null`,
        );
        return rows[0];
      },
      options.outboxCacheMs ?? 500,
      timeoutMs,
      'the outbox backlog read',
    );
    new Gauge({
      name: 'messaging_outbox_backlog',
      help: 'Outbox rows not yet published',
      registers: [registry],
      async collect() {
        const row = await backlog();
        if (row) this.set(row.count);
      },
    });
    new Gauge({
      name: 'messaging_outbox_oldest_age_seconds',
      help: 'Age of the oldest unpublished outbox row (0 when none)',
      registers: [registry],
      async collect() {
        const row = await backlog();
        if (row) this.set(Math.max(0, row.age ?? 0));
      },
    });
  }
  if (consumer) {
    const consumed = sharedMetric(
      registry,
      'messaging_consumed_total',
      () =>
        new Counter({
          name: 'messaging_consumed_total',
          help: 'Deliveries by consumer, event type and outcome (applied, duplicate, retry, dead)',
          labelNames: ['consumer', 'type', 'outcome'],
          registers: [registry],
        }),
    );
    consumer.onOutcome((outcome, event) => consumed.inc({ consumer: consumer.name, type: typeLabel(event.type), outcome }));
  }
  if (broker) queueDepthMetrics(registry, broker, timeoutMs, options.queueCacheMs ?? 5000);
}

function queueDepthMetrics(registry: Registry, broker: Broker, timeoutMs: number, cacheMs: number): void {
  let channel: ChannelWrapper | undefined;
  const depths = cachedRead(
    async () => {
      if (!broker.isConnected()) throw new Error('not connected to the broker');
      channel ??= broker.connection.createChannel({ confirm: false });
      const wrapper = channel;
      try {
        await withTimeout(wrapper.waitForConnect(), timeoutMs, 'the metrics channel');
        const reads = broker.topology.flatMap(({ queue }) =>
          Object.entries(queueNames(queue)).map(async ([kind, name]) => {
            const { messageCount } = await withTimeout(wrapper.checkQueue(name), timeoutMs, `checkQueue ${name}`);
            return { queue, kind, messageCount };
          }),
        );
        return await Promise.all(reads);
      } catch (error) {
        // A failed checkQueue closes the channel for good: start a fresh one next time.
        channel = undefined;
        await wrapper.close().catch(() => undefined);
        throw error;
      }
    },
    cacheMs,
    timeoutMs * 2,
    'the queue depth read',
  );
  new Gauge({
    name: 'messaging_queue_depth',
    help: 'Messages ready in each consumer queue (kind main, retry or dead), as the broker reports them',
    labelNames: ['queue', 'kind'],
    registers: [registry],
    async collect() {
      const read = await depths();
      for (const { queue, kind, messageCount } of read ?? []) this.set({ queue, kind }, messageCount);
    },
  });
}
