import {
  commonEnv,
  consumerRetryEnv,
  eventQueuesEnv,
  eventsExchange,
  messagingRetentionEnv,
  rabbitmqUrl,
  DEFAULT_MAX_TOTAL_CENTS,
  internalKeysEnv,
  loadEnv,
  MAX_MONEY_CENTS,
  port,
  postgresUrl,
  requireInProduction,
  SUBGRAPH_SECRETS,
  userKeysEnv,
} from '@shop/kit';
import { z } from 'zod';

export const cartEnvSchema = z
  .object({
    CART_PORT: port(4003),
    CART_DATABASE_URL: postgresUrl('shop_cart'),
    /** The product subgraph, asked for price and stock when a line is added or changed. */
    PRODUCT_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:4002/graphql'),
    PRODUCT_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(2000),
    CART_MAX_QUANTITY: z.coerce.number().int().min(1).max(10_000).default(99),
    /** The largest line total and cart subtotal at current prices; below GraphQL's Int limit. */
    CART_MAX_TOTAL_CENTS: z.coerce.number().int().min(1).max(MAX_MONEY_CENTS).default(DEFAULT_MAX_TOTAL_CENTS),
    /** Bought lines leave the cart when the order's order.placed event arrives. */
    RABBITMQ_URL: rabbitmqUrl,
    EVENTS_EXCHANGE: eventsExchange,
    CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
      .default('USD'),
  })
  .and(commonEnv)
  .and(consumerRetryEnv)
  .and(eventQueuesEnv)
  .and(messagingRetentionEnv)
  .and(userKeysEnv)
  .and(internalKeysEnv)
  .transform(requireInProduction(SUBGRAPH_SECRETS));

export type CartEnv = z.infer<typeof cartEnvSchema>;

export const loadCartEnv = (source: NodeJS.ProcessEnv = process.env): CartEnv => loadEnv(cartEnvSchema, source);
