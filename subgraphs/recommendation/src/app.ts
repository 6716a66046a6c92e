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
import { connectMessaging, messagingEntities, messagingMetrics } from '@shop/messaging';
import type { RecommendationEnv } from './environment.js';
import { migrations } from './migrations/index.js';
import { recommendationHandlers } from './modules/recommendation/handlers/index.js';
import { ProductClient } from './modules/recommendation/product.client.js';
import { CoPurchase, Purchase } from './modules/recommendation/purchase.entity.js';
import { RecommendationService } from './modules/recommendation/recommendation.service.js';
import { buildRecommendationSubgraph, SUBGRAPH_NAME } from './schema.js';

const POOL_MAX = 10;

export const entities = [Purchase, CoPurchase, ...messagingEntities];

export function connectRecommendationDatabase(env: RecommendationEnv, log = createLogger(SUBGRAPH_NAME, env.LOG_LEVEL)): Promise<MikroORM> {
  return createOrm({ clientUrl: env.RECOMMENDATION_DATABASE_URL, entities, migrations, logger: log, poolMax: POOL_MAX });
}

/** env -> orm -> product client -> broker, consumer -> schema -> server. `prepare` migrates first (nothing to seed). */
export async function startRecommendationService(env: RecommendationEnv, options: { prepare?: boolean } = {}) {
  const log = createLogger(SUBGRAPH_NAME, env.LOG_LEVEL);
  const orm = await connectRecommendationDatabase(env, log);
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
  // Counts confirmed orders (order.confirmed).
  const consumer = await consume({
    name: env.RECOMMENDATION_QUEUE,
    ...recommendationHandlers(),
    // Half the pool stays free for GraphQL requests.
    poolReserve: Math.ceil(POOL_MAX / 2),
  });
  messagingMetrics(metrics, { orm, broker, consumer });
  const policy = { bestSellersDays: env.BEST_SELLERS_DAYS };
  const { schema } = await buildRecommendationSubgraph();
  const server = await serveSubgraph({
    name: SUBGRAPH_NAME,
    port: env.RECOMMENDATION_PORT,
    production: env.NODE_ENV === 'production',
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    log,
    orm,
    schema,
    ...subgraphTrust(SUBGRAPH_NAME, env),
    metrics,
    extendContext: (base) => ({
      ...base,
      recommendations: new RecommendationService(base.em, products, policy, base.correlationId),
    }),
  });
  return {
    server,
    orm,
    consumer,
    close: async () => {
      await server.close();
      await consumer.close();
      await housekeeping.stop();
      await broker.close();
      productService.shutdown();
      await orm.close();
    },
  };
}
