import { startCartService, loadCartEnv } from '@shop/cart';
import { TEST_ENV, dropDatabases, testDatabaseUrl } from '@shop/kit/testing';
import { startOrderService, loadOrderEnv } from '@shop/order';
import { startProductService, loadProductEnv } from '@shop/product';
import { createShopClient, type ShopClient } from '@shop/sdk';
import { startUserService, loadUserEnv } from '@shop/user';
import { loadGatewayEnv, startGateway } from '../src/index.js';

export const ADMIN = { email: 'admin@example.com', password: 'admin-password-123' };

/** The whole system in this process on free ports, with fresh databases, as a client sees it through the gateway. */
export async function startSystem() {
  const databases = { user: testDatabaseUrl('user'), product: testDatabaseUrl('product') };
  const closers: Array<() => Promise<void>> = [];
  try {
    const user = await startUserService(loadUserEnv({ ...TEST_ENV, USER_PORT: '0', USER_DATABASE_URL: databases.user }), { prepare: true });
    closers.push(user.close);
    const product = await startProductService(loadProductEnv({ ...TEST_ENV, PRODUCT_PORT: '0', PRODUCT_DATABASE_URL: databases.product }), {
      prepare: true,
    });
    closers.push(product.close);
    const cart = await startCartService(loadCartEnv({ ...TEST_ENV, CART_PORT: '0' }));
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
      services: { user, product, cart, order, gateway },
      client,
      async signUp(name = 'Test User') {
        const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${Math.random().toString(36).slice(2, 8)}@example.com`;
        const { register } = await client().Register({ input: { email, password: 'correct-horse-battery', name } });
        return { ...register, email, password: 'correct-horse-battery', client: client(register.accessToken) };
      },
      async signInAdmin() {
        const { login } = await client().Login(ADMIN);
        return client(login.accessToken);
      },
      async close() {
        for (const close of closers.reverse()) await close();
        await dropDatabases(Object.values(databases));
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await dropDatabases(Object.values(databases)).catch(() => undefined);
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
