import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ConfirmChannel } from 'amqplib';
import { pino, type Logger } from 'pino';
import { waitFor } from '@shop/kit/testing';
import { CONSUMED_EVENTS, queueNames } from '../topology.js';
import { Broker } from '../broker.js';
import type { Outcome, OutcomeDetail, RunningConsumer } from '../consumer.js';
import { parseEvent, type EventData, type EventType, type ParsedEvent } from '../contracts.js';
import { deleteTopology } from '../dead-letters.js';
import { OutboxMessage } from '../entities.js';

const silentLogger = pino({ level: 'silent' });

// A tap's own marker (see `flush`); taps ignore each other's, consumers never see one (no queue binds its key).
const TAP_MARKER = 'test.tap-marker';

/** Collects every event that crosses the exchange (an exclusive, auto-deleted queue). */
export async function tapEvents(
  broker: Broker,
): Promise<{ events: ParsedEvent[]; flush(timeoutMs?: number): Promise<void>; close(): Promise<void> }> {
  const events: ParsedEvent[] = [];
  const markers = new Map<string, () => void>();
  const channel = broker.connection.createChannel({
    setup: async (raw: ConfirmChannel) => {
      await raw.assertExchange(broker.exchange, 'topic', { durable: true });
      const { queue } = await raw.assertQueue('', { exclusive: true, autoDelete: true });
      await raw.bindQueue(queue, broker.exchange, '#');
      await raw.consume(
        queue,
        (message) => {
          if (!message) return;
          if (message.properties.type === TAP_MARKER) markers.get(String(message.properties.messageId))?.();
          else events.push(parseEvent(message.content));
        },
        { noAck: true },
      );
    },
  });
  await channel.waitForConnect();
  return {
    events,
    /**
     * Resolves once the tap has collected every event the broker had accepted before the call: a marker published
     * now queues behind them, and one queue delivers in order. An event confirmed to its publisher (an outbox row
     * marked published) is among them; one still on its way is not, so first wait for the publisher to be idle.
     */
    async flush(timeoutMs = 10_000) {
      const id = randomUUID();
      let timer: NodeJS.Timeout | undefined;
      const arrived = new Promise<void>((resolve, reject) => {
        markers.set(id, resolve);
        timer = setTimeout(() => reject(new Error('timed out waiting for the tap to collect what was published')), timeoutMs);
      });
      try {
        await channel.publish(broker.exchange, TAP_MARKER, Buffer.from('{}'), { messageId: id, type: TAP_MARKER });
        await arrived;
      } finally {
        clearTimeout(timer);
        markers.delete(id);
      }
    },
    close: () => channel.close(),
  };
}

/**
 * Waits until the outbox behind `orm` has no unsent row: the relay has published everything written so far, each
 * with the broker's confirm. A row the broker keeps refusing never counts as sent, so this times out instead.
 */
export async function outboxDrained(orm: MikroORM, timeoutMs = 10_000): Promise<void> {
  await waitFor(
    async () => (await orm.em.fork().count(OutboxMessage, { publishedAt: null })) === 0,
    'the outbox relay to publish every row',
    timeoutMs,
  );
}

export interface RecordedOutcome {
  outcome: Outcome;
  id?: string;
  type?: string;
  detail: OutcomeDetail;
}

/** Records every delivery outcome of a consumer, so a test waits for what the consumer did instead of for time. */
export function recordOutcomes(consumer: Pick<RunningConsumer, 'onOutcome'>) {
  const all: RecordedOutcome[] = [];
  consumer.onOutcome((outcome, event, detail) => void all.push({ outcome, id: event.id, type: event.type, detail }));
  const of = (id: string) => all.filter((o) => o.id === id).map((o) => o.outcome);
  // A retried delivery comes back; the others are final.
  const final = (id: string) => of(id).filter((o) => o !== 'retry');
  return {
    all,
    /** The outcomes of event `id`'s deliveries, in the order they were settled. */
    of,
    /** The final outcomes (applied, duplicate, dead) of event `id`'s deliveries. */
    final,
    /** Waits until `deliveries` deliveries of event `id` have a final outcome: none of them is still in flight. */
    settled: (id: string, deliveries: number, timeoutMs?: number) =>
      waitFor(() => final(id).length >= deliveries, `${deliveries} final outcome(s) for event ${id}`, timeoutMs),
  };
}

/** A broker connection plus a tap on `exchange`, and one `close()` that also deletes the exchange (tests). */
export async function tapExchange(url: string, exchange: string, log: Logger) {
  const broker = new Broker({ url, exchange, log });
  const tap = await tapEvents(broker);
  return {
    broker,
    events: tap.events,
    flush: tap.flush,
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

/** Whether the named consumers' queues, main and retry, hold no ready message right now. */
async function queuesHoldNothing(channel: Pick<ConfirmChannel, 'checkQueue'>, consumers: string[]): Promise<boolean> {
  for (const queue of consumers.flatMap((name) => [queueNames(name).main, queueNames(name).retry])) {
    if ((await channel.checkQueue(queue)).messageCount > 0) return false;
  }
  return true;
}

/** Whether the named consumers' queues (main and retry) hold no message, polled until `timeoutMs`. */
export async function queuesEmpty(url: string, exchange: string, consumers: string[], timeoutMs: number): Promise<boolean> {
  const broker = new Broker({ url, exchange, log: silentLogger });
  try {
    const channel = broker.connection.createChannel();
    await channel.waitForConnect();
    try {
      return await waitFor(() => queuesHoldNothing(channel, consumers), 'the queues to be empty', timeoutMs).then(
        () => true,
        () => false,
      );
    } finally {
      await channel.close();
    }
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
  const envelope = {
    id,
    type,
    occurredAt: new Date().toISOString(),
    correlationId: options.correlationId ?? `test-${id.slice(0, 8)}`,
    data,
  };
  await broker.publisher().publish(broker.exchange, type, Buffer.from(JSON.stringify(envelope)), { persistent: true, messageId: id });
  return id;
}

export interface QuietParts {
  /** Every database with an outbox. */
  orms: MikroORM[];
  consumers: Array<Pick<RunningConsumer, 'inFlight'>>;
  /** A broker on the system's exchange, and the consumer queues (main names) to look into. */
  broker: Broker;
  queues: string[];
  /** Anything else that must be done (mails sent, ...). */
  also?: () => Promise<boolean>;
}

/**
 * Waits until the system has nothing left to do, seen twice in a row: every outbox published, every consumer queue
 * (main and retry) empty, no delivery in a consumer's hands. Only then is "exactly once" a count that cannot grow.
 */
export async function systemQuiet(parts: QuietParts, timeoutMs = 30_000): Promise<void> {
  const channel = parts.broker.connection.createChannel();
  try {
    await channel.waitForConnect();
    const quiet = async () => {
      if (parts.consumers.some((c) => c.inFlight > 0)) return false;
      for (const orm of parts.orms) if ((await orm.em.fork().count(OutboxMessage, { publishedAt: null })) > 0) return false;
      if (!(await queuesHoldNothing(channel, parts.queues))) return false;
      if (parts.consumers.some((c) => c.inFlight > 0)) return false;
      return parts.also ? parts.also() : true;
    };
    let streak = 0;
    await waitFor(
      async () => {
        streak = (await quiet()) ? streak + 1 : 0;
        return streak >= 2;
      },
      'the system to be quiet (outboxes published, queues empty, no delivery in progress)',
      timeoutMs,
    );
  } finally {
    await channel.close();
  }
}
