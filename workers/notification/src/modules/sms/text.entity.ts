import { randomUUID } from 'node:crypto';
import { Entity, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { MailStatus } from '../mail/mail.entity.js';

export type TextKind = 'receipt' | 'cancellation';

/**
 * An SMS to send, like a Mail: one per (event, kind), created in the event's inbox transaction, claimed `sending`
 * before the transport sees it, so it goes out at most once.
 */
@Entity({ tableName: 'texts' })
@Unique({ name: 'texts_event_kind_unique', properties: ['eventId', 'kind'] })
@Index({
  name: 'texts_pending_index',
  expression: 'create index "texts_pending_index" on "texts" ("next_attempt_at") where "status" = \'pending\'',
})
export class Text {
  [OptionalProps]?: 'status' | 'attempts' | 'lastError' | 'createdAt' | 'nextAttemptAt' | 'sentAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  eventId!: string;

  @Property({ type: 'string', length: 20 })
  kind!: TextKind;

  /** E.164. */
  @Property({ type: 'string', length: 16 })
  to!: string;

  @Property({ type: 'text' })
  text!: string;

  @Property({ type: 'string', length: 100 })
  correlationId!: string;

  @Property({ type: 'string', length: 10 })
  status: MailStatus = 'pending';

  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  nextAttemptAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  sentAt: Date | null = null;
}
