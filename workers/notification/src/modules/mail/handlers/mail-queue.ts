import { LockMode } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { ParsedEvent } from '@shop/messaging';
import { Text, type TextKind } from '../../sms/text.entity.js';
import { Mail, Recipient, type MailKind } from '../mail.entity.js';
import type { Rendered } from '../templates.js';

/** The user a mail goes to. Events of different types can arrive out of order: fail, so the consumer retries after user.registered lands. */
export async function recipientOf(em: SqlEntityManager, userId: string, options: { forUpdate?: boolean } = {}): Promise<Recipient> {
  const recipient = await em.findOne(Recipient, { userId }, options.forUpdate ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (!recipient) throw new Error(`no recipient known yet for user ${userId}`);
  return recipient;
}

/** One mail per event and kind (and per `onceKey` when given), written in the inbox transaction; the sender loop sends it after the commit. */
export async function queueMail(
  em: SqlEntityManager,
  event: ParsedEvent,
  kind: MailKind,
  to: string,
  rendered: Rendered,
  onceKey: string | null = null,
): Promise<void> {
  if (onceKey && (await em.count(Mail, { onceKey }))) return;
  em.persist(em.create(Mail, { eventId: event.id, kind, to, correlationId: event.correlationId, onceKey, ...rendered }));
  await em.flush();
}

/**
 * The mail and the SMS an order event owes its owner, by their preferences as this worker knows them when the event
 * is handled: a mail unless they turned e-mail off, an SMS if they opted in and have a phone.
 */
export async function queueOrderNotice(
  em: SqlEntityManager,
  event: ParsedEvent,
  recipient: Recipient,
  kind: MailKind & TextKind,
  mail: Rendered,
  sms: string,
): Promise<void> {
  if (recipient.emailEnabled) await queueMail(em, event, kind, recipient.email, mail);
  if (recipient.smsEnabled && recipient.phone) {
    em.persist(em.create(Text, { eventId: event.id, kind, to: recipient.phone, text: sms, correlationId: event.correlationId }));
    await em.flush();
  }
}
