import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { EventEnvelope, EventType, ParsedEvent } from './contracts.js';
import type { AfterCommit, ConsumerOptions } from './consumer.js';
import { CONSUMED_EVENTS, type SystemConsumer } from './topology.js';

/** Applies one event type inside the consumer's inbox transaction (see `ConsumerOptions.handle`). */
export type EventHandler<T extends EventType> = (event: EventEnvelope<T>, em: SqlEntityManager, log: Logger) => Promise<void | AfterCommit>;

/** One handler for each event the consumer is bound to in CONSUMED_EVENTS: no more, no fewer (checked by the compiler). */
export type HandlersOf<C extends SystemConsumer> = { [T in (typeof CONSUMED_EVENTS)[C][number]]: EventHandler<T> };

/**
 * A system consumer's events and its dispatch, from one map of event type to handler: what a service does when X
 * happens has one answer, in one place per service. An event the map has no handler for is a binding that
 * should not exist, so it throws (and is retried, then dead-lettered, like any bug).
 */
export function consumerHandlers<C extends SystemConsumer>(
  consumer: C,
  handlers: HandlersOf<C>,
): Pick<ConsumerOptions, 'events' | 'handle'> {
  const table = handlers as unknown as Partial<Record<EventType, EventHandler<EventType>>>;
  return {
    events: [...CONSUMED_EVENTS[consumer]],
    handle: (event: ParsedEvent, em, log) => {
      const handler = table[event.type];
      if (!handler) throw new Error(`the ${consumer} consumer has no handler for ${event.type}`);
      return handler(event as EventEnvelope, em, log);
    },
  };
}
