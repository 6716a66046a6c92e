import path from 'node:path';
import { commonEnv, loadEnv, port, redisUrl, requireInProduction } from '@shop/kit';
import { z } from 'zod';

const subgraphUrl = z.url({ protocol: /^https?$/ }).optional();

export const gatewayEnvSchema = z
  .object({
    PORT: port(4000).optional(),
    GATEWAY_PORT: port(4000),
    SUPERGRAPH_PATH: z.string().default(path.resolve(__dirname, '../../../schema/supergraph.graphql')),
    USER_URL: subgraphUrl,
    PRODUCT_URL: subgraphUrl,
    CART_URL: subgraphUrl,
    ORDER_URL: subgraphUrl,
    SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    MAX_QUERY_TOKENS: z.coerce.number().int().min(100).default(2000),
    /** Operation limits, checked before any subgraph is called (HTTP and graphql-ws); the defaults pass every SDK operation. */
    MAX_QUERY_DEPTH: z.coerce.number().int().min(1).default(10),
    MAX_QUERY_ALIASES: z.coerce.number().int().min(0).default(30),
    MAX_QUERY_ROOT_FIELDS: z.coerce.number().int().min(1).default(10),
    MAX_QUERY_DIRECTIVES: z.coerce.number().int().min(0).default(20),
    /** 1 per field, times `first` (or the expected list size) below each list; `me { orders(first: 100) }` is ~27k. */
    MAX_QUERY_COST: z.coerce.number().int().min(1).default(50_000),
    /** The operation text as sent, comments included. */
    MAX_DOCUMENT_BYTES: z.coerce.number().int().min(100).default(16_384),
    /** Order status changes arrive here (the order subgraph publishes them; one channel per order). */
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: z.string().default('shop:'),
    /** Every open subscription re-reads its order this often, whatever Redis delivered: the backstop for lost messages. */
    SUBSCRIPTION_RESYNC_MS: z.coerce.number().int().min(100).default(10_000),
  })
  .and(commonEnv)
  .transform(requireInProduction())
  .transform((env) => ({
    ...env,
    // PORT wins over GATEWAY_PORT, as platforms that inject PORT expect.
    PORT: env.PORT ?? env.GATEWAY_PORT,
    operationLimits: {
      maxDepth: env.MAX_QUERY_DEPTH,
      maxAliases: env.MAX_QUERY_ALIASES,
      maxRootFields: env.MAX_QUERY_ROOT_FIELDS,
      maxDirectives: env.MAX_QUERY_DIRECTIVES,
      maxCost: env.MAX_QUERY_COST,
      maxDocumentBytes: env.MAX_DOCUMENT_BYTES,
    },
    subgraphUrls: { user: env.USER_URL, product: env.PRODUCT_URL, cart: env.CART_URL, order: env.ORDER_URL } as Record<
      string,
      string | undefined
    >,
  }));

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

export const loadGatewayEnv = (source: NodeJS.ProcessEnv = process.env): GatewayEnv => loadEnv(gatewayEnvSchema, source);
