import {
  aesKey,
  devPaymentTokenKey,
  eventQueuesEnv,
  eventsExchange,
  loadEnv,
  messagingRetentionEnv,
  logLevel,
  nodeEnv,
  port,
  postgresUrl,
  rabbitmqUrl,
} from '@shop/kit';
import { z } from 'zod';

export const paymentEnvSchema = z
  .object({
    NODE_ENV: nodeEnv,
    LOG_LEVEL: logLevel,
    PAYMENT_PORT: port(4102),
    PAYMENT_DATABASE_URL: postgresUrl('shop_payment'),
    RABBITMQ_URL: rabbitmqUrl,
    EVENTS_EXCHANGE: eventsExchange,
    /** A charge that takes longer fails this attempt; the retry reuses the idempotency key, so it cannot double-charge. */
    PAYMENT_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    /** First delay (ms) before retrying a delivery that failed for infrastructure reasons; it doubles per attempt. */
    CONSUMER_RETRY_BASE_MS: z.coerce.number().int().min(1).default(250),
    /** Longest delay (ms) between such retries; they go on, without an attempt limit, until the infrastructure is back. */
    CONSUMER_RETRY_CAP_MS: z.coerce.number().int().min(1).default(30_000),
    /** Opens the payment tokens the order service sealed (the same key there); development: var/keys/payment-token-key. */
    PAYMENT_TOKEN_KEY: aesKey.optional(),
  })
  .and(eventQueuesEnv)
  .and(messagingRetentionEnv)
  .transform((env, ctx) => {
    if (env.PAYMENT_TOKEN_KEY) return { ...env, PAYMENT_TOKEN_KEY: env.PAYMENT_TOKEN_KEY };
    if (env.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['PAYMENT_TOKEN_KEY'], message: 'required in production' });
      return z.NEVER;
    }
    return { ...env, PAYMENT_TOKEN_KEY: devPaymentTokenKey() };
  });

export type PaymentEnv = z.infer<typeof paymentEnvSchema>;

export const loadPaymentEnv = (source: NodeJS.ProcessEnv = process.env): PaymentEnv => loadEnv(paymentEnvSchema, source);
