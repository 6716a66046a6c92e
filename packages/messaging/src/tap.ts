import type { ConfirmChannel } from 'amqplib';
import type { Broker } from './broker.js';
import { parseEvent, type ParsedEvent } from './contracts.js';

/** Collects every event that crosses the exchange (an exclusive, auto-deleted queue): for tests and debugging. */
export async function tapEvents(broker: Broker): Promise<{ events: ParsedEvent[]; close(): Promise<void> }> {
  const events: ParsedEvent[] = [];
  const channel = broker.connection.createChannel({
    setup: async (raw: ConfirmChannel) => {
      await raw.assertExchange(broker.exchange, 'topic', { durable: true });
      const { queue } = await raw.assertQueue('', { exclusive: true, autoDelete: true });
      await raw.bindQueue(queue, broker.exchange, '#');
      await raw.consume(queue, (message) => message && events.push(parseEvent(message.content)), { noAck: true });
    },
  });
  await channel.waitForConnect();
  return { events, close: () => channel.close() };
}
