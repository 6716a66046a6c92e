import { randomBytes } from 'node:crypto';
import { startCartService, loadCartEnv } from '@shop/cart';
import { TEST_ENV, dropDatabases, testDatabaseUrl } from '@shop/kit/testing';
import { removeExchange } from '@shop/messaging';
import { startOrderService, loadOrderEnv } from '@shop/order';
import { startProductService, loadProductEnv } from '@shop/product';
import { createShopClient, type ShopClient } from '@shop/sdk';
import { startUserService, loadUserEnv } from '@shop/user';
import { loadGatewayEnv, startGateway } from '../src/index.js';

export const ADMIN = { email: 'admin@example.com', password: 'admin-password-123' };

export interface SystemOptions {
  productEnv?: NodeJS.ProcessEnv;
  cartEnv?: NodeJS.ProcessEnv;
}

/** The whole system in this process on free ports, with fresh databases and its own Redis key prefix. */
export async function startSystem(options: SystemOptions = {}) {
  const databases = { user: testDatabaseUrl('user'), product: testDatabaseUrl('product'), cart: testDatabaseUrl('cart') };
  const redisKeyPrefix = `test:${randomBytes(4).toString('hex')}:`;
  const closers: Array<() => Promise<void>> = [];
  const cleanUp = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await dropDatabases(Object.values(databases));
    await removeExchange('amqp://guest:guest@127.0.0.1:5672', TEST_ENV.EVENTS_EXCHANGE).catch(() => undefined);
  };
  try {
    const user = await startUserService(loadUserEnv({ ...TEST_ENV, USER_PORT: '0', USER_DATABASE_URL: databases.user }), { prepare: true });
    closers.push(user.close);
    const product = await startProductService(
      loadProductEnv({
        ...TEST_ENV,
        PRODUCT_PORT: '0',
        PRODUCT_DATABASE_URL: databases.product,
        REDIS_KEY_PREFIX: redisKeyPrefix,
        ...options.productEnv,
      }),
      { prepare: true },
    );
    closers.push(product.close);
    const cart = await startCartService(
      loadCartEnv({ ...TEST_ENV, CART_PORT: '0', CART_DATABASE_URL: databases.cart, PRODUCT_URL: product.server.url, ...options.cartEnv }),
      { prepare: true },
    );
    closers.push(cart.close);
    const order = await startOrderService(loadOrderEnv({ ...TEST_ENV, ORDER_PORT: '0' }));
    closers.push(order.close);
    const gateway = await startGateway(
      loadGatewayEnv({
        ...TEST_ENV,
        PORT: '0',
        USER_URL: user.server.url,
        PRODUCT_URL: product.server.url,
        CART_URL: cart.server.url,
        ORDER_URL: order.server.url,
      }),
    );
    closers.push(gateway.close);
    const client = (token?: string | null): ShopClient => createShopClient({ url: gateway.url, token: token ?? null });
    return {
      url: gateway.url,
      redisKeyPrefix,
      services: { user, product, cart, order, gateway },
      client,
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

export type System = Awaited<ReturnType<typeof startSystem>>;

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
