import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCartService, loadCartEnv } from '@shop/cart';
import { TEST_ENV, dropDatabases, testDatabaseUrl } from '@shop/kit/testing';
import { Broker } from '@shop/messaging';
import { removeExchange, systemQuiet, tapExchange } from '@shop/messaging/testing';
import { after, before } from 'node:test';
import { createLogger } from '@shop/kit';
import { startNotificationWorker, loadNotificationEnv, type OutgoingMail } from '@shop/notification-worker';
import { startOrderService, loadOrderEnv } from '@shop/order';
import { startPaymentWorker, loadPaymentEnv, type PaymentProvider } from '@shop/payment-worker';
import { startProductService, loadProductEnv } from '@shop/product';
import { startRecommendationService, loadRecommendationEnv } from '@shop/recommendation';
import { createShopClient, type ShopClient } from '@shop/sdk';
import { startUserService, loadUserEnv } from '@shop/user';
import { loadGatewayEnv, startGateway } from '../src/index.js';

// Tests sign up dozens of users and run hundreds of checkouts from one address: limits far above that by default,
// so the limiter still runs (Redis and all) on every test request. A test that is about limits sets its own.
const GENEROUS_RATE_LIMITS = Object.fromEntries(
  ['ANONYMOUS', 'USER', 'LOGIN_IP', 'LOGIN_ACCOUNT', 'REGISTER', 'REFRESH', 'LOGOUT', 'CHECKOUT'].map((bucket) => [
    `RATE_LIMIT_${bucket}`,
    '1000000/60',
  ]),
);

export const ADMIN = { email: 'admin@example.com', password: 'admin-password-123' };
export const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

export interface SystemOptions {
  userEnv?: NodeJS.ProcessEnv;
  productEnv?: NodeJS.ProcessEnv;
  cartEnv?: NodeJS.ProcessEnv;
  orderEnv?: NodeJS.ProcessEnv;
  recommendationEnv?: NodeJS.ProcessEnv;
  notificationEnv?: NodeJS.ProcessEnv;
  /** Start the payment and notification workers too (default true). */
  workers?: boolean;
  /** Wraps the simulated provider the payment worker uses (to slow it down, count calls, ...). */
  paymentProvider?: (simulated: PaymentProvider) => PaymentProvider;
  gatewayEnv?: NodeJS.ProcessEnv;
  /** Put something (a TCP proxy) between every service and RabbitMQ. */
  rabbitmqUrl?: string;
}

