import type { MikroORM, SqlEntityManager } from '@mikro-orm/postgresql';
import { BACKGROUND_SQL, PollingLoop } from '@shop/kit';
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
  private readonly loop: PollingLoop;
  private readonly batchSize: number;
  private readonly publishTimeoutMs: number;

  constructor(
    private readonly orm: MikroORM,
    private readonly broker: Broker,
    log: Logger,
    options: RelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5000;
    this.loop = new PollingLoop(() => this.publishBatch(), {
      name: 'outbox relay',
      log,
      intervalMs: options.intervalMs ?? 200,
      fullBatch: this.batchSize,
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Publish soon rather than at the next tick (after a commit that wrote events). */
  nudge(): void {
    this.loop.nudge();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One batch: returns how many rows were published. Exposed for tests. */
  async publishBatch(): Promise<number> {
    const idle = this.orm.em.fork() as SqlEntityManager;
    // A cheap look first (the partial index makes it an index-only probe): no empty transaction on every tick.
    const pending: unknown[] = await idle.execute(`${BACKGROUND_SQL} select 1 from outbox where published_at is null limit 1`);
    if (pending.length === 0) return 0;
    const channel = this.broker.publisher();
    return idle.transactional(async (em) => {
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
