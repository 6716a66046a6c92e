import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { ParsedEvent } from '@shop/messaging';
import { Mail, Recipient, type MailKind } from './mail.entity.js';
import { cancellation, receipt, welcome, type Rendered } from './templates.js';

/** Runs inside the consumer's inbox transaction: everything it writes commits with the inbox row, or not at all. */
export async function handleNotificationEvent(event: ParsedEvent, em: SqlEntityManager): Promise<void> {
  switch (event.type) {
    case 'user.registered': {
      await em.upsert(Recipient, { userId: event.data.userId, email: event.data.email, name: event.data.name, updatedAt: new Date() });
      return queue(em, event, 'welcome', event.data.email, welcome(event.data.name));
    }
    case 'order.confirmed': {
      const recipient = await recipientOf(em, event.data.userId);
      return queue(em, event, 'receipt', recipient.email, receipt(recipient.name, event.data));
    }
    case 'order.cancelled': {
      const recipient = await recipientOf(em, event.data.userId);
      return queue(em, event, 'cancellation', recipient.email, cancellation(recipient.name, event.data));
    }
    default:
      return;
  }
}

async function recipientOf(em: SqlEntityManager, userId: string): Promise<Recipient> {
  const recipient = await em.findOne(Recipient, { userId });
  // Events of different types can arrive out of order: fail, so the consumer retries after user.registered lands.
  if (!recipient) throw new Error(`no recipient known yet for user ${userId}`);
  return recipient;
}

async function queue(em: SqlEntityManager, event: ParsedEvent, kind: MailKind, to: string, rendered: Rendered): Promise<void> {
  em.persist(em.create(Mail, { eventId: event.id, kind, to, correlationId: event.correlationId, ...rendered }));
  await em.flush();
}
