import type { MikroORM } from '@mikro-orm/postgresql';
import {
  PollingLoop,
  Counter,
  createCacheRedis,
  waitForRedis,
  createLogger,
  createMetrics,
  createOrm,
  migrate,
  serveSubgraph,
  subgraphTrust,
} from '@shop/kit';
import { ProductCache } from './modules/product/product.cache.js';
import { StockReservation } from './modules/stock/stock-reservation.entity.js';
import { StockService } from './modules/stock/stock.service.js';
import { connectMessaging, messagingEntities, messagingMetrics, OutboxRelay } from '@shop/messaging';
import { productHandlers } from './modules/stock/handlers/index.js';
import type { ProductEnv } from './environment.js';
import { migrations } from './migrations/index.js';
import { Product } from './modules/product/product.entity.js';
import { ProductService } from './modules/product/product.service.js';
import { buildProductSubgraph, SUBGRAPH_NAME } from './schema.js';
import { seedCatalogue } from './seeders/catalogue.seeder.js';

const POOL_MAX = 10;

export const entities = [Product, StockReservation, ...messagingEntities];

export function connectProductDatabase(env: ProductEnv, log = createLogger(SUBGRAPH_NAME, env.LOG_LEVEL)): Promise<MikroORM> {
  return createOrm({ clientUrl: env.PRODUCT_DATABASE_URL, entities, migrations, logger: log, poolMax: POOL_MAX });
}

export async function seedProducts(orm: MikroORM, env: ProductEnv): Promise<string> {
  return `${await seedCatalogue(orm.em.fork(), env.CURRENCY)} catalogue product(s) added`;
}

/** env -> orm -> cache -> broker, relay, consumer, sweeper -> schema -> server. `prepare` migrates and seeds first. */
export async function startProductService(env: ProductEnv, options: { prepare?: boolean } = {}) {
  const log = createLogger(SUBGRAPH_NAME, env.LOG_LEVEL);
  const orm = await connectProductDatabase(env, log);
  if (options.prepare) {
    await migrate(orm);
    await seedProducts(orm, env);
  }
  const metrics = createMetrics(SUBGRAPH_NAME);
  const redis = createCacheRedis(env.REDIS_URL, log);
  await waitForRedis(redis);
  const counters = {
    hits: new Counter({ name: 'product_cache_hits_total', help: 'Product reads served from Redis', registers: [metrics] }),
    misses: new Counter({ name: 'product_cache_misses_total', help: 'Product reads that went to Postgres', registers: [metrics] }),
    errors: new Counter({ name: 'product_cache_errors_total', help: 'Failed cache operations', labelNames: ['op'], registers: [metrics] }),
  };
  const cache = new ProductCache(redis, env.REDIS_KEY_PREFIX, env.PRODUCT_CACHE_TTL_SECONDS, counters, log);
  const { broker, housekeeping, consume } = connectMessaging(orm, env, log);
  const relay = new OutboxRelay(orm, broker, log);
  relay.start();
  // Releases what orders that expired, or were never stored, still hold.
  const sweeper = new PollingLoop(() => new StockService(orm.em.fork(), cache, env.RESERVATION_TTL_SECONDS).releaseExpired(), {
    name: 'reservation sweeper',
    log,
    intervalMs: env.RESERVATION_SWEEP_INTERVAL_MS,
  });
  sweeper.start();
  // Commits, releases and gives back stock as orders move (order.paid, order.cancelled, checkout.abandoned).
  const consumer = await consume({
    name: env.PRODUCT_QUEUE,
    ...productHandlers({ cache, reservationTtlSeconds: env.RESERVATION_TTL_SECONDS, nudge: () => relay.nudge() }),
    // Half the pool stays free for GraphQL requests (checkout's reserveStock / cartSnapshot must not queue behind events).
    poolReserve: Math.ceil(POOL_MAX / 2),
  });
  messagingMetrics(metrics, { orm, broker, relay, consumer });
  const { schema } = await buildProductSubgraph();
  const server = await serveSubgraph({
    name: SUBGRAPH_NAME,
    port: env.PRODUCT_PORT,
    production: env.NODE_ENV === 'production',
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    log,
    orm,
    schema,
    ...subgraphTrust(SUBGRAPH_NAME, env),
    metrics,
    extendContext: (base) => ({
      ...base,
      products: new ProductService(
        base.em,
        { currency: env.CURRENCY, maxPriceCents: env.PRODUCT_MAX_PRICE_CENTS, lowStockThreshold: env.LOW_STOCK_THRESHOLD },
        cache,
        base.correlationId,
        () => relay.nudge(),
      ),
      stock: new StockService(base.em, cache, env.RESERVATION_TTL_SECONDS, {
        threshold: env.LOW_STOCK_THRESHOLD,
        correlationId: base.correlationId,
        eventsWritten: () => relay.nudge(),
      }),
    }),
  });
  return {
    server,
    orm,
    redis,
    counters,
    consumer,
    close: async () => {
      await server.close();
      await consumer.close();
      await sweeper.stop();
      await housekeeping.stop();
      await relay.stop();
      await broker.close();
      await orm.close();
      redis.disconnect();
    },
  };
}
