import {
  consumerRetryEnv,
  aesKey,
  devPaymentTokenKey,
  eventQueuesEnv,
  eventsExchange,
  loadEnv,
  messagingRetentionEnv,
  migrateOnStart,
  logLevel,
  nodeEnv,
  port,
  postgresUrl,
  rabbitmqUrl,
  requireInProduction,
} from '@shop/kit';
import { z } from 'zod';

export const paymentEnvSchema = z
  .object({
    NODE_ENV: nodeEnv,
    LOG_LEVEL: logLevel,
    MIGRATE_ON_START: migrateOnStart,
    PAYMENT_PORT: port(4102),
    PAYMENT_DATABASE_URL: postgresUrl('shop_payment'),
    RABBITMQ_URL: rabbitmqUrl,
    EVENTS_EXCHANGE: eventsExchange,
    /** A charge that takes longer fails this attempt; the retry reuses the idempotency key, so it cannot double-charge. */
    PAYMENT_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    /** Opens the payment tokens the order service sealed (the same key there); development: var/keys/payment-token-key. */
    PAYMENT_TOKEN_KEY: aesKey.optional(),
  })
  .and(consumerRetryEnv)
  .and(eventQueuesEnv)
  .and(messagingRetentionEnv)
  .transform(requireInProduction(['PAYMENT_TOKEN_KEY']))
  .transform((env) => ({ ...env, PAYMENT_TOKEN_KEY: env.PAYMENT_TOKEN_KEY ?? devPaymentTokenKey() }));

export type PaymentEnv = z.infer<typeof paymentEnvSchema>;

export const loadPaymentEnv = (source: NodeJS.ProcessEnv = process.env): PaymentEnv => loadEnv(paymentEnvSchema, source);
