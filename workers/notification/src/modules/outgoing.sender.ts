import type { MikroORM, SqlEntityManager } from '@mikro-orm/postgresql';
import { PollingLoop } from '@shop/kit';
import type { Logger } from 'pino';

/** What every outgoing message row has, whatever its channel. */
export interface ClaimedMessage {
  id: string;
  kind: string;
  correlation_id: string;
  attempts: number;
}

/** A transport's way to say "never try this one again" (a provider refusing the number, say): no backoff, `failed` at once. */
export class UndeliverableError extends Error {
  override name = 'UndeliverableError';
}

export interface OutgoingChannel<Row extends ClaimedMessage> {
  /** `mails` or `texts`: both have the same status columns. */
  table: 'mails' | 'texts';
  /** The columns `deliver` needs besides id, kind, correlation_id and attempts. */
  columns: string[];
  /** For log lines: `mail`, `sms`. */
  noun: string;
  deliver(row: Row): Promise<void>;
}

const BATCH = 20;

/**
 * Sends queued messages of one channel. Each is claimed (`sending`) and committed before the transport sees it: a
 * crash after that leaves it `sending` — reported, never sent twice. A transport error puts it back to `pending` with
 * backoff until `maxAttempts`, then `failed`; an `UndeliverableError` fails it at once.
 */
export class OutgoingSender<Row extends ClaimedMessage> {
  private readonly loop: PollingLoop;

  constructor(
    private readonly orm: MikroORM,
    private readonly channel: OutgoingChannel<Row>,
    private readonly log: Logger,
    private readonly maxAttempts: number,
  ) {
    this.loop = new PollingLoop(() => this.sendBatch(), { name: `${channel.noun} sender`, log, intervalMs: 200, fullBatch: BATCH });
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
    const { table, columns, noun } = this.channel;
    const em = this.orm.em.fork() as SqlEntityManager;
    const claimed: Row[] = await em.execute(
      `update ${table} set status = 'sending', attempts = attempts + 1
       where id in (select id from ${table} where status = 'pending' and next_attempt_at <= now()
                    order by created_at limit ? for update skip locked)
       returning id, kind, correlation_id, attempts, ${columns.map((c) => `"${c}"`).join(', ')}`,
      [BATCH],
    );
    for (const row of claimed) {
      const log = this.log.child({ correlationId: row.correlation_id, [`${noun}Id`]: row.id, kind: row.kind });
      try {
        await this.channel.deliver(row);
        await em.execute(`update ${table} set status = 'sent', sent_at = now(), last_error = null where id = ?`, [row.id]);
        log.info(`${noun} sent`);
      } catch (error) {
        const failed = error instanceof UndeliverableError || row.attempts >= this.maxAttempts;
        const backoffSeconds = Math.min(600, 2 ** row.attempts);
        await em.execute(
          `update ${table} set status = ?, last_error = ?, next_attempt_at = now() + (? * interval '1 second') where id = ?`,
          [failed ? 'failed' : 'pending', String(error).slice(0, 1000), backoffSeconds, row.id],
        );
        log.warn({ err: error, attempts: row.attempts, failed }, `${noun} not sent`);
      }
    }
    return claimed.length;
  }
}
