import type { ConfirmChannel } from 'amqplib';
import type { Broker } from './broker.js';
import { queueNames } from './topology.js';

export interface DeadLetter {
  messageId?: string;
  type?: string;
  correlationId?: string;
  reason?: string;
  attempts?: number;
  deadAt?: string;
}

async function withChannel<T>(broker: Broker, work: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
  let result: T | undefined;
  const wrapper = broker.connection.createChannel({
    confirm: true,
    setup: async (channel: ConfirmChannel) => {
      result = await work(channel);
    },
  });
  await wrapper.waitForConnect();
  await wrapper.close();
  return result as T;
}

/** Reads up to `limit` dead letters without removing them (they are returned to the queue). */
export function listDeadLetters(broker: Broker, consumer: string, limit = 100): Promise<{ count: number; letters: DeadLetter[] }> {
  return withChannel(broker, async (channel) => {
    const queue = queueNames(consumer).dead;
    const { messageCount } = await channel.assertQueue(queue, { durable: true });
    const letters: DeadLetter[] = [];
    for (let i = 0; i < Math.min(limit, messageCount); i += 1) {
      const message = await channel.get(queue, { noAck: false });
      if (!message) break;
      const headers = message.properties.headers ?? {};
      letters.push({
        messageId: message.properties.messageId as string | undefined,
        type: (message.properties.type as string | undefined) ?? (headers['x-original-routing-key'] as string | undefined),
        correlationId: message.properties.correlationId as string | undefined,
        reason: headers['x-dead-reason'] as string | undefined,
        attempts: headers['x-attempt'] as number | undefined,
        deadAt: headers['x-dead-at'] as string | undefined,
      });
    }
    channel.nackAll(true);
    return { count: messageCount, letters };
  });
}

/**
 * Moves the dead letters present now back onto the consumer's queue with a fresh attempt count. Only those:
 * one that fails again comes back to the DLQ and must not be replayed in a loop.
 */
export function replayDeadLetters(broker: Broker, consumer: string): Promise<number> {
  return withChannel(broker, async (channel) => {
    const queues = queueNames(consumer);
    const { messageCount } = await channel.assertQueue(queues.dead, { durable: true });
    let replayed = 0;
    while (replayed < messageCount) {
      const message = await channel.get(queues.dead, { noAck: false });
      if (!message) break;
      const headers = Object.fromEntries(
        Object.entries(message.properties.headers ?? {}).filter(([key]) => !/^x-(attempt|dead-|last-error)/.test(key)),
      );
      channel.sendToQueue(queues.main, message.content, {
        persistent: true,
        contentType: message.properties.contentType,
        messageId: message.properties.messageId,
        type: message.properties.type,
        correlationId: message.properties.correlationId,
        headers: { ...headers, 'x-replayed-at': new Date().toISOString() },
      });
      // Remove the dead letter only once the broker has confirmed the copy: a crash here duplicates, never loses.
      await channel.waitForConfirms();
      channel.ack(message);
      replayed += 1;
    }
    return replayed;
  });
}

/** Deletes queues and an exchange (test clean-up). */
export async function deleteTopology(broker: Broker, queues: string[], exchange?: string): Promise<void> {
  await withChannel(broker, async (channel) => {
    for (const queue of queues) await channel.deleteQueue(queue);
    if (exchange) await channel.deleteExchange(exchange);
  });
}
