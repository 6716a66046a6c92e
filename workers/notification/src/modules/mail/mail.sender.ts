import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { OutgoingSender, type ClaimedMessage } from '../outgoing.sender.js';
import type { MailTransport } from './mail.transport.js';

interface ClaimedMail extends ClaimedMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends queued mails through the transport, at most once each (see OutgoingSender). */
export class MailSender extends OutgoingSender<ClaimedMail> {
  constructor(orm: MikroORM, transport: MailTransport, log: Logger, maxAttempts: number) {
    super(
      orm,
      {
        table: 'mails',
        columns: ['to', 'subject', 'text'],
        noun: 'mail',
        deliver: (mail) =>
          transport.send({
            id: mail.id,
            kind: mail.kind,
            to: mail.to,
            subject: mail.subject,
            text: mail.text,
            correlationId: mail.correlation_id,
          }),
      },
      log,
      maxAttempts,
    );
  }
}
