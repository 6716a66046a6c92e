import type { MikroORM } from '@mikro-orm/postgresql';
import { createLogger, createOrm, SealedBox, migrate, pingDatabase, startHealthServer } from '@shop/kit';
import { Broker, CONSUMED_EVENTS, messagingEntities, OutboxRelay, startConsumer, startHousekeeping, systemTopology } from '@shop/messaging';
import type { PaymentEnv } from './environment.js';
import { migrations } from './migrations/index.js';
import { handleOrderCancelled } from './modules/payment/order-cancelled.handler.js';
import { handleOrderPlaced } from './modules/payment/order-placed.handler.js';
import { Payment, SimulatedCharge, SimulatedRefund } from './modules/payment/payment.entity.js';
import { SimulatedPaymentProvider, type PaymentProvider } from './modules/payment/payment.provider.js';

export const WORKER_NAME = 'payment';
export const entities = [Payment, SimulatedCharge, SimulatedRefund, ...messagingEntities];

/** Deliveries applied at once. */
const PREFETCH = 8;

export function connectPaymentDatabase(env: PaymentEnv, log = createLogger(WORKER_NAME, env.LOG_LEVEL)): Promise<MikroORM> {
  // A delivery in flight holds a connection for its transaction (also while it waits for the order lock) and the
  // simulated provider takes a second: with fewer than two per delivery, they can all end up waiting on each other.
  return createOrm({ clientUrl: env.PAYMENT_DATABASE_URL, entities, migrations, logger: log, poolMax: 2 * PREFETCH + 2 });
}

/** env -> orm (migrated) -> outbox relay -> consumer -> health endpoints. */
export async function startPaymentWorker(
  env: PaymentEnv,
  options: { provider?: PaymentProvider; wrapProvider?: (provider: PaymentProvider) => PaymentProvider } = {},
) {
  const log = createLogger(WORKER_NAME, env.LOG_LEVEL);
  const orm = await connectPaymentDatabase(env, log);
  await migrate(orm);
  const base = options.provider ?? new SimulatedPaymentProvider(orm);
  const provider = options.wrapProvider ? options.wrapProvider(base) : base;
  const paymentTokens = new SealedBox(env.PAYMENT_TOKEN_KEY);
  const broker = new Broker({
    url: env.RABBITMQ_URL,
    exchange: env.EVENTS_EXCHANGE,
    log,
    topology: systemTopology({ order: env.ORDER_QUEUE, payment: env.PAYMENT_QUEUE, notification: env.NOTIFICATION_QUEUE }),
  });
  const housekeeping = startHousekeeping(orm, log, {
    outboxRetentionHours: env.OUTBOX_RETENTION_HOURS,
    inboxRetentionHours: env.INBOX_RETENTION_HOURS,
  });
  const relay = new OutboxRelay(orm, broker, log);
  relay.start();
  const consumer = await startConsumer({
    name: env.PAYMENT_QUEUE,
    events: [...CONSUMED_EVENTS.payment],
    prefetch: PREFETCH,
    orm,
    broker,
    log,
    handle: async (event, em, eventLog) => {
      if (event.type === 'order.placed')
        await handleOrderPlaced(event, em, provider, eventLog, env.PAYMENT_PROVIDER_TIMEOUT_MS, paymentTokens);
      else if (event.type === 'order.cancelled') await handleOrderCancelled(event, em, provider, eventLog, env.PAYMENT_PROVIDER_TIMEOUT_MS);
    },
  });
  consumer.onOutcome((outcome) => {
    if (outcome === 'applied') relay.nudge();
  });
  const health = await startHealthServer({
    name: WORKER_NAME,
    port: env.PAYMENT_PORT,
    log,
    readiness: { postgres: () => pingDatabase(orm), rabbitmq: async () => broker.assertConnected() },
  });
  return {
    orm,
    port: health.port,
    consumer,
    close: async () => {
      await health.close();
      await consumer.close();
      await relay.stop();
      await housekeeping.stop();
      await broker.close();
      await orm.close();
    },
  };
}
