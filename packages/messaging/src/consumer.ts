import type { MikroORM, SqlEntityManager } from '@mikro-orm/postgresql';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { extractTraceContext, inSpan } from '@shop/kit';
import type { Logger } from 'pino';
import { watchChannel, type Broker } from './broker.js';
import { ContractViolation, parseEvent, type EventType, type ParsedEvent } from './contracts.js';
import {
  backoffDelay,
  classifyFailure,
  consumerPrefetch,
  DEFAULT_BACKOFF,
  type BackoffOptions,
  type ClassifiedFailure,
  type FailureClass,
} from './failure.js';
import { Pacer } from './pacer.js';
import { declareTopology, queueNames } from './topology.js';

export { queueNames };

export interface ConsumerOptions<P = undefined> {
  /** Names the durable queue (and `<name>.retry`, `<name>.dlq`) and the inbox rows. */
  name: string;
  events: EventType[];
  orm: MikroORM;
  broker: Broker;
  log: Logger;
  /**
   * Optional work before the inbox transaction, for a side effect that must not run inside one (a payment
   * provider call: holding a transaction, its locks and a pooled connection across a slow remote call starves
   * everyone else). It gets an EntityManager outside any transaction and opens its own short transactions; what
   * it returns is passed to `handle`. It is skipped for an event the inbox already has, but it may run more than
   * once for the same event (a failure or crash before the inbox commits), so it must be idempotent (e.g. a
   * claim row plus an idempotency key at the remote side), and `handle` must re-check what it relies on.
   */
  prepare?: (event: ParsedEvent, em: SqlEntityManager, log: Logger) => Promise<P>;
  /**
   * Applies the event inside the inbox transaction; write effects (and outbox events) with this `em`. It may
   * return a callback to run once the transaction has committed (notifications that must not announce a
   * change that could still roll back).
   */
  handle: (event: ParsedEvent, em: SqlEntityManager, log: Logger, prepared: P) => Promise<void | AfterCommit>;
  /** Attempts for a failure that is neither transient nor declared permanent (probably a bug); default 5. */
  maxAttempts?: number;
  /** The delay before the next attempt after such an unknown failure. */
  backoffMs?: (attempt: number) => number;
  /** Backoff for infrastructure failures, per message (retry delay) and for the consumer (pause); no attempt cap. */
  transientBackoff?: BackoffOptions;
  /** Capped at the ORM's pool size minus `poolReserve` (see `consumerPrefetch`); default 20 under that cap. */
  prefetch?: number;
  /** Pool connections left for everything else (requests, relay, sweepers); default 2. */
  poolReserve?: number;
}

export type AfterCommit = () => void | Promise<void>;

export type Outcome = 'applied' | 'duplicate' | 'retry' | 'dead';

/** Why a delivery was retried or dead-lettered. */
export interface OutcomeDetail {
  failure?: FailureClass;
  /** What decided the class (an errno, a SQLSTATE, `contract`, `permanent`, an error name). */
  why?: string;
  /** The delay before the retry. */
  delayMs?: number;
  attempt?: number;
}

export type OutcomeListener = (outcome: Outcome, event: { id?: string; type?: string }, detail: OutcomeDetail) => void;

export interface RunningConsumer {
  /** The main queue's name, which names the inbox rows too. */
  name: string;
  channel: ChannelWrapper;
  /** The prefetch in effect (after the pool cap). */
  prefetch: number;
  /** Whether the consumer is paced down after an infrastructure failure. */
  readonly degraded: boolean;
  /** Deliveries received and not yet settled (acked, retried or dead-lettered); 0 when the consumer is idle. */
  readonly inFlight: number;
  /** Resolves with each delivery's outcome; for tests and metrics. */
  onOutcome(listener: OutcomeListener): void;
  close(): Promise<void>;
}

const HEADER_ATTEMPT = 'x-attempt';
// Counted apart from `x-attempt`: an outage must not use up the attempts a bug gets. Its name starts with
// `x-attempt` so a DLQ replay resets it too.
const HEADER_TRANSIENT_ATTEMPT = 'x-attempt-transient';

const poolMaxOf = (orm: MikroORM): number => {
  const pool = orm.config.get('pool') as { max?: number } | undefined;
  return pool?.max ?? 10;
};

