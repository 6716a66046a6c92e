import { commonEnv, loadEnv, port, postgresUrl } from '@shop/kit';
import { z } from 'zod';

export const cartEnvSchema = z
  .object({
    CART_PORT: port(4003),
    CART_DATABASE_URL: postgresUrl('shop_cart'),
  })
  .and(commonEnv);

export type CartEnv = z.infer<typeof cartEnvSchema>;

export const loadCartEnv = (source: NodeJS.ProcessEnv = process.env): CartEnv => loadEnv(cartEnvSchema, source);
