import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { ParsedEvent } from '@shop/messaging';
import { Mail, Recipient, type MailKind } from '../mail.entity.js';
import type { Rendered } from '../templates.js';

/** The user a mail goes to. Events of different types can arrive out of order: fail, so the consumer retries after user.registered lands. */
export async function recipientOf(em: SqlEntityManager, userId: string): Promise<Recipient> {
  const recipient = await em.findOne(Recipient, { userId });
  if (!recipient) throw new Error(`no recipient known yet for user ${userId}`);
  return recipient;
}

/** One mail per event and kind, written in the inbox transaction; the sender loop sends it after the commit. */
export async function queueMail(em: SqlEntityManager, event: ParsedEvent, kind: MailKind, to: string, rendered: Rendered): Promise<void> {
  em.persist(em.create(Mail, { eventId: event.id, kind, to, correlationId: event.correlationId, ...rendered }));
  await em.flush();
}
