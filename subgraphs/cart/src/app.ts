import type { MikroORM } from '@mikro-orm/postgresql';
import {
  createLogger,
  createMetrics,
  createOrm,
  migrate,
  serveSubgraph,
  ServiceClient,
  ServiceCredentials,
  subgraphTrust,
} from '@shop/kit';
import { connectMessaging, messagingEntities, messagingMetrics, OutboxRelay } from '@shop/messaging';
import type { CartEnv } from './environment.js';
import { migrations } from './migrations/index.js';
import { CartLine } from './modules/cart/cart-line.entity.js';
import { CartService } from './modules/cart/cart.service.js';
import { cartHandlers } from './modules/cart/handlers/index.js';
import { ProductClient } from './modules/cart/product.client.js';
import { buildCartSubgraph, SUBGRAPH_NAME } from './schema.js';

const POOL_MAX = 10;

export const entities = [CartLine, ...messagingEntities];

export function connectCartDatabase(env: CartEnv, log = createLogger(SUBGRAPH_NAME, env.LOG_LEVEL)): Promise<MikroORM> {
  return createOrm({ clientUrl: env.CART_DATABASE_URL, entities, migrations, logger: log, poolMax: POOL_MAX });
}

/** env -> orm -> product client -> broker, relay, consumer -> schema -> server. `prepare` migrates first (carts need no seed). */
export async function startCartService(env: CartEnv, options: { prepare?: boolean } = {}) {
  const log = createLogger(SUBGRAPH_NAME, env.LOG_LEVEL);
  const orm = await connectCartDatabase(env, log);
  if (options.prepare) await migrate(orm);
  const metrics = createMetrics(SUBGRAPH_NAME);
  const productService = new ServiceClient({
    name: 'product',
    url: env.PRODUCT_URL,
    credentials: new ServiceCredentials(env.SERVICE_TOKEN_SECRET, SUBGRAPH_NAME),
    log,
    timeoutMs: env.PRODUCT_TIMEOUT_MS,
    retries: 1,
    metrics,
  });
  const products = new ProductClient(productService);
  const { broker, housekeeping, consume } = connectMessaging(orm, env, log);
  // Publishes cart.price_dropped.
  const relay = new OutboxRelay(orm, broker, log);
  relay.start();
  // Takes bought lines out of carts (order.placed); tells carts of price drops (product.price_changed).
  const consumer = await consume({
    name: env.CART_QUEUE,
    ...cartHandlers({ nudge: () => relay.nudge() }),
    // Half the pool stays free for GraphQL requests (checkout's reserveStock / cartSnapshot must not queue behind events).
    poolReserve: Math.ceil(POOL_MAX / 2),
  });
  messagingMetrics(metrics, { orm, broker, relay, consumer });
  const policy = { maxQuantity: env.CART_MAX_QUANTITY, maxTotalCents: env.CART_MAX_TOTAL_CENTS };
  const { schema } = await buildCartSubgraph({ currency: env.CURRENCY, maxTotalCents: env.CART_MAX_TOTAL_CENTS });
  const server = await serveSubgraph({
    name: SUBGRAPH_NAME,
    port: env.CART_PORT,
    production: env.NODE_ENV === 'production',
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    log,
    orm,
    schema,
    ...subgraphTrust(SUBGRAPH_NAME, env),
    metrics,
    extendContext: (base) => ({ ...base, carts: new CartService(base.em, products, policy, base.correlationId) }),
  });
  return {
    server,
    orm,
    consumer,
    close: async () => {
      await server.close();
      await consumer.close();
      await housekeeping.stop();
      await relay.stop();
      await broker.close();
      productService.shutdown();
      await orm.close();
    },
  };
}
