import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { Broker } from './broker.js';
import { startConsumer, type ConsumerOptions, type RunningConsumer } from './consumer.js';
import { startHousekeeping, type Housekeeping } from './housekeeping.js';
import { systemTopology } from './topology.js';

/** What every service with an outbox or an inbox reads for its messaging (the kit's env fragments). */
export interface MessagingEnv {
  RABBITMQ_URL: string;
  EVENTS_EXCHANGE: string;
  ORDER_QUEUE: string;
  PRODUCT_QUEUE: string;
  CART_QUEUE: string;
  PAYMENT_QUEUE: string;
  NOTIFICATION_QUEUE: string;
  RECOMMENDATION_QUEUE: string;
  OUTBOX_RETENTION_HOURS: number;
  INBOX_RETENTION_HOURS: number;
  /** From the kit's consumerRetryEnv: needed by services that consume (`consume`), not by those that only publish. */
  CONSUMER_RETRY_BASE_MS?: number;
  CONSUMER_RETRY_CAP_MS?: number;
}

/** A consumer's own options; the service's messaging supplies the ORM, broker, log and the backoff its env sets. */
export type ServiceConsumerOptions<P = undefined> = Omit<ConsumerOptions<P>, 'orm' | 'broker' | 'log' | 'transientBackoff'>;

/**
 * A service's messaging, declared once for all: the broker connection, which declares the whole system's topology,
 * the pruning of its outbox and inbox, and `consume` to start its consumer on them.
 */
export function connectMessaging(
  orm: MikroORM,
  env: MessagingEnv,
  log: Logger,
): {
  broker: Broker;
  housekeeping: Housekeeping;
  consume: <P = undefined>(options: ServiceConsumerOptions<P>) => Promise<RunningConsumer>;
} {
  const broker = new Broker({
    url: env.RABBITMQ_URL,
    exchange: env.EVENTS_EXCHANGE,
    log,
    topology: systemTopology({
      order: env.ORDER_QUEUE,
      product: env.PRODUCT_QUEUE,
      cart: env.CART_QUEUE,
      payment: env.PAYMENT_QUEUE,
      notification: env.NOTIFICATION_QUEUE,
      recommendation: env.RECOMMENDATION_QUEUE,
    }),
  });
  const housekeeping = startHousekeeping(orm, log, {
    outboxRetentionHours: env.OUTBOX_RETENTION_HOURS,
    inboxRetentionHours: env.INBOX_RETENTION_HOURS,
  });
  const consume = <P = undefined>(options: ServiceConsumerOptions<P>): Promise<RunningConsumer> => {
    const { CONSUMER_RETRY_BASE_MS: baseMs, CONSUMER_RETRY_CAP_MS: capMs } = env;
    if (baseMs === undefined || capMs === undefined) throw new Error('a service that consumes must compose consumerRetryEnv into its env');
    return startConsumer<P>({ ...options, orm, broker, log, transientBackoff: { baseMs, capMs } });
  };
  return { broker, housekeeping, consume };
}
