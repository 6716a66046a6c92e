import { randomUUID } from 'node:crypto';
import type { ConfirmChannel } from 'amqplib';
import { pino, type Logger } from 'pino';
import { CONSUMED_EVENTS, queueNames } from '../topology.js';
import { Broker } from '../broker.js';
import { parseEvent, type EventData, type EventType, type ParsedEvent } from '../contracts.js';
import type { Outcome, RunningConsumer } from '../consumer.js';
import { deleteTopology } from '../dead-letters.js';

const silentLogger = pino({ level: 'silent' });

/** Collects every event that crosses the exchange (an exclusive, auto-deleted queue). */
export async function tapEvents(broker: Broker): Promise<{ events: ParsedEvent[]; close(): Promise<void> }> {
  const events: ParsedEvent[] = [];
  const channel = broker.connection.createChannel({
    setup: async (raw: ConfirmChannel) => {
      await raw.assertExchange(broker.exchange, 'topic', { durable: true });
      const { queue } = await raw.assertQueue('', { exclusive: true, autoDelete: true });
      await raw.bindQueue(queue, broker.exchange, '#');
      await raw.consume(queue, (message) => message && events.push(parseEvent(message.content)), { noAck: true });
    },
  });
  await channel.waitForConnect();
  return { events, close: () => channel.close() };
}

/** A broker connection plus a tap on `exchange`, and one `close()` that also deletes the exchange (tests). */
export async function tapExchange(url: string, exchange: string, log: Logger) {
  const broker = new Broker({ url, exchange, log });
  const tap = await tapEvents(broker);
  return {
    broker,
    events: tap.events,
    async close() {
      await tap.close();
      await removeExchange(url, exchange);
      await broker.close();
    },
  };
}

/** The consumer queues TEST_ENV names after its exchange (`<exchange>.order`, ...). */
const queuesNamedAfter = (exchange: string) => Object.keys(CONSUMED_EVENTS).map((consumer) => `${exchange}.${consumer}`);

/**
 * Deletes a test's events exchange (tests that only publish, through a service's relay, leave one behind) and
 * the queues (main, retry, dead letters) of the named consumers: by default those named after the exchange,
 * which every service under TEST_ENV declares.
 */
export async function removeExchange(url: string, exchange: string, consumers: string[] = queuesNamedAfter(exchange)): Promise<void> {
  const broker = new Broker({ url, exchange, log: silentLogger });
  try {
    // Best effort: a second clean-up of the same exchange, or one never declared, is not a failure.
    const queues = consumers.flatMap((name) => Object.values(queueNames(name)));
    await deleteTopology(broker, queues, exchange).catch(() => undefined);
  } finally {
    await broker.close();
  }
}

/** Publishes one event as a service's relay would (persistent, confirmed), under `id` if given; returns its id. */
export async function publishEvent<T extends EventType>(
  broker: Broker,
  type: T,
  data: EventData<T>,
  options: { id?: string; correlationId?: string } = {},
): Promise<string> {
  const id = options.id ?? randomUUID();
  const envelope = { id, type, occurredAt: new Date().toISOString(), correlationId: options.correlationId ?? `test-${id.slice(0, 8)}`, data };
  await broker.publisher().publish(broker.exchange, type, Buffer.from(JSON.stringify(envelope)), { persistent: true, messageId: id });
  return id;
}

/** Every outcome a consumer reports, by event id, and a wait for one (the consumer is then idle for that event). */
export function watchOutcomes(consumer: RunningConsumer) {
  const seen = new Map<string, Outcome[]>();
  const waiters = new Set<() => void>();
  consumer.onOutcome((outcome, event) => {
    if (!event.id) return;
    seen.set(event.id, [...(seen.get(event.id) ?? []), outcome]);
    waiters.forEach((wake) => wake());
  });
  return {
    seen,
    /** Resolves once `eventId` has had `outcome` (applied, by default) `times` times; rejects after `timeoutMs`. */
    until(eventId: string, outcome: Outcome = 'applied', { times = 1, timeoutMs = 10_000 } = {}): Promise<void> {
      const done = () => (seen.get(eventId) ?? []).filter((o) => o === outcome).length >= times;
      if (done()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`event ${eventId}: no ${outcome} x${times} within ${timeoutMs} ms (saw ${seen.get(eventId)?.join(', ') ?? 'nothing'})`));
        }, timeoutMs);
        const check = () => {
          if (!done()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
  };
}