/** The whole system in this process on free ports, with fresh databases and its own Redis key prefix. */
export async function startSystem(options: SystemOptions = {}) {
  const databases = {
    user: testDatabaseUrl('user'),
    product: testDatabaseUrl('product'),
    cart: testDatabaseUrl('cart'),
    order: testDatabaseUrl('order'),
    recommendation: testDatabaseUrl('recommendation'),
    payment: testDatabaseUrl('payment'),
    notification: testDatabaseUrl('notification'),
  };
  const redisKeyPrefix = `test:${randomBytes(4).toString('hex')}:`;
  const queueSuffix = randomBytes(4).toString('hex');
  // Every service declares every consumer's queue, so each must know all their names.
  const queues = {
    order: `order.${queueSuffix}`,
    product: `product.${queueSuffix}`,
    cart: `cart.${queueSuffix}`,
    payment: `payment.${queueSuffix}`,
    notification: `notification.${queueSuffix}`,
    recommendation: `recommendation.${queueSuffix}`,
  };
  const rabbitmqUrl = options.rabbitmqUrl ?? RABBITMQ_URL;
  const closers = new Map<string, () => Promise<void>>();
  const mails: OutgoingMail[] = [];
  // The notification worker's SMS go through its development transport: one .txt file each, here.
  const smsDir = await mkdtemp(path.join(tmpdir(), 'shop-sms-'));
  const cleanUp = async () => {
    for (const close of [...closers.values()].reverse()) await close().catch(() => undefined);
    await rm(smsDir, { recursive: true, force: true });
    await dropDatabases(Object.values(databases));
    await removeExchange(RABBITMQ_URL, TEST_ENV.EVENTS_EXCHANGE, Object.values(queues)).catch(() => undefined);
  };
  const env: NodeJS.ProcessEnv = {
    ...TEST_ENV,
    RABBITMQ_URL: rabbitmqUrl,
    ORDER_QUEUE: queues.order,
    PRODUCT_QUEUE: queues.product,
    CART_QUEUE: queues.cart,
    PAYMENT_QUEUE: queues.payment,
    NOTIFICATION_QUEUE: queues.notification,
    RECOMMENDATION_QUEUE: queues.recommendation,
  };
  const paymentEnv = loadPaymentEnv({
    ...env,
    PAYMENT_PORT: '0',
    PAYMENT_DATABASE_URL: databases.payment,
  });
  const startPayment = async () => {
    const payment = await startPaymentWorker(paymentEnv, options.paymentProvider ? { wrapProvider: options.paymentProvider } : {});
    closers.set('payment', payment.close);
    return payment;
  };
  try {
    const user = await startUserService(loadUserEnv({ ...env, USER_PORT: '0', USER_DATABASE_URL: databases.user, ...options.userEnv }), {
      prepare: true,
    });
    closers.set('user', user.close);
    // From here on, services find the user service's public keys the way they do when deployed: its JWKS over HTTP.
    Object.assign(env, { USER_JWKS: '', USER_JWKS_URL: user.jwksUrl });
    const productEnv = loadProductEnv({
      ...env,
      PRODUCT_PORT: '0',
      PRODUCT_DATABASE_URL: databases.product,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      ...options.productEnv,
    });
    let product = await startProductService(productEnv, { prepare: true });
    closers.set('product', product.close);
    const productUrl = product.server.url;
    const cart = await startCartService(
      loadCartEnv({ ...env, CART_PORT: '0', CART_DATABASE_URL: databases.cart, PRODUCT_URL: productUrl, ...options.cartEnv }),
      { prepare: true },
    );
    closers.set('cart', cart.close);
    const order = await startOrderService(
      loadOrderEnv({
        ...env,
        ORDER_PORT: '0',
        ORDER_DATABASE_URL: databases.order,
        CART_URL: cart.server.url,
        PRODUCT_URL: productUrl,
        REDIS_KEY_PREFIX: redisKeyPrefix,
        ORDER_SWEEP_INTERVAL_MS: '200',
        ...options.orderEnv,
      }),
      { prepare: true },
    );
    closers.set('order', order.close);
    const recommendation = await startRecommendationService(
      loadRecommendationEnv({
        ...env,
        RECOMMENDATION_PORT: '0',
        RECOMMENDATION_DATABASE_URL: databases.recommendation,
        PRODUCT_URL: productUrl,
        ...options.recommendationEnv,
      }),
      { prepare: true },
    );
    closers.set('recommendation', recommendation.close);
    const workers = options.workers ?? true;
    let payment = workers ? await startPayment() : null;
    const notification = workers
      ? await startNotificationWorker(
          loadNotificationEnv({
            ...env,
            NOTIFICATION_PORT: '0',
            NOTIFICATION_DATABASE_URL: databases.notification,
            SMS_DIR: smsDir,
            ...options.notificationEnv,
          }),
          { transport: { send: async (mail) => void mails.push(mail) } },
        )
      : null;
    if (notification) closers.set('notification', notification.close);
    const gatewayEnv = (extra: NodeJS.ProcessEnv = {}) =>
      loadGatewayEnv({
        ...env,
        PORT: '0',
        USER_URL: user.server.url,
        PRODUCT_URL: productUrl,
        CART_URL: cart.server.url,
        ORDER_URL: order.server.url,
        RECOMMENDATION_URL: recommendation.server.url,
        REDIS_KEY_PREFIX: redisKeyPrefix,
        ...GENEROUS_RATE_LIMITS,
        ...options.gatewayEnv,
        ...extra,
      });
    const gateway = await startGateway(gatewayEnv());
    closers.set('gateway', gateway.close);
    const client = (token?: string | null): ShopClient => createShopClient({ url: gateway.url, token: token ?? null });
    const services = { user, cart, order, recommendation, gateway, notification };
    return {
      url: gateway.url,
      redisKeyPrefix,
      exchange: TEST_ENV.EVENTS_EXCHANGE,
      databases,
      services,
      get product() {
        return product;
      },
      get payment() {
        return payment;
      },
      /** Mails the notification worker sent. */
      mails,
      /** Where the notification worker writes each SMS it sends (a .txt file), unless notificationEnv says otherwise. */
      smsDir,
      queues,
      client,
      /** Another gateway instance in front of the same subgraphs (scale-out tests); closed with the system. */
      async startGateway(extra: NodeJS.ProcessEnv = {}) {
        const another = await startGateway(gatewayEnv(extra));
        closers.set(`gateway-${another.port}`, another.close);
        return another;
      },
      /** Stops the product subgraph (its port stops answering) and returns a function that starts it again on the same port. */
      async killProduct() {
        await product.close();
        closers.delete('product');
        return async () => {
          const port = new URL(productUrl).port;
          product = await startProductService({ ...productEnv, PRODUCT_PORT: Number(port) });
          closers.set('product', product.close);
        };
      },
      /** Stops the payment worker without waiting for anything, as a crash would. */
      async killPayment() {
        await payment?.close();
        closers.delete('payment');
        payment = null;
      },
      async startPayment() {
        payment = await startPayment();
        return payment;
      },
      /** Resolves once nothing is left to do: outboxes published, queues empty, no delivery in progress, no mail or SMS waiting. */
      async quiet(timeoutMs = 30_000) {
        const broker = new Broker({ url: rabbitmqUrl, exchange: TEST_ENV.EVENTS_EXCHANGE, log: createLogger('quiet', 'silent') });
        try {
          await systemQuiet(
            {
              orms: [
                user.orm,
                product.orm,
                cart.orm,
                order.orm,
                recommendation.orm,
                ...(payment ? [payment.orm] : []),
                ...(notification ? [notification.orm] : []),
              ],
              consumers: [
                product.consumer,
                cart.consumer,
                order.consumer,
                recommendation.consumer,
                ...(payment ? [payment.consumer] : []),
                ...(notification ? [notification.consumer] : []),
              ],
              broker,
              queues: Object.values(queues),
              also: async () =>
                !notification ||
                (
                  await notification.orm.em
                    .fork()
                    .getConnection()
                    .execute(`select 1 from mails where status = 'pending' union all select 1 from texts where status = 'pending' limit 1`)
                ).length === 0,
            },
            timeoutMs,
          );
        } finally {
          await broker.close();
        }
      },
      async signUp(name = 'Test User') {
        const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${randomBytes(3).toString('hex')}@example.com`;
        const { register } = await client().Register({ input: { email, password: 'correct-horse-battery', name } });
        return { ...register, email, password: 'correct-horse-battery', client: client(register.accessToken) };
      },
      async signInAdmin() {
        const { login } = await client().Login(ADMIN);
        return client(login.accessToken);
      },
      close: cleanUp,
    };
  } catch (error) {
    await cleanUp().catch(() => undefined);
    throw error;
  }
}

/** A new product with a unique SKU, created through the gateway by an admin. */
export async function createProduct(admin: ShopClient, stock: number, priceCents = 1000) {
  const sku = `SKU-${randomBytes(4).toString('hex')}`;
  const input = { sku, name: `Product ${sku}`, description: 'created by a test', priceCents, stock };
  return (await admin.CreateProduct({ input })).createProduct;
}

export type System = Awaited<ReturnType<typeof startSystem>>;
export type Tap = Awaited<ReturnType<typeof tapExchange>>;

/**
 * For a suite: a system started before its tests and closed after them, with the admin signed in and a tap on its
 * exchange (every event published, for assertions). Read the fields inside tests, once `before` has run.
 */
export function systemForSuite(options: SystemOptions = {}) {
  const suite = {} as { system: System; admin: ShopClient; tap: Tap };
  before(async () => {
    suite.system = await startSystem(options);
    suite.admin = await suite.system.signInAdmin();
    suite.tap = await tapExchange(RABBITMQ_URL, suite.system.exchange, createLogger('tap', 'silent'));
  });
  after(async () => {
    await suite.tap?.close();
    await suite.system?.close();
  });
  return suite;
}

/** Runs `call` and returns the error codes it failed with (throws if it succeeded). */
export async function codesOf(call: Promise<unknown>): Promise<string[]> {
  try {
    await call;
  } catch (error) {
    const codes = (error as { codes?: string[] }).codes;
    if (codes) return codes;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** Counts the HTTP requests a service receives (the gateway's fetches to a subgraph). */
export function countRequests(server: { httpServer: import('node:http').Server }) {
  let count = 0;
  const listener = (req: import('node:http').IncomingMessage) => {
    // Express rewrites req.url under its mount path before this listener runs; every POST here is a GraphQL fetch.
    if (req.method === 'POST') count += 1;
  };
  server.httpServer.on('request', listener);
  return {
    get count() {
      return count;
    },
    stop: () => void server.httpServer.off('request', listener),
  };
}

/** Holds every charge until `open()`: orders stay PENDING while the test subscribes. */
export function paymentGate() {
  let release: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => (release = resolve));
  return {
    wrap: (simulated: PaymentProvider): PaymentProvider => ({
      charge: async (request) => {
        await gate;
        return simulated.charge(request);
      },
      refund: (request) => simulated.refund(request),
    }),
    open: () => release(),
    close: () => void (gate = new Promise<void>((resolve) => (release = resolve))),
  };
}