/**
 * Consumes with an inbox: the event id is recorded in the same transaction as the effect and the message is
 * acked only after commit, so a redelivery (crash, broker restart, duplicate publish) has no second effect.
 *
 * Failures are classified (`classifyFailure`): an infrastructure failure is retried through `<name>.retry`
 * (per-message TTL, then dead-lettered back) with capped exponential backoff and jitter for as long as it lasts,
 * and the consumer itself slows down (`Pacer`) until a delivery gets through; a contract violation or a
 * `PermanentFailure` goes to `<name>.dlq` at once; anything else is retried `maxAttempts` times, then dead-lettered.
 */
export async function startConsumer<P = undefined>(options: ConsumerOptions<P>): Promise<RunningConsumer> {
  const queues = queueNames(options.name);
  const maxAttempts = options.maxAttempts ?? 5;
  const backoff = options.backoffMs ?? ((attempt: number) => Math.min(30_000, 250 * 2 ** (attempt - 1)));
  const transientBackoff = options.transientBackoff ?? DEFAULT_BACKOFF;
  const poolMax = poolMaxOf(options.orm);
  const prefetch = consumerPrefetch(poolMax, { prefetch: options.prefetch, reserve: options.poolReserve });
  if (options.prefetch !== undefined && prefetch < options.prefetch)
    options.log.warn({ requested: options.prefetch, prefetch, poolMax }, 'consumer prefetch capped to what the connection pool can serve');
  const listeners: OutcomeListener[] = [];
  let inFlight = 0;
  const report = (outcome: Outcome, event: { id?: string; type?: string }, detail: OutcomeDetail = {}) =>
    listeners.forEach((l) => l(outcome, event, detail));
  const pacer = new Pacer(transientBackoff, ({ degraded, failures, pauseMs }) => {
    if (degraded) options.log.warn({ consumer: options.name, failures, pauseMs }, 'infrastructure unavailable; consumer paused');
    else options.log.info({ consumer: options.name, failures }, 'infrastructure back; consumer resumed');
  });

  async function forward(
    channel: ConfirmChannel,
    queue: string,
    message: ConsumeMessage,
    headers: Record<string, unknown>,
    expiration?: number,
  ) {
    channel.sendToQueue(queue, message.content, {
      persistent: true,
      contentType: message.properties.contentType,
      messageId: message.properties.messageId,
      type: message.properties.type,
      correlationId: message.properties.correlationId,
      headers: { ...message.properties.headers, ...headers, 'x-original-routing-key': message.fields.routingKey },
      ...(expiration !== undefined ? { expiration: String(expiration) } : {}),
    });
    await channel.waitForConfirms();
  }

  async function apply(event: ParsedEvent, log: Logger): Promise<boolean> {
    let prepared = undefined as P;
    if (options.prepare) {
      const em = options.orm.em.fork() as SqlEntityManager;
      const seen: unknown[] = await em.execute('select 1 from inbox where consumer = ? and event_id = ?', [options.name, event.id]);
      if (seen.length > 0) return false;
      prepared = await options.prepare(event, em, log);
    }
    let afterCommit = undefined as void | AfterCommit;
    const applied = await (options.orm.em.fork() as SqlEntityManager).transactional(async (em) => {
      const rows: unknown[] = await em.execute(
        'insert into inbox (consumer, event_id, type, processed_at) values (?, ?, ?, now()) on conflict do nothing returning event_id',
        [options.name, event.id, event.type],
      );
      if (rows.length === 0) return false;
      afterCommit = await options.handle(event, em, log, prepared);
      return true;
    });
    if (afterCommit) {
      try {
        await afterCommit();
      } catch (error) {
        log.warn({ err: error }, 'after-commit step failed');
      }
    }
    return applied;
  }

  async function onMessage(channel: ConfirmChannel, message: ConsumeMessage | null): Promise<void> {
    if (!message) return;
    let event: ParsedEvent;
    try {
      event = parseEvent(message.content);
    } catch (error) {
      const reason = error instanceof ContractViolation ? error.message : String(error);
      options.log.error(
        { reason, messageId: message.properties.messageId, failure: 'poison' },
        'message breaks its contract; dead-lettered',
      );
      await forward(channel, queues.dead, message, {
        'x-dead-reason': `contract: ${reason}`,
        'x-dead-class': 'poison',
        'x-dead-at': new Date().toISOString(),
      });
      channel.ack(message);
      report('dead', { id: message.properties.messageId }, { failure: 'poison', why: 'contract' });
      return;
    }
    const log = options.log.child({ correlationId: event.correlationId, eventId: event.id, eventType: event.type });
    const ticket = await pacer.enter();
    // Closing: leave the message unacked; the broker redelivers it to the next consumer.
    if (!ticket) return;
    // The delivery continues the trace of the publish (its headers), so the handler's queries and the events it
    // records belong to the request that started it all.
    const attributes = {
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'process',
      'messaging.destination.name': event.type,
      'messaging.consumer.group.name': options.name,
      'messaging.message.id': event.id,
      'messaging.message.conversation_id': event.correlationId,
    };
    await inSpan(
      `process ${event.type}`,
      { kind: 'consumer', parent: extractTraceContext(message.properties.headers), attributes },
      async (span) => {
        let applied: boolean;
        try {
          applied = await apply(event, log);
        } catch (error) {
          const failure = classifyFailure(error);
          span.recordException(error instanceof Error ? error : String(error));
          span.setAttributes({ 'shop.outcome': failure.class, 'error.type': failure.why });
          pacer.leave(ticket, failure.infrastructure ? 'transient' : 'ok');
          await settleFailure(channel, message, event, log, error, failure);
          return;
        }
        pacer.leave(ticket, 'ok');
        // Ack only after the inbox row commits; a crash before this redelivers, and the inbox drops the twin.
        channel.ack(message);
        span.setAttribute('shop.outcome', applied ? 'applied' : 'duplicate');
        report(applied ? 'applied' : 'duplicate', event);
        if (!applied) log.info('duplicate delivery ignored');
      },
    );
  }

  async function settleFailure(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    event: ParsedEvent,
    log: Logger,
    error: unknown,
    failure: ClassifiedFailure,
  ): Promise<void> {
    const headers = message.properties.headers ?? {};
    const reason = `${failure.class} (${failure.why}): ${failure.message}`.slice(0, 1000);
    if (failure.class === 'transient') {
      const attempt = Number(headers[HEADER_TRANSIENT_ATTEMPT] ?? 0) + 1;
      const delayMs = backoffDelay(attempt, transientBackoff);
      log.warn(
        { err: error, failure: failure.class, why: failure.why, attempt, delayMs },
        'infrastructure failure; will retry until it recovers',
      );
      await forward(channel, queues.retry, message, { [HEADER_TRANSIENT_ATTEMPT]: attempt, 'x-last-error': reason }, delayMs);
      channel.ack(message);
      report('retry', event, { failure: failure.class, why: failure.why, delayMs, attempt });
      return;
    }
    const attempt = Number(headers[HEADER_ATTEMPT] ?? 0) + 1;
    if (failure.class === 'poison' || attempt >= maxAttempts) {
      log.error({ err: error, failure: failure.class, why: failure.why, attempt }, 'giving up; dead-lettered');
      await forward(channel, queues.dead, message, {
        [HEADER_ATTEMPT]: attempt,
        'x-dead-reason': reason,
        'x-dead-class': failure.class,
        'x-dead-at': new Date().toISOString(),
      });
      channel.ack(message);
      report('dead', event, { failure: failure.class, why: failure.why, attempt });
      return;
    }
    const delayMs = backoff(attempt);
    log.warn({ err: error, failure: failure.class, why: failure.why, attempt, maxAttempts, delayMs }, 'handler failed; will retry');
    await forward(channel, queues.retry, message, { [HEADER_ATTEMPT]: attempt, 'x-last-error': reason }, delayMs);
    channel.ack(message);
    report('retry', event, { failure: failure.class, why: failure.why, delayMs, attempt });
  }

  const channel = options.broker.connection.createChannel({
    confirm: true,
    setup: async (raw: ConfirmChannel) => {
      // The whole system's queues (as every publisher declares them), and this consumer's own in any case.
      await declareTopology(raw, options.broker.exchange, [...options.broker.topology, { queue: queues.main, events: options.events }]);
      await raw.prefetch(prefetch);
      await raw.consume(queues.main, (message) => {
        inFlight += 1;
        onMessage(raw, message)
          .catch((error: unknown) => {
            // The channel died mid-message: the broker redelivers it, and the inbox keeps that harmless.
            options.log.warn({ err: error }, 'delivery not settled; the broker will redeliver');
          })
          .finally(() => (inFlight -= 1));
      });
    },
  });
  watchChannel(channel, options.log, options.name);
  await channel.waitForConnect();
  return {
    name: options.name,
    channel,
    prefetch,
    get degraded() {
      return pacer.degraded;
    },
    get inFlight() {
      return inFlight;
    },
    onOutcome: (listener) => void listeners.push(listener),
    close: async () => {
      pacer.close();
      await channel.close();
    },
  };
}
