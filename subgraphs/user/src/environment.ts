import {
  commonEnv,
  devKeyFile,
  eventQueuesEnv,
  eventsExchange,
  generateSigningKey,
  internalKeysEnv,
  loadEnv,
  messagingRetentionEnv,
  parseJwk,
  port,
  postgresUrl,
  rabbitmqUrl,
  requireInProduction,
} from '@shop/kit';
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
    /** The private Ed25519 JWK that signs access tokens; only this service has it. */
    USER_SIGNING_KEY: z.string().min(1).optional(),
    /** Public JWKs (a JSON array) still accepted after a rotation, until tokens signed with them have expired. */
    USER_PREVIOUS_PUBLIC_KEYS: z.string().default('[]'),
  })
  .and(commonEnv)
  .and(eventQueuesEnv)
  .and(messagingRetentionEnv)
  .and(internalKeysEnv)
  .transform(requireInProduction(['ADMIN_EMAIL', 'ADMIN_PASSWORD', 'USER_SIGNING_KEY', 'GATEWAY_TOKEN_SECRET', 'SERVICE_TOKEN_SECRET']))
  .transform((env, ctx) => {
    try {
      // In development the key is made on first start and kept in var/keys, so tokens survive a restart.
      if (!env.USER_SIGNING_KEY && env.NODE_ENV === 'production') return z.NEVER;
      const signingKey = parseJwk(
        env.USER_SIGNING_KEY ?? devKeyFile('user-signing-key.jwk.json', () => JSON.stringify(generateSigningKey())),
        'USER_SIGNING_KEY',
      );
      if (!signingKey.d) throw new Error('USER_SIGNING_KEY must be a private key (it has no "d")');
      const previous: unknown = JSON.parse(env.USER_PREVIOUS_PUBLIC_KEYS);
      if (!Array.isArray(previous)) throw new Error('USER_PREVIOUS_PUBLIC_KEYS must be a JSON array of public JWKs');
      return {
        ...env,
        ADMIN_EMAIL: env.ADMIN_EMAIL ?? DEV_ADMIN.email,
        ADMIN_PASSWORD: env.ADMIN_PASSWORD ?? DEV_ADMIN.password,
        signingKey,
        previousPublicKeys: previous.map((key, i) => parseJwk(JSON.stringify(key), `USER_PREVIOUS_PUBLIC_KEYS[${i}]`)),
      };
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['USER_SIGNING_KEY'], message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });

export type UserEnv = z.infer<typeof userEnvSchema>;

export const loadUserEnv = (source: NodeJS.ProcessEnv = process.env): UserEnv => loadEnv(userEnvSchema, source);
