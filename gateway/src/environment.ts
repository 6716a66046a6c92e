import path from 'node:path';
import { commonEnv, internalKeysEnv, loadEnv, port, redisUrl, requireInProduction, userKeysEnv } from '@shop/kit';
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
    /** Order status changes arrive here (the order subgraph publishes them; one channel per order). */
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: z.string().default('shop:'),
    /** Every open subscription re-reads its order this often, whatever Redis delivered: the backstop for lost messages. */
    SUBSCRIPTION_RESYNC_MS: z.coerce.number().int().min(100).default(10_000),
    /** The largest graphql-ws message a client may send; a bigger one closes its socket (1009). */
    WS_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(1024).default(65_536),
    /** Operations one socket may run at once; the next one is refused with TOO_MANY_SUBSCRIPTIONS. */
    WS_MAX_SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().min(1).default(20),
    /** Open sockets one user may hold on one gateway process; the next connection_init is closed with 4429. */
    WS_MAX_SOCKETS_PER_USER: z.coerce.number().int().min(1).default(10),
    /** A socket that has not sent connection_init by then is closed (4408). */
    WS_CONNECTION_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  })
  .and(commonEnv)
  .and(userKeysEnv)
  // The gateway holds only its own credential: it can reach the subgraphs, but not act as a service or sign a user token.
  .and(internalKeysEnv.pick({ GATEWAY_TOKEN_SECRET: true }))
  .transform(requireInProduction(['GATEWAY_TOKEN_SECRET']))
  .transform((env) => ({
    ...env,
    // PORT wins over GATEWAY_PORT, as platforms that inject PORT expect.
    PORT: env.PORT ?? env.GATEWAY_PORT,
    subgraphUrls: { user: env.USER_URL, product: env.PRODUCT_URL, cart: env.CART_URL, order: env.ORDER_URL } as Record<
      string,
      string | undefined
    >,
  }));

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

export const loadGatewayEnv = (source: NodeJS.ProcessEnv = process.env): GatewayEnv => loadEnv(gatewayEnvSchema, source);
