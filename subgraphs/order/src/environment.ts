import {
  consumerRetryEnv,
  aesKey,
  commonEnv,
  DEFAULT_MAX_TOTAL_CENTS,
  devPaymentTokenKey,
  eventQueuesEnv,
  eventsExchange,
  internalKeysEnv,
  loadEnv,
  MAX_MONEY_CENTS,
  messagingRetentionEnv,
  port,
  postgresUrl,
  rabbitmqUrl,
  redisUrl,
  requireInProduction,
  SUBGRAPH_SECRETS,
  userKeysEnv,
} from '@shop/kit';
import { z } from 'zod';

const serviceUrl = (fallback: string) => z.url({ protocol: /^https?$/ }).default(fallback);
const millis = (fallback: number, min = 10) => z.coerce.number().int().min(min).default(fallback);

export const orderEnvSchema = z
  .object({
    ORDER_PORT: port(4004),
    ORDER_DATABASE_URL: postgresUrl('shop_order'),
    /** The cart subgraph (the lines to buy) and the product subgraph (stock reservation), called during checkout. */
    CART_URL: serviceUrl('http://localhost:4003/graphql'),
    PRODUCT_URL: serviceUrl('http://localhost:4002/graphql'),
    SERVICE_TIMEOUT_MS: millis(3000, 50),
    /** The largest order total; the same setting as the cart's, so any cart the cart accepts can be bought. */
    CART_MAX_TOTAL_CENTS: z.coerce.number().int().min(1).max(MAX_MONEY_CENTS).default(DEFAULT_MAX_TOTAL_CENTS),
    RABBITMQ_URL: rabbitmqUrl,
    EVENTS_EXCHANGE: eventsExchange,
    /** Status changes are published here for subscriptions (one channel per order). */
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: z.string().default('shop:'),
    /** An unpaid order older than this is cancelled as expired and its stock released. */
    ORDER_PAYMENT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
    /** A checkout whose reservation outcome is unknown (product unreachable mid-call) is undone after this. */
    CHECKOUT_ABANDON_AFTER_MS: millis(60_000, 100),
    /** How often the due work (expiry of unpaid orders, abandoning lost checkouts) looks for what fell due. */
    ORDER_SWEEP_INTERVAL_MS: millis(1000),
    /** Seals payment tokens for the payment worker (the same key there); development: var/keys/payment-token-key. */
    PAYMENT_TOKEN_KEY: aesKey.optional(),
  })
  .and(commonEnv)
  .and(consumerRetryEnv)
  .and(eventQueuesEnv)
  .and(messagingRetentionEnv)
  .and(userKeysEnv)
  .and(internalKeysEnv)
  .transform(requireInProduction([...SUBGRAPH_SECRETS, 'PAYMENT_TOKEN_KEY']))
  .transform((env) => ({ ...env, PAYMENT_TOKEN_KEY: env.PAYMENT_TOKEN_KEY ?? devPaymentTokenKey() }));

export type OrderEnv = z.infer<typeof orderEnvSchema>;

export const loadOrderEnv = (source: NodeJS.ProcessEnv = process.env): OrderEnv => loadEnv(orderEnvSchema, source);
