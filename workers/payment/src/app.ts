import type { MikroORM } from '@mikro-orm/postgresql';
import { createLogger, createMetrics, createOrm, ormPoolMetrics, SealedBox, migrate, pingDatabase, startHealthServer } from '@shop/kit';
import { connectMessaging, CONSUMED_EVENTS, messagingEntities, messagingMetrics, OutboxRelay } from '@shop/messaging';
import type { PaymentEnv } from './environment.js';
import { migrations } from './migrations/index.js';
import { refundOrder, settleCancellation } from './modules/payment/order-cancelled.handler.js';
import { chargeOrder, recordCharge, type PreparedCharge } from './modules/payment/order-placed.handler.js';
import { Payment, SimulatedCharge, SimulatedRefund } from './modules/payment/payment.entity.js';
import { SimulatedPaymentProvider, type PaymentProvider, type RefundResult } from './modules/payment/payment.provider.js';

export const WORKER_NAME = 'payment';
export const entities = [Payment, SimulatedCharge, SimulatedRefund, ...messagingEntities];

/** Deliveries applied at once. */
const PREFETCH = 8;
/** Connections besides the deliveries': the outbox relay, readiness checks, the simulated provider's own statements. */
const POOL_RESERVE = 4;

export function connectPaymentDatabase(env: PaymentEnv, log = createLogger(WORKER_NAME, env.LOG_LEVEL)): Promise<MikroORM> {
  // A delivery holds at most one connection at a time (no transaction is open while the provider works).
  return createOrm({ clientUrl: env.PAYMENT_DATABASE_URL, entities, migrations, logger: log, poolMax: PREFETCH + POOL_RESERVE });
}

type Prepared = { charge: PreparedCharge } | { refund: RefundResult | null } | undefined;

/** env -> orm (migrated unless MIGRATE_ON_START is false) -> outbox relay -> consumer -> health endpoints. */
export async function startPaymentWorker(
  env: PaymentEnv,
  options: { provider?: PaymentProvider; wrapProvider?: (provider: PaymentProvider) => PaymentProvider } = {},
) {
  const log = createLogger(WORKER_NAME, env.LOG_LEVEL);
  const orm = await connectPaymentDatabase(env, log);
  if (env.MIGRATE_ON_START) await migrate(orm);
  const base = options.provider ?? new SimulatedPaymentProvider(orm);
  const provider = options.wrapProvider ? options.wrapProvider(base) : base;
  const paymentTokens = new SealedBox(env.PAYMENT_TOKEN_KEY);
  const { broker, housekeeping, consume } = connectMessaging(orm, env, log);
  const relay = new OutboxRelay(orm, broker, log);
  relay.start();
  const consumer = await consume<Prepared>({
    name: env.PAYMENT_QUEUE,
    events: [...CONSUMED_EVENTS.payment],
    prefetch: PREFETCH,
    poolReserve: POOL_RESERVE,
    // The provider is called here, before the inbox transaction and outside any (see chargeOrder).
    prepare: async (event, em, eventLog) => {
      if (event.type === 'order.placed')
        return { charge: await chargeOrder(event, em, provider, eventLog, env.PAYMENT_PROVIDER_TIMEOUT_MS, paymentTokens) };
      if (event.type === 'order.cancelled') return { refund: await refundOrder(event, em, provider, env.PAYMENT_PROVIDER_TIMEOUT_MS) };
      return undefined;
    },
    handle: async (event, em, eventLog, prepared) => {
      if (event.type === 'order.placed' && prepared && 'charge' in prepared) await recordCharge(event, em, prepared.charge, eventLog);
      else if (event.type === 'order.cancelled' && prepared && 'refund' in prepared)
        await settleCancellation(event, em, prepared.refund, eventLog);
    },
  });
  consumer.onOutcome((outcome) => {
    if (outcome === 'applied') relay.nudge();
  });
  const metrics = createMetrics(WORKER_NAME);
  ormPoolMetrics(metrics, orm);
  messagingMetrics(metrics, { orm, broker, relay, consumer });
  const health = await startHealthServer({
    name: WORKER_NAME,
    port: env.PAYMENT_PORT,
    log,
    readiness: { postgres: () => pingDatabase(orm), rabbitmq: async () => broker.assertConnected() },
    metrics,
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
