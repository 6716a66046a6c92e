import type { MikroORM, SqlEntityManager } from '@mikro-orm/postgresql';
import { BACKGROUND_SQL, extractTraceContext, injectTraceContext, inSpan, PollingLoop } from '@shop/kit';
import type { Logger } from 'pino';
import { UnroutableError, type Broker } from './broker.js';
import type { EventType } from './contracts.js';
import { ANNOUNCED_ONLY_EVENTS } from './topology.js';

export interface RelayOptions {
  intervalMs?: number;
  batchSize?: number;
  publishTimeoutMs?: number;
  /** A row that failed waits `retryBaseMs * 2^(attempts - 1)`, at most `retryMaxMs`, before its next attempt. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** From this many failed attempts on, each further failure is logged as an error (someone must look). */
  alertAfterAttempts?: number;
}

interface Row {
  id: string;
  type: string;
  attempts: number;
  envelope: { id: string; type: string; correlationId: string; occurredAt: string };
  trace_context: Record<string, string> | null;
}

/**
 * Publishes committed outbox rows with publisher confirms and marks them sent. While the broker is away the
 * rows simply stay unsent and are retried; nothing is lost. Replicas share the work (FOR UPDATE SKIP LOCKED).
 * A confirm that times out may still be delivered later: consumers' inboxes absorb that duplicate.
 *
 * Events are published `mandatory` (except ANNOUNCED_ONLY_EVENTS): one the broker cannot route to any queue is
 * returned, and counts as a failed attempt rather than as published. A row that fails is retried with capped
 * exponential backoff (`next_attempt_at`) and the rows behind it go out meanwhile.
 *
 * Order: rows go out in the order they became due (`next_attempt_at`, which is the insert time until a row
 * fails), so events of one commit leave in their write order; a failed row falls behind later ones. No order
 * per aggregate is promised across failures, replicas or redeliveries; consumers must not rely on one.
 */
export class OutboxRelay {
  private readonly loop: PollingLoop;
  private readonly batchSize: number;
  private readonly publishTimeoutMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly alertAfterAttempts: number;
  private readonly publishedListeners: Array<(type: string) => void> = [];

  constructor(
    private readonly orm: MikroORM,
    private readonly broker: Broker,
    private readonly log: Logger,
    options: RelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5000;
    this.retryBaseMs = options.retryBaseMs ?? 1000;
    this.retryMaxMs = options.retryMaxMs ?? 5 * 60_000;
    this.alertAfterAttempts = options.alertAfterAttempts ?? 10;
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

  /** Called with each event's type once its row is marked published (committed); for metrics. */
  onPublished(listener: (type: string) => void): void {
    this.publishedListeners.push(listener);
  }

  /** One batch: returns how many rows were published. Exposed for tests. */
  async publishBatch(): Promise<number> {
    // While the broker is away every publish would only time out; rows keep their schedule until it is back.
    if (!this.broker.isConnected()) return 0;
    const idle = this.orm.em.fork() as SqlEntityManager;
    // A cheap look first (the partial index makes it an index-only probe): no empty transaction on every tick.
    const pending: unknown[] = await idle.execute(
      `${BACKGROUND_SQL} select 1 from outbox where published_at is null and next_attempt_at <= now() limit 1`,
    );
    if (pending.length === 0) return 0;
    const { sent, brokerFailure } = await idle.transactional(async (em) => {
      const rows: Row[] = await em.execute(
        `select id, type, attempts, envelope, trace_context from outbox where published_at is null and next_attempt_at <= now()
         order by next_attempt_at, created_at limit ? for update skip locked`,
        [this.batchSize],
      );
      const published: Row[] = [];
      let failure: unknown;
      for (const row of rows) {
        try {
          await this.publish(row);
          published.push(row);
        } catch (error) {
          // The failed row is rescheduled either way, so it cannot hold back the rows behind it.
          await this.recordFailure(em, row, error);
          // Unroutable is about this event alone; a timeout or a lost channel would fail the rest of the batch too.
          if (!(error instanceof UnroutableError)) {
            failure = error;
            break;
          }
        }
      }
      if (published.length)
        await em.execute('update outbox set published_at = now(), attempts = attempts + 1 where id in (?)', [
          published.map((row) => row.id),
        ]);
      return { sent: published, brokerFailure: failure };
    });
    for (const row of sent) for (const listener of this.publishedListeners) listener(row.type);
    // Nothing went out because of the broker: let the loop back off.
    if (brokerFailure !== undefined && sent.length === 0) throw brokerFailure;
    return sent.length;
  }

  private async publish(row: Row): Promise<void> {
    const content = Buffer.from(JSON.stringify(row.envelope));
    await inSpan(
      `publish ${row.type}`,
      {
        kind: 'producer',
        parent: extractTraceContext(row.trace_context),
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'send',
          'messaging.destination.name': row.type,
          'messaging.message.id': row.id,
          'messaging.message.conversation_id': row.envelope.correlationId,
        },
      },
      async () => {
        const options = {
          persistent: true,
          contentType: 'application/json',
          messageId: row.id,
          type: row.type,
          correlationId: row.envelope.correlationId,
          timestamp: Math.floor(Date.parse(row.envelope.occurredAt) / 1000),
          timeout: this.publishTimeoutMs,
          // The consumer continues the trace from this publish.
          headers: injectTraceContext(),
        };
        if (ANNOUNCED_ONLY_EVENTS.includes(row.type as EventType))
          await this.broker.publisher().publish(this.broker.exchange, row.type, content, options);
        else await this.broker.publishMandatory(row.type, content, options);
      },
    );
  }

  private async recordFailure(em: SqlEntityManager, row: Row, error: unknown): Promise<void> {
    const attempts = row.attempts + 1;
    const delayMs = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** Math.min(attempts - 1, 30));
    await em.execute(
      `update outbox set attempts = ?, last_error = ?, next_attempt_at = now() + (? * interval '1 millisecond') where id = ?`,
      [attempts, String(error).slice(0, 1000), delayMs, row.id],
    );
    const details = { err: error, eventId: row.id, eventType: row.type, attempts, retryInMs: delayMs };
    if (attempts >= this.alertAfterAttempts) this.log.error(details, 'outbox event keeps failing to publish; will retry');
    else this.log.warn(details, 'outbox event not published; will retry');
  }
}
