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

const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789abcdef';

/** Variables every service reads. JWT_SECRET must be set (32+ chars) in production. */
export const commonEnv = z
  .object({
    NODE_ENV: nodeEnv,
    LOG_LEVEL: logLevel,
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWT_ISSUER: z.string().min(1).default('shop-user'),
    JWT_AUDIENCE: z.string().min(1).default('shop'),
  })
  .transform((env, ctx) => {
    if (!env.JWT_SECRET && env.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'required in production' });
      return z.NEVER;
    }
    return { ...env, JWT_SECRET: env.JWT_SECRET ?? DEV_JWT_SECRET };
  });

export type CommonEnv = z.infer<typeof commonEnv>;
