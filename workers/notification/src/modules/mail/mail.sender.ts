import type { MikroORM, SqlEntityManager } from '@mikro-orm/postgresql';
import { PollingLoop } from '@shop/kit';
import type { Logger } from 'pino';
import type { MailTransport } from './mail.transport.js';

interface ClaimedMail {
  id: string;
  kind: string;
  to: string;
  subject: string;
  text: string;
  correlation_id: string;
  attempts: number;
}

const BATCH = 20;

/**
 * Sends queued mails. Each is claimed (`sending`) and committed before the transport sees it: a crash after
 * that leaves it `sending` — reported, never sent twice. A transport error puts it back to `pending` with
 * backoff until `maxAttempts`, then `failed`.
 */
export class MailSender {
  private readonly loop: PollingLoop;

  constructor(
    private readonly orm: MikroORM,
    private readonly transport: MailTransport,
    private readonly log: Logger,
    private readonly maxAttempts: number,
  ) {
    this.loop = new PollingLoop(() => this.sendBatch(), { name: 'mail sender', log, intervalMs: 200, fullBatch: BATCH });
  }

  start(): void {
    this.loop.start();
  }

  nudge(): void {
    this.loop.nudge();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  async sendBatch(): Promise<number> {
    const em = this.orm.em.fork() as SqlEntityManager;
    const claimed: ClaimedMail[] = await em.execute(
      `update mails set status = 'sending', attempts = attempts + 1
       where id in (select id from mails where status = 'pending' and next_attempt_at <= now()
                    order by created_at limit ? for update skip locked)
       returning id, kind, "to", subject, text, correlation_id, attempts`,
      [BATCH],
    );
    for (const mail of claimed) {
      const log = this.log.child({ correlationId: mail.correlation_id, mailId: mail.id, kind: mail.kind });
      try {
        await this.transport.send({
          id: mail.id,
          kind: mail.kind,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          correlationId: mail.correlation_id,
        });
        await em.execute(`update mails set status = 'sent', sent_at = now(), last_error = null where id = ?`, [mail.id]);
        log.info('mail sent');
      } catch (error) {
        const failed = mail.attempts >= this.maxAttempts;
        const backoffSeconds = Math.min(600, 2 ** mail.attempts);
        await em.execute(`update mails set status = ?, last_error = ?, next_attempt_at = now() + (? * interval '1 second') where id = ?`, [
          failed ? 'failed' : 'pending',
          String(error).slice(0, 1000),
          backoffSeconds,
          mail.id,
        ]);
        log.warn({ err: error, attempts: mail.attempts, failed }, 'mail not sent');
      }
    }
    return claimed.length;
  }
}
