import {
  commonEnv,
  consumerRetryEnv,
  eventQueuesEnv,
  eventsExchange,
  internalKeysEnv,
  loadEnv,
  messagingRetentionEnv,
  port,
  postgresUrl,
  rabbitmqUrl,
  requireInProduction,
  SUBGRAPH_SECRETS,
  userKeysEnv,
} from '@shop/kit';
import { z } from 'zod';

export const recommendationEnvSchema = z
  .object({
    RECOMMENDATION_PORT: port(4005),
    RECOMMENDATION_DATABASE_URL: postgresUrl('shop_recommendation'),
    /** The product subgraph, asked which candidates are archived (it publishes no event when a product is archived). */
    PRODUCT_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:4002/graphql'),
    PRODUCT_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(2000),
    /** How far back bestSellers counts units of confirmed orders. */
    BEST_SELLERS_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** Confirmed orders arrive as order.confirmed. */
    RABBITMQ_URL: rabbitmqUrl,
    EVENTS_EXCHANGE: eventsExchange,
  })
  .and(commonEnv)
  .and(consumerRetryEnv)
  .and(eventQueuesEnv)
  .and(messagingRetentionEnv)
  .and(userKeysEnv)
  .and(internalKeysEnv)
  .transform(requireInProduction(SUBGRAPH_SECRETS));

export type RecommendationEnv = z.infer<typeof recommendationEnvSchema>;

export const loadRecommendationEnv = (source: NodeJS.ProcessEnv = process.env): RecommendationEnv =>
  loadEnv(recommendationEnvSchema, source);
