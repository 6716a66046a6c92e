import path from 'node:path';
import { commonEnv, internalKeysEnv, loadEnv, port, redisUrl, requireInProduction, userKeysEnv } from '@shop/kit';
import { z } from 'zod';
import { parseTrustProxy } from './security/client-ip.js';
import { parseOrigins } from './security/cors.js';

/** Defaults sized for a real shop: a person who mistypes a password a few times never sees them; a script does. */
export const RATE_LIMIT_DEFAULTS = {
  RATE_LIMIT_ANONYMOUS: '300/60',
  RATE_LIMIT_USER: '600/60',
  RATE_LIMIT_LOGIN_IP: '50/300',
  RATE_LIMIT_LOGIN_ACCOUNT: '10/300',
  RATE_LIMIT_REGISTER: '10/3600',
  RATE_LIMIT_REFRESH: '120/300',
  RATE_LIMIT_LOGOUT: '60/300',
  RATE_LIMIT_CHECKOUT: '20/60',
} as const;

/** `"<points>/<seconds>"`: that many points per window of that many seconds. */
const rate = (fallback: string) =>
  z
    .string()
    .regex(/^\s*[1-9]\d*\s*\/\s*[1-9]\d*\s*$/, 'expected "<points>/<seconds>", e.g. "10/300"')
    .default(fallback)
    .transform((value) => {
      const [points, seconds] = value.split('/').map((part) => Number(part.trim()));
      return { points: points!, duration: seconds! };
    });

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((value) => (value === undefined ? fallback : value === 'true' || value === '1'));

const trustProxy = z
  .string()
  .default('false')
  .transform((value, ctx) => {
    try {
      return parseTrustProxy(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

const origins = z
  .string()
  .default('http://localhost:3000')
  .transform((value, ctx) => {
    try {
      return parseOrigins(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

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
    RECOMMENDATION_URL: subgraphUrl,
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
    /** Those re-reads a second at most, whatever the number of open subscriptions (the round then takes longer). */
    SUBSCRIPTION_RESYNC_MAX_PER_SECOND: z.coerce.number().int().min(1).default(50),
    /** The largest graphql-ws message a client may send; a bigger one closes its socket (1009). */
    WS_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(1024).default(65_536),
    /** Operations one socket may run at once; the next one is refused with TOO_MANY_SUBSCRIPTIONS. */
    WS_MAX_SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().min(1).default(20),
    /** Open sockets one user may hold on one gateway process; the next connection_init is closed with 4429. */
    WS_MAX_SOCKETS_PER_USER: z.coerce.number().int().min(1).default(10),
    /** A socket that has not sent connection_init by then is closed (4408). */
    WS_CONNECTION_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
    /** Each socket is pinged this often; one that answered nothing for a whole period is cut (dead peers, lost NATs). */
    WS_KEEPALIVE_MS: z.coerce.number().int().min(1_000).max(300_000).default(30_000),
    /** Express's `trust proxy`: false (the socket's peer is the client), true, a hop count, or proxy CIDRs, comma-separated. */
    TRUST_PROXY: trustProxy,
    /** Browser pages (origins, comma-separated) allowed to call the API; the storefront under `npm start` by default. */
    CORS_ORIGINS: origins,
    RATE_LIMITS_ENABLED: flag(true),
    /** Where the shared rate-limit counters live; defaults to REDIS_URL. */
    RATE_LIMIT_REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    RATE_LIMIT_ANONYMOUS: rate(RATE_LIMIT_DEFAULTS.RATE_LIMIT_ANONYMOUS),
    RATE_LIMIT_USER: rate(RATE_LIMIT_DEFAULTS.RATE_LIMIT_USER),
    RATE_LIMIT_LOGIN_IP: rate(RATE_LIMIT_DEFAULTS.RATE_LIMIT_LOGIN_IP),
    RATE_LIMIT_LOGIN_ACCOUNT: rate(RATE_LIMIT_DEFAULTS.RATE_LIMIT_LOGIN_ACCOUNT),
    RATE_LIMIT_REGISTER: rate(RATE_LIMIT_DEFAULTS.RATE_LIMIT_REGISTER),
    RATE_LIMIT_REFRESH: rate(RATE_LIMIT_DEFAULTS.RATE_LIMIT_REFRESH),
    RATE_LIMIT_LOGOUT: rate(RATE_LIMIT_DEFAULTS.RATE_LIMIT_LOGOUT),
    RATE_LIMIT_CHECKOUT: rate(RATE_LIMIT_DEFAULTS.RATE_LIMIT_CHECKOUT),
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
    rateLimits: {
      enabled: env.RATE_LIMITS_ENABLED,
      redisUrl: env.RATE_LIMIT_REDIS_URL ?? env.REDIS_URL,
      limits: {
        anonymous: env.RATE_LIMIT_ANONYMOUS,
        user: env.RATE_LIMIT_USER,
        loginIp: env.RATE_LIMIT_LOGIN_IP,
        loginAccount: env.RATE_LIMIT_LOGIN_ACCOUNT,
        register: env.RATE_LIMIT_REGISTER,
        refresh: env.RATE_LIMIT_REFRESH,
        logout: env.RATE_LIMIT_LOGOUT,
        checkout: env.RATE_LIMIT_CHECKOUT,
      },
    },
    operationLimits: {
      maxDepth: env.MAX_QUERY_DEPTH,
      maxAliases: env.MAX_QUERY_ALIASES,
      maxRootFields: env.MAX_QUERY_ROOT_FIELDS,
      maxDirectives: env.MAX_QUERY_DIRECTIVES,
      maxCost: env.MAX_QUERY_COST,
      maxDocumentBytes: env.MAX_DOCUMENT_BYTES,
    },
    subgraphUrls: {
      user: env.USER_URL,
      product: env.PRODUCT_URL,
      cart: env.CART_URL,
      order: env.ORDER_URL,
      recommendation: env.RECOMMENDATION_URL,
    } as Record<string, string | undefined>,
  }));

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

export const loadGatewayEnv = (source: NodeJS.ProcessEnv = process.env): GatewayEnv => loadEnv(gatewayEnvSchema, source);
