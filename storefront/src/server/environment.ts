import { z } from 'zod';

const schema = z
  .object({
    STOREFRONT_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    /** The gateway the page talks to, as the browser reaches it (not as this server does). */
    GATEWAY_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:4000/graphql'),
    /** Subscriptions; defaults to GATEWAY_URL with ws(s)://. */
    GATEWAY_WS_URL: z.url({ protocol: /^wss?$/ }).optional(),
  })
  .transform((env) => ({ ...env, GATEWAY_WS_URL: env.GATEWAY_WS_URL ?? env.GATEWAY_URL.replace(/^http/, 'ws') }));

export type StorefrontEnv = z.infer<typeof schema>;

export function loadStorefrontEnv(source: NodeJS.ProcessEnv = process.env): StorefrontEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    throw new Error(
      `Invalid storefront configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  return parsed.data;
}
