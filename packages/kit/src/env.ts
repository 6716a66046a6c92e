import { z } from 'zod';

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

const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789abcdef';

/** Variables every service reads. Finish a service's schema with `.transform(requireInProduction([...]))`. */
export const commonEnv = z.object({
  NODE_ENV: nodeEnv,
  LOG_LEVEL: logLevel,
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_ISSUER: z.string().min(1).default('shop-user'),
  JWT_AUDIENCE: z.string().min(1).default('shop'),
  /** Subgraphs: a request still running after this is abandoned (a bit above the gateway's SUBGRAPH_TIMEOUT_MS). */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(12_000),
});

type CommonInput = z.infer<typeof commonEnv>;

/**
 * One final step, so every variable production requires is reported together: JWT_SECRET plus `names`.
 * Outside production, JWT_SECRET falls back to a development-only value.
 */
export function requireInProduction<const N extends string>(names: readonly N[] = []) {
  return <T extends CommonInput & Partial<Record<N, unknown>>>(env: T, ctx: z.RefinementCtx) => {
    if (env.NODE_ENV === 'production') {
      const missing = (['JWT_SECRET', ...names] as string[]).filter((name) => !(env as Record<string, unknown>)[name]);
      for (const name of missing) ctx.addIssue({ code: 'custom', path: [name], message: 'required in production' });
      if (missing.length) return z.NEVER;
    }
    return { ...env, JWT_SECRET: env.JWT_SECRET ?? DEV_JWT_SECRET };
  };
}

export type CommonEnv = CommonInput & { JWT_SECRET: string };
