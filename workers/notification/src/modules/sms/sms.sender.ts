import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { OutgoingSender, type ClaimedMessage } from '../outgoing.sender.js';
import type { SmsTransport } from './sms.transport.js';

interface ClaimedText extends ClaimedMessage {
  to: string;
  text: string;
}

/** Sends queued texts through the SMS transport, at most once each (see OutgoingSender). */
export class SmsSender extends OutgoingSender<ClaimedText> {
  constructor(orm: MikroORM, transport: SmsTransport, log: Logger, maxAttempts: number) {
    super(
      orm,
      {
        table: 'texts',
        columns: ['to', 'text'],
        noun: 'sms',
        deliver: (sms) => transport.send({ id: sms.id, kind: sms.kind, to: sms.to, text: sms.text, correlationId: sms.correlation_id }),
      },
      log,
      maxAttempts,
    );
  }
}
