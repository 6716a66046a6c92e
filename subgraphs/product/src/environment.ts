import { commonEnv, loadEnv, port, postgresUrl } from '@shop/kit';
import { z } from 'zod';

export const productEnvSchema = z
  .object({
    PRODUCT_PORT: port(4002),
    PRODUCT_DATABASE_URL: postgresUrl('shop_product'),
    CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
      .default('USD'),
  })
  .and(commonEnv);

export type ProductEnv = z.infer<typeof productEnvSchema>;

export const loadProductEnv = (source: NodeJS.ProcessEnv = process.env): ProductEnv => loadEnv(productEnvSchema, source);
