// `npm run dlq -- list [consumer...]` shows dead letters (they stay put); `npm run dlq -- replay <consumer...>`
// moves them back onto the consumer's queue with a fresh attempt count.
import { createLogger, eventQueuesEnv, eventsExchange, loadEnv, rabbitmqUrl } from '@shop/kit';
import { z } from 'zod';
import { Broker } from './broker.js';
import { listDeadLetters, replayDeadLetters } from './dead-letters.js';

async function main(): Promise<void> {
  const [command, ...names] = process.argv.slice(2);
  const env = loadEnv(z.object({ RABBITMQ_URL: rabbitmqUrl, EVENTS_EXCHANGE: eventsExchange }).and(eventQueuesEnv));
  // Every consumer's queue as configured (ORDER_QUEUE, PRODUCT_QUEUE, ...): `list` with no names shows them all.
  const consumers = [
    env.ORDER_QUEUE,
    env.PRODUCT_QUEUE,
    env.CART_QUEUE,
    env.PAYMENT_QUEUE,
    env.NOTIFICATION_QUEUE,
    env.RECOMMENDATION_QUEUE,
  ];
  const broker = new Broker({ url: env.RABBITMQ_URL, exchange: env.EVENTS_EXCHANGE, log: createLogger('dlq', 'warn') });
  try {
    if (command === 'list') {
      for (const consumer of names.length ? names : consumers) {
        const { count, letters } = await listDeadLetters(broker, consumer);
        console.log(`${consumer}.dlq: ${count} dead letter(s)`);
        for (const letter of letters) {
          console.log(
            `  ${letter.deadAt ?? '?'}  ${letter.type ?? '?'}  id=${letter.messageId ?? '?'}  correlation=${letter.correlationId ?? '?'}  attempts=${letter.attempts ?? 0}  reason=${letter.reason ?? '?'}`,
          );
        }
      }
    } else if (command === 'replay' && names.length) {
      for (const consumer of names) console.log(`${consumer}: replayed ${await replayDeadLetters(broker, consumer)} dead letter(s)`);
    } else {
      console.error('usage: npm run dlq -- list [consumer...] | replay <consumer...>');
      process.exitCode = 2;
    }
  } finally {
    await broker.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
