import type { MikroORM, SqlEntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Broker } from './broker.js';

export interface RelayOptions {
  intervalMs?: number;
  batchSize?: number;
  publishTimeoutMs?: number;
}

interface Row {
  id: string;
  type: string;
  envelope: { id: string; type: string; correlationId: string; occurredAt: string };
}

/**
 * Publishes committed outbox rows with publisher confirms and marks them sent. While the broker is away the
 * rows simply stay unsent and are retried; nothing is lost. Replicas share the work (FOR UPDATE SKIP LOCKED).
 * A confirm that times out may still be delivered later: consumers' inboxes absorb that duplicate.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly publishTimeoutMs: number;

  constructor(
    private readonly orm: MikroORM,
    private readonly broker: Broker,
    private readonly log: Logger,
    options: RelayOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 200;
    this.batchSize = options.batchSize ?? 100;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Publish soon rather than at the next tick (after a commit that wrote events). */
  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let published = 0;
      try {
        published = await this.publishBatch();
        failures = 0;
      } catch (error) {
        failures += 1;
        if (failures === 1 || failures % 20 === 0) this.log.warn({ err: error, failures }, 'outbox relay could not publish; will retry');
      }
      if (published === this.batchSize) continue;
      const delay = failures ? Math.min(5000, this.intervalMs * 2 ** Math.min(failures, 5)) : this.intervalMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** One batch: returns how many rows were published. Exposed for tests. */
  async publishBatch(): Promise<number> {
    const channel = this.broker.publisher();
    return (this.orm.em.fork() as SqlEntityManager).transactional(async (em) => {
      const rows: Row[] = await em.execute(
        'select id, type, envelope from outbox where published_at is null order by created_at limit ? for update skip locked',
        [this.batchSize],
      );
      if (rows.length === 0) return 0;
      const sent: string[] = [];
      let failure: unknown;
      for (const row of rows) {
        try {
          await channel.publish(this.broker.exchange, row.type, Buffer.from(JSON.stringify(row.envelope)), {
            persistent: true,
            contentType: 'application/json',
            messageId: row.id,
            type: row.type,
            correlationId: row.envelope.correlationId,
            timestamp: Math.floor(Date.parse(row.envelope.occurredAt) / 1000),
            timeout: this.publishTimeoutMs,
          });
          sent.push(row.id);
        } catch (error) {
          failure = error;
          break;
        }
      }
      if (sent.length) await em.execute('update outbox set published_at = now(), attempts = attempts + 1 where id in (?)', [sent]);
      if (failure) {
        const failedId = rows[sent.length]!.id;
        await em.execute('update outbox set attempts = attempts + 1, last_error = ? where id = ?', [
          String(failure).slice(0, 1000),
          failedId,
        ]);
        if (sent.length === 0) throw failure;
      }
      return sent.length;
    });
  }
}
