import { randomUUID } from 'node:crypto';
import { Entity, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';

export type MailKind = 'welcome' | 'receipt' | 'cancellation' | 'price_drop' | 'new_sale' | 'low_stock';
export type MailStatus = 'pending' | 'sending' | 'sent' | 'failed';

/**
 * A mail to send, claimed in the same transaction as the event's inbox row: one per (event, kind), or per once key
 * when it has one (a seller's new-sale mail: per order and seller), whatever the number of deliveries. The sender marks it `sending` before handing it to the transport, so a crash
 * in between leaves it unsent rather than sent twice (at most once, as promised).
 */
@Entity({ tableName: 'mails' })
@Index({
  name: 'mails_event_kind_unique',
  expression: 'create unique index "mails_event_kind_unique" on "mails" ("event_id", "kind") where "once_key" is null',
})
@Index({
  name: 'mails_pending_index',
  expression: 'create index "mails_pending_index" on "mails" ("next_attempt_at") where "status" = \'pending\'',
})
export class Mail {
  [OptionalProps]?: 'status' | 'attempts' | 'lastError' | 'createdAt' | 'nextAttemptAt' | 'sentAt' | 'onceKey';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  eventId!: string;

  @Property({ type: 'string', length: 20 })
  kind!: MailKind;

  /** For a mail owed once per fact rather than per event (a price drop: per user, product and new price). */
  @Unique({ name: 'mails_once_key_unique' })
  @Property({ type: 'string', length: 200, nullable: true })
  onceKey: string | null = null;

  @Property({ type: 'string', length: 254 })
  to!: string;

  @Property({ type: 'string', length: 300 })
  subject!: string;

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

/**
 * Who to write to and how, learned from user.registered, user.profile_updated and user.preferences_changed: this
 * worker needs no call to the user service. Each kind of change keeps the revision it came with, so one that arrives
 * after a newer one is ignored.
 */
@Entity({ tableName: 'recipients' })
export class Recipient {
  [OptionalProps]?: 'updatedAt' | 'phone' | 'emailEnabled' | 'smsEnabled' | 'profileRevision' | 'preferencesRevision';

  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'string', length: 254 })
  email!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  /** E.164; null: no SMS, whatever the preference. */
  @Property({ type: 'string', length: 16, nullable: true })
  phone: string | null = null;

  @Property({ type: 'boolean' })
  emailEnabled: boolean = true;

  @Property({ type: 'boolean' })
  smsEnabled: boolean = false;

  @Property({ type: 'integer' })
  profileRevision: number = 0;

  @Property({ type: 'integer' })
  preferencesRevision: number = 0;

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();
}
