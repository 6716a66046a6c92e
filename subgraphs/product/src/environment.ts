import {
  commonEnv,
  consumerRetryEnv,
  eventQueuesEnv,
  eventsExchange,
  internalKeysEnv,
  loadEnv,
  messagingRetentionEnv,
  MAX_MONEY_CENTS,
  port,
  postgresUrl,
  rabbitmqUrl,
  redisUrl,
  requireInProduction,
  SUBGRAPH_SECRETS,
  userKeysEnv,
} from '@shop/kit';
import { z } from 'zod';

export const productEnvSchema = z
  .object({
    PRODUCT_PORT: port(4002),
    PRODUCT_DATABASE_URL: postgresUrl('shop_product'),
    CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
      .default('USD'),
    /** The highest price createProduct/updateProduct accept ($100,000.00 by default); at most CART's line and total limits allow. */
    PRODUCT_MAX_PRICE_CENTS: z.coerce.number().int().min(1).max(MAX_MONEY_CENTS).default(10_000_000),
    REDIS_URL: redisUrl,
    RABBITMQ_URL: rabbitmqUrl,
    /** How long a reservation holds stock without a commit: longer than the order's payment window. */
    RESERVATION_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(10)
      .default(20 * 60),
    RESERVATION_SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).default(30_000),
    EVENTS_EXCHANGE: eventsExchange,
    /** Keys are `<prefix>product:<id>`; tests use their own prefix. */
    REDIS_KEY_PREFIX: z.string().default('shop:'),
    PRODUCT_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).default(300),
    /** A seller gets one low-stock mail when its product's stock falls to this or below, and another only after a restock above it. */
    LOW_STOCK_THRESHOLD: z.coerce.number().int().min(0).max(1_000_000).default(5),
  })
  .and(commonEnv)
  .and(consumerRetryEnv)
  .and(eventQueuesEnv)
  .and(messagingRetentionEnv)
  .and(userKeysEnv)
  .and(internalKeysEnv)
  .transform(requireInProduction(SUBGRAPH_SECRETS));

export type ProductEnv = z.infer<typeof productEnvSchema>;

export const loadProductEnv = (source: NodeJS.ProcessEnv = process.env): ProductEnv => loadEnv(productEnvSchema, source);
