import type { MikroORM } from '@mikro-orm/postgresql';
import {
  Counter,
  createLogger,
  createMetrics,
  createOrm,
  migrate,
  Redis,
  redisReconnect,
  SealedBox,
  serveSubgraph,
  ServiceClient,
  ServiceCredentials,
  subgraphTrust,
} from '@shop/kit';
import { connectMessaging, messagingEntities, messagingMetrics, OutboxRelay } from '@shop/messaging';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { OrderEnv } from './environment.js';
import { migrations } from './migrations/index.js';
import { Checkout, Order, OrderItem, OrderStatusChange, Sale } from './modules/order/order.entity.js';
import { SalesService } from './modules/sales/sales.service.js';
import { OrderService } from './modules/order/order.service.js';
import { DueWork } from './modules/order/due-work.js';
import { orderHandlers } from './modules/order/handlers/index.js';
import { CartCalls, StockCalls } from './modules/order/service-calls.js';
import { StatusPublisher } from './modules/order/status-publisher.js';
import { buildOrderSubgraph, SUBGRAPH_NAME } from './schema.js';

export const entities = [Order, OrderItem, OrderStatusChange, Checkout, Sale, ...messagingEntities];

const ORDER_POOL_MAX = 10;

export function connectOrderDatabase(env: OrderEnv, log = createLogger(SUBGRAPH_NAME, env.LOG_LEVEL)): Promise<MikroORM> {
  return createOrm({ clientUrl: env.ORDER_DATABASE_URL, entities, migrations, logger: log, poolMax: ORDER_POOL_MAX });
}

/** env -> orm -> service clients -> broker, relay, consumer, due work -> schema -> server. */
export async function startOrderService(env: OrderEnv, options: { prepare?: boolean } = {}) {
  const log = createLogger(SUBGRAPH_NAME, env.LOG_LEVEL);
  const orm = await connectOrderDatabase(env, log);
  if (options.prepare) await migrate(orm);
  const metrics = createMetrics(SUBGRAPH_NAME);
  const credentials = new ServiceCredentials(env.SERVICE_TOKEN_SECRET, SUBGRAPH_NAME);
  const callOptions = { log, credentials, timeoutMs: env.SERVICE_TIMEOUT_MS, retries: 1, metrics };
  const cartService = new ServiceClient({ name: 'cart', url: env.CART_URL, ...callOptions });
  const productService = new ServiceClient({ name: 'product', url: env.PRODUCT_URL, ...callOptions });
  const cart = new CartCalls(cartService, log);
  const stock = new StockCalls(productService, log);

  const redisOptions = { ...redisReconnect, maxRetriesPerRequest: 1 };
  const pubsub = new RedisPubSub({
    publisher: new Redis(env.REDIS_URL, { ...redisOptions, enableOfflineQueue: false }),
    // Only used if someone subscribes on the subgraph itself; the gateway serves subscriptions.
    subscriber: new Redis(env.REDIS_URL, { ...redisOptions, lazyConnect: true }),
  });
  pubsub.getPublisher().on('error', (error: Error) => log.warn({ err: error }, 'redis unavailable for status announcements'));
  // The checkout funnel: how many orders reached each status (a bounded label: the statuses of the state machine).
  const statusChanges = new Counter({
    name: 'order_status_changes_total',
    help: 'Committed order status changes by the status reached (placements count as PENDING)',
    labelNames: ['status'],
    registers: [metrics],
  });
  const publisher = new StatusPublisher(pubsub, env.REDIS_KEY_PREFIX, log, (status) => statusChanges.inc({ status }));

  const { broker, housekeeping, consume } = connectMessaging(orm, env, log);
  const relay = new OutboxRelay(orm, broker, log);
  const nudge = () => relay.nudge();
  const dueWork = new DueWork(
    orm,
    publisher,
    nudge,
    {
      paymentWindowSeconds: env.ORDER_PAYMENT_WINDOW_SECONDS,
      abandonAfterMs: env.CHECKOUT_ABANDON_AFTER_MS,
      intervalMs: env.ORDER_SWEEP_INTERVAL_MS,
    },
    log,
  );
  relay.start();
  dueWork.start();
  const consumer = await consume({
    name: env.ORDER_QUEUE,
    ...orderHandlers({ publisher, nudge }),
    // Half the pool stays free for GraphQL requests; deliveries get the rest (prefetch 5 with the default pool of 10).
    poolReserve: Math.ceil(ORDER_POOL_MAX / 2),
  });
  messagingMetrics(metrics, { orm, broker, relay, consumer });

  const dependencies = {
    cart,
    stock,
    publisher,
    nudge,
    takeoverAfterMs: Math.min(env.SERVICE_TIMEOUT_MS * 3, Math.floor(env.CHECKOUT_ABANDON_AFTER_MS / 2)),
    maxTotalCents: env.CART_MAX_TOTAL_CENTS,
    paymentTokens: new SealedBox(env.PAYMENT_TOKEN_KEY),
  };
  const { schema } = await buildOrderSubgraph({
    pubSub: { publish: (topic, payload) => pubsub.publish(topic, payload), subscribe: (topic) => pubsub.asyncIterableIterator(topic) },
  });
  const server = await serveSubgraph({
    name: SUBGRAPH_NAME,
    port: env.ORDER_PORT,
    production: env.NODE_ENV === 'production',
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    log,
    orm,
    schema,
    ...subgraphTrust(SUBGRAPH_NAME, env),
    metrics,
    readiness: { rabbitmq: async () => broker.assertConnected() },
    extendContext: (base) => ({
      ...base,
      orders: new OrderService(base.em as never, dependencies, base.correlationId, base.log),
      sales: new SalesService(base.em as never),
    }),
  });
  return {
    server,
    orm,
    dueWork,
    consumer,
    close: async () => {
      await server.close();
      await consumer.close();
      await dueWork.stop();
      await relay.stop();
      await housekeeping.stop();
      await broker.close();
      cartService.shutdown();
      productService.shutdown();
      publisher.close();
      await pubsub.close();
      await orm.close();
    },
  };
}
