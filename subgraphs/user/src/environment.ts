import { commonEnv, eventsExchange, loadEnv, rabbitmqUrl, requireInProduction, port, postgresUrl } from '@shop/kit';
import { z } from 'zod';

const DEV_ADMIN = { email: 'admin@example.com', password: 'admin-password-123' };

export const userEnvSchema = z
  .object({
    USER_PORT: port(4001),
    USER_DATABASE_URL: postgresUrl('shop_user'),
    ADMIN_EMAIL: z.email().optional(),
    ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
    REFRESH_TOKEN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .default(30 * 86_400),
    RABBITMQ_URL: rabbitmqUrl,
    EVENTS_EXCHANGE: eventsExchange,
  })
  .and(commonEnv)
  .transform(requireInProduction(['ADMIN_EMAIL', 'ADMIN_PASSWORD']))
  .transform((env) => ({
    ...env,
    ADMIN_EMAIL: env.ADMIN_EMAIL ?? DEV_ADMIN.email,
    ADMIN_PASSWORD: env.ADMIN_PASSWORD ?? DEV_ADMIN.password,
  }));

export type UserEnv = z.infer<typeof userEnvSchema>;

export const loadUserEnv = (source: NodeJS.ProcessEnv = process.env): UserEnv => loadEnv(userEnvSchema, source);
