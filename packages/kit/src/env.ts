import { z } from 'zod';
import { devSecret } from './dev-keys.js';

export class EnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvironmentError';
  }
}

/** Parses `source` with `schema`; throws one error naming every bad variable, so a deploy fails once, not N times. */
export function loadEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const value = issue.path.length > 0 ? source[String(issue.path[0])] : undefined;
    return `${name}: ${issue.message}${value === undefined ? ' (not set)' : ''}`;
  });
  throw new EnvironmentError(problems);
}

export const nodeEnv = z.enum(['development', 'test', 'production']).default('development');
export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export const postgresUrl = (database: string) =>
  z.url({ protocol: /^postgres(ql)?$/ }).default(`postgres://postgres@127.0.0.1:5432/${database}`);

export const redisUrl = z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379');

export const rabbitmqUrl = z.url({ protocol: /^amqps?$/ }).default('amqp://guest:guest@127.0.0.1:5672');
export const eventsExchange = z.string().min(1).default('shop.events');

const queueName = (fallback: string) => z.string().min(1).default(fallback);

/**
 * Every consumer's durable queue (and its `.retry`, `.dlq`). Every service that publishes or consumes reads all
 * six: each declares the whole topology at start, so an event published before its consumer first ran waits.
 */
export const eventQueuesEnv = z.object({
  ORDER_QUEUE: queueName('order'),
  PRODUCT_QUEUE: queueName('product'),
  CART_QUEUE: queueName('cart'),
  PAYMENT_QUEUE: queueName('payment'),
  NOTIFICATION_QUEUE: queueName('notification'),
  RECOMMENDATION_QUEUE: queueName('recommendation'),
});

const hours = (fallback: number, min: number) => z.coerce.number().min(min).default(fallback);

/** How long published outbox rows and inbox rows are kept before the pruning loop deletes them. */
export const messagingRetentionEnv = z.object({
  OUTBOX_RETENTION_HOURS: hours(72, 1),
  /** Longer than any redelivery (a relay's duplicate publish, a consumer's retries) can arrive: a pruned row lets a twin in. */
  INBOX_RETENTION_HOURS: hours(168, 24),
});

/** How a consumer backs off from a delivery that failed for infrastructure reasons (see @shop/messaging's consumer). */
export const consumerRetryEnv = z.object({
  /** First delay (ms) before retrying a delivery that failed for infrastructure reasons; it doubles per attempt. */
  CONSUMER_RETRY_BASE_MS: z.coerce.number().int().min(1).default(250),
  /** Longest delay (ms) between such retries; they go on, without an attempt limit, until the infrastructure is back. */
  CONSUMER_RETRY_CAP_MS: z.coerce.number().int().min(1).default(30_000),
});

/**
 * Whether a service applies its migrations (and seeds) as it starts: `true` for `npm start` and compose; `false` where
 * a migration Job has run them before the rollout (deploy/), so replicas never migrate while others serve.
 */
export const migrateOnStart = z
  .enum(['true', 'false', '1', '0'])
  .default('true')
  .transform((value) => value === 'true' || value === '1');

/** Variables every service reads. Finish a service's schema with `.transform(requireInProduction([...]))`. */
export const commonEnv = z.object({
  NODE_ENV: nodeEnv,
  LOG_LEVEL: logLevel,
  JWT_ISSUER: z.string().min(1).default('shop-user'),
  JWT_AUDIENCE: z.string().min(1).default('shop'),
  /** Subgraphs: a request still running after this is abandoned (a bit above the gateway's SUBGRAPH_TIMEOUT_MS). */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(12_000),
  MIGRATE_ON_START: migrateOnStart,
});

const secret = z.string().min(32, 'must be at least 32 characters').optional();
const blankAsUnset = (value: unknown) => (value === '' ? undefined : value);

/** How a service that verifies user tokens finds the user service's public keys. */
export const userKeysEnv = z.object({
  USER_JWKS_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:4001/.well-known/jwks.json'),
  USER_JWKS: z.preprocess(blankAsUnset, z.string().optional()),
});

/** The internal credentials: the gateway's (every subgraph checks it) and the services' own (never the gateway's). */
export const internalKeysEnv = z.object({
  GATEWAY_TOKEN_SECRET: secret,
  SERVICE_TOKEN_SECRET: secret,
});

type CommonInput = z.infer<typeof commonEnv>;

// Outside production these come from var/keys (made on first start), so a development machine needs no setup.
const DEV_SECRETS: Record<string, string> = {
  GATEWAY_TOKEN_SECRET: 'gateway-token-secret',
  SERVICE_TOKEN_SECRET: 'service-token-secret',
};

type Settled<T, N extends string> = Omit<T, N> & { [K in N & keyof T]-?: NonNullable<T[K]> };

/**
 * One final step, so every variable production requires is reported together. Outside production, the internal
 * secrets among `names` fall back to development keys under var/keys; anything else keeps its own default.
 */
export function requireInProduction<const N extends string>(names: readonly N[] = []) {
  return <T extends Pick<CommonInput, 'NODE_ENV'> & Partial<Record<N, unknown>>>(env: T, ctx: z.RefinementCtx): Settled<T, N> => {
    const values = env as Record<string, unknown>;
    if (env.NODE_ENV === 'production') {
      const missing = (names as readonly string[]).filter((name) => !values[name]);
      for (const name of missing) ctx.addIssue({ code: 'custom', path: [name], message: 'required in production' });
      if (missing.length) return z.NEVER;
    }
    const settled: Record<string, unknown> = { ...values };
    for (const name of names) {
      const file = DEV_SECRETS[name];
      if (!settled[name] && file) settled[name] = devSecret(file);
    }
    if (settled.GATEWAY_TOKEN_SECRET && settled.GATEWAY_TOKEN_SECRET === settled.SERVICE_TOKEN_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SERVICE_TOKEN_SECRET'], message: 'must differ from GATEWAY_TOKEN_SECRET' });
      return z.NEVER;
    }
    return settled as Settled<T, N>;
  };
}

export type CommonEnv = CommonInput;
