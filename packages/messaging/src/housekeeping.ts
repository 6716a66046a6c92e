import type { MikroORM, SqlEntityManager } from '@mikro-orm/postgresql';
import { BACKGROUND_SQL, PollingLoop } from '@shop/kit';
import type { Logger } from 'pino';

export interface HousekeepingOptions {
  /** Published outbox rows older than this are deleted. */
  outboxRetentionHours: number;
  /** Inbox rows older than this are deleted: longer than any redelivery can arrive, or a late twin is applied again. */
  inboxRetentionHours: number;
  intervalMs?: number;
  batchSize?: number;
}

/**
 * Deletes what the outbox and inbox no longer need, in small batches (short transactions, no long locks), so
 * neither table grows for ever. Unpublished outbox rows are never deleted, however old.
 */
export class Housekeeping {
  private readonly loop: PollingLoop;
  private readonly batchSize: number;

  constructor(
    private readonly orm: MikroORM,
    log: Logger,
    private readonly options: HousekeepingOptions,
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.loop = new PollingLoop(() => this.prune(), {
      name: 'outbox/inbox pruning',
      log,
      intervalMs: options.intervalMs ?? 60_000,
      fullBatch: this.batchSize,
    });
  }

  start(): this {
    this.loop.start();
    return this;
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass: at most one batch from each table. Returns the larger count (a full batch means: run again). */
  async prune(): Promise<number> {
    const em = this.orm.em.fork() as SqlEntityManager;
    const outbox = await em
      .getConnection()
      .execute(
        `${BACKGROUND_SQL} delete from outbox where id in (select id from outbox where published_at < now() - (? * interval '1 hour') limit ?)`,
        [this.options.outboxRetentionHours, this.batchSize],
        'run',
      );
    const inbox = await em
      .getConnection()
      .execute(
        `${BACKGROUND_SQL} delete from inbox where ctid in (select ctid from inbox where processed_at < now() - (? * interval '1 hour') limit ?)`,
        [this.options.inboxRetentionHours, this.batchSize],
        'run',
      );
    return Math.max(affected(outbox), affected(inbox));
  }
}

const affected = (result: unknown) => Number((result as { affectedRows?: number }).affectedRows ?? 0);

/** Starts pruning the outbox and inbox of this service's database; `stop()` it on shutdown. */
export function startHousekeeping(orm: MikroORM, log: Logger, options: HousekeepingOptions): Housekeeping {
  return new Housekeeping(orm, log, options).start();
}
