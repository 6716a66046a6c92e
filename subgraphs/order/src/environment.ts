import { commonEnv, loadEnv, requireInProduction, port, postgresUrl } from '@shop/kit';
import { z } from 'zod';

export const orderEnvSchema = z
  .object({
    ORDER_PORT: port(4004),
    ORDER_DATABASE_URL: postgresUrl('shop_order'),
  })
  .and(commonEnv)
  .transform(requireInProduction());

export type OrderEnv = z.infer<typeof orderEnvSchema>;

export const loadOrderEnv = (source: NodeJS.ProcessEnv = process.env): OrderEnv => loadEnv(orderEnvSchema, source);
