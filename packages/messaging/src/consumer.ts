import type { MikroORM, SqlEntityManager } from '@mikro-orm/postgresql';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import type { Broker } from './broker.js';
import { ContractViolation, parseEvent, type EventType, type ParsedEvent } from './contracts.js';
import { declareTopology, queueNames } from './topology.js';

export { queueNames };

export interface ConsumerOptions {
  /** Names the durable queue (and `<name>.retry`, `<name>.dlq`) and the inbox rows. */
  name: string;
  events: EventType[];
  orm: MikroORM;
  broker: Broker;
  log: Logger;
  /**
   * Applies the event inside the inbox transaction; write effects (and outbox events) with this `em`. It may
   * return a callback to run once the transaction has committed (notifications that must not announce a
   * change that could still roll back).
   */
  handle: (event: ParsedEvent, em: SqlEntityManager, log: Logger) => Promise<void | AfterCommit>;
  maxAttempts?: number;
  backoffMs?: (attempt: number) => number;
  prefetch?: number;
}

export type AfterCommit = () => void | Promise<void>;

export type Outcome = 'applied' | 'duplicate' | 'retry' | 'dead';

export interface RunningConsumer {
  channel: ChannelWrapper;
  /** Resolves with each delivery's outcome; for tests and metrics. */
  onOutcome(listener: (outcome: Outcome, event: { id?: string; type?: string }) => void): void;
  close(): Promise<void>;
}

/**
 * Consumes with an inbox: the event id is recorded in the same transaction as the effect and the message is
 * acked only after commit, so a redelivery (crash, broker restart, duplicate publish) has no second effect.
 * Failures are retried with backoff through `<name>.retry` (TTL, then dead-lettered back); after the last
 * attempt, or at once when the message breaks its contract, it goes to `<name>.dlq`.
 */
export async function startConsumer(options: ConsumerOptions): Promise<RunningConsumer> {
  const queues = queueNames(options.name);
  const maxAttempts = options.maxAttempts ?? 5;
  const backoff = options.backoffMs ?? ((attempt: number) => Math.min(30_000, 250 * 2 ** (attempt - 1)));
  const listeners: Array<(outcome: Outcome, event: { id?: string; type?: string }) => void> = [];
  const report = (outcome: Outcome, event: { id?: string; type?: string }) => listeners.forEach((l) => l(outcome, event));

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

  async function onMessage(channel: ConfirmChannel, message: ConsumeMessage | null): Promise<void> {
    if (!message) return;
    let event: ParsedEvent;
    try {
      event = parseEvent(message.content);
    } catch (error) {
      const reason = error instanceof ContractViolation ? error.message : String(error);
      options.log.error({ reason, messageId: message.properties.messageId }, 'message breaks its contract; dead-lettered');
      await forward(channel, queues.dead, message, { 'x-dead-reason': `contract: ${reason}`, 'x-dead-at': new Date().toISOString() });
      channel.ack(message);
      report('dead', { id: message.properties.messageId });
      return;
    }
    const log = options.log.child({ correlationId: event.correlationId, eventId: event.id, eventType: event.type });
    try {
      let afterCommit = undefined as void | AfterCommit;
      const applied = await (options.orm.em.fork() as SqlEntityManager).transactional(async (em) => {
        const rows: unknown[] = await em.execute(
          'insert into inbox (consumer, event_id, type, processed_at) values (?, ?, ?, now()) on conflict do nothing returning event_id',
          [options.name, event.id, event.type],
        );
        if (rows.length === 0) return false;
        afterCommit = await options.handle(event, em, log);
        return true;
      });
      if (afterCommit) {
        try {
          await afterCommit();
        } catch (error) {
          log.warn({ err: error }, 'after-commit step failed');
        }
      }
      // Ack only after the inbox row commits; a crash before this redelivers, and the inbox drops the twin.
      channel.ack(message);
      report(applied ? 'applied' : 'duplicate', event);
      if (!applied) log.info('duplicate delivery ignored');
    } catch (error) {
      const attempt = Number(message.properties.headers?.['x-attempt'] ?? 0) + 1;
      const lastError = error instanceof Error ? error.message : String(error);
      if (attempt >= maxAttempts) {
        log.error({ err: error, attempt }, 'giving up; dead-lettered');
        await forward(channel, queues.dead, message, {
          'x-attempt': attempt,
          'x-dead-reason': lastError,
          'x-dead-at': new Date().toISOString(),
        });
        report('dead', event);
      } else {
        log.warn({ err: error, attempt }, 'handler failed; will retry');
        await forward(channel, queues.retry, message, { 'x-attempt': attempt, 'x-last-error': lastError }, backoff(attempt));
        report('retry', event);
      }
      channel.ack(message);
    }
  }

  const channel = options.broker.connection.createChannel({
    confirm: true,
    setup: async (raw: ConfirmChannel) => {
      // The whole system's queues (as every publisher declares them), and this consumer's own in any case.
      await declareTopology(raw, options.broker.exchange, [...options.broker.topology, { queue: queues.main, events: options.events }]);
      await raw.prefetch(options.prefetch ?? 20);
      await raw.consume(queues.main, (message) => {
        onMessage(raw, message).catch((error: unknown) => {
          // The channel died mid-message: the broker redelivers it, and the inbox keeps that harmless.
          options.log.warn({ err: error }, 'delivery not settled; the broker will redeliver');
        });
      });
    },
  });
  await channel.waitForConnect();
  return {
    channel,
    onOutcome: (listener) => void listeners.push(listener),
    close: () => channel.close(),
  };
}
