import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { Broker } from './broker.js';
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
  OUTBOX_RETENTION_HOURS: number;
  INBOX_RETENTION_HOURS: number;
}

/**
 * A service's messaging, declared once for all: the broker connection, which declares the whole system's topology,
 * and the pruning of its outbox and inbox.
 */
export function connectMessaging(orm: MikroORM, env: MessagingEnv, log: Logger): { broker: Broker; housekeeping: Housekeeping } {
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
    }),
  });
  const housekeeping = startHousekeeping(orm, log, {
    outboxRetentionHours: env.OUTBOX_RETENTION_HOURS,
    inboxRetentionHours: env.INBOX_RETENTION_HOURS,
  });
  return { broker, housekeeping };
}
