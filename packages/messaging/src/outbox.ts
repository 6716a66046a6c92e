import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { injectTraceContext, markSpan } from '@shop/kit';
import { eventContracts, type EventData, type EventEnvelope, type EventType } from './contracts.js';
import { OutboxMessage } from './entities.js';

/**
 * Queues an event in the caller's unit of work: it commits (or rolls back) with the state change it announces.
 * The data is checked against the contract here, so a bad event fails the write instead of reaching consumers.
 */
export function recordEvent<T extends EventType>(em: EntityManager, type: T, data: EventData<T>, correlationId: string): EventEnvelope<T> {
  const parsed = eventContracts[type].parse(data) as EventData<T>;
  const envelope: EventEnvelope<T> = { id: randomUUID(), type, occurredAt: new Date().toISOString(), correlationId, data: parsed };
  // A point in the trace of the change: the relay's publish, and every consumer after it, continue from here.
  const recorded = markSpan(`record ${type}`, {
    kind: 'producer',
    attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': type, 'messaging.message.id': envelope.id },
  });
  const traceContext = injectTraceContext(recorded);
  em.persist(
    em.create(OutboxMessage, {
      id: envelope.id,
      type,
      envelope: envelope as unknown as Record<string, unknown>,
      traceContext: traceContext.traceparent ? traceContext : null,
    }),
  );
  return envelope;
}
