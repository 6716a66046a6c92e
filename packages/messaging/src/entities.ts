import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** An event written in the same transaction as the change it announces; the relay publishes it afterwards. */
@Entity({ tableName: 'outbox' })
// Partial: the relay only ever scans unpublished rows that are due, however large the table grows.
@Index({
  name: 'outbox_due_index',
  expression: 'create index "outbox_due_index" on "outbox" ("next_attempt_at", "created_at") where "published_at" is null',
})
export class OutboxMessage {
  [OptionalProps]?: 'createdAt' | 'publishedAt' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'traceContext';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'string', length: 100 })
  type!: string;

  /** The whole envelope, exactly as it will be published. */
  @Property({ type: 'json' })
  envelope!: Record<string, unknown>;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  publishedAt: Date | null = null;

  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  /** The relay leaves the row alone until then: now at first, later after each failed attempt (backoff). */
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  nextAttemptAt: Date = new Date();

  /**
   * The W3C trace context (`traceparent`, `tracestate`) of the change that recorded the event, so its trace goes on
   * when the relay publishes it, however much later (a broker outage). Null when tracing is off.
   */
  @Property({ type: 'json', nullable: true })
  traceContext: Record<string, string> | null = null;
}

/** One row per event a consumer has applied; inserted in the same transaction as the effect. */
@Entity({ tableName: 'inbox' })
export class InboxMessage {
  [OptionalProps]?: 'processedAt';

  @PrimaryKey({ type: 'string', length: 100 })
  consumer!: string;

  @PrimaryKey({ type: 'uuid' })
  eventId!: string;

  @Property({ type: 'string', length: 100 })
  type!: string;

  @Property({ type: 'datetime' })
  processedAt: Date = new Date();
}

export const messagingEntities = [OutboxMessage, InboxMessage];
