// The data every scenario reads, created through the API as clients would: products by the admin, users by
// registering, carts by addToCart. Seeded once per system (its databases are kept across its rounds).
import { createShopClient } from '@shop/sdk';
import type { HttpFixture } from './scenarios.js';

export const ADMIN = { email: 'admin@example.com', password: 'admin-password-123' };

export interface SeedSizes {
  /** Users with a 5-line cart (cart5 and me). */
  users: number;
  /** Users with a 100-line cart. */
  bigCartUsers: number;
  /** Customers checking out (one line each). */
  customers: number;
  /** Users whose orders the subscribers watch. */
  watchers: number;
}

export interface Fixture {
  http: Record<'cart5' | 'cart100' | 'products' | 'me', HttpFixture>;
  /** Each customer's token and the product their one-line cart holds. */
  customers: Array<{ token: string; productId: string }>;
  watchers: Array<{ token: string; productId: string }>;
}

const PRODUCTS = 100;

export async function pool<R>(count: number, concurrency: number, work: (index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await work(index);
      }
    }),
  );
  return results;
}

export async function seed(url: string, sizes: SeedSizes, runId: string, log: (message: string) => void): Promise<Fixture> {
  const anonymous = createShopClient({ url });
  const admin = createShopClient({ url, token: (await anonymous.Login(ADMIN)).login.accessToken });
  const products = await pool(PRODUCTS, 4, async (i) => {
    const input = { sku: `BENCH-${runId}-${i}`, name: `Bench item ${i}`, priceCents: 100 + i * 7, stock: 1_000_000 };
    return (await admin.CreateProduct({ input })).createProduct.id;
  });
  log(`${PRODUCTS} products`);
  const register = async (kind: string, i: number) => {
    const input = { email: `bench.${runId}.${kind}.${i}@example.com`, password: 'correct-horse-battery', name: `Bench ${kind} ${i}` };
    return (await anonymous.Register({ input })).register.accessToken;
  };
  const users = await pool(sizes.users, 4, async (i) => {
    const token = await register('user', i);
    const client = createShopClient({ url, token });
    for (let k = 0; k < 5; k += 1) await client.AddToCart({ productId: products[(i * 5 + k) % PRODUCTS]!, quantity: 1 + k });
    return token;
  });
  log(`${sizes.users} users with 5-line carts`);
  const bigCartUsers = await pool(sizes.bigCartUsers, 2, async (i) => {
    const token = await register('big', i);
    const client = createShopClient({ url, token });
    for (const productId of products) await client.AddToCart({ productId, quantity: 1 });
    return token;
  });
  log(`${sizes.bigCartUsers} users with 100-line carts`);
  const customers = await pool(sizes.customers, 4, async (i) => ({
    token: await register('customer', i),
    productId: products[i % PRODUCTS]!,
  }));
  const watchers = await pool(sizes.watchers, 4, async (i) => ({
    token: await register('watcher', i),
    productId: products[i % PRODUCTS]!,
  }));
  log(`${sizes.customers} customers, ${sizes.watchers} watchers`);
  const searches = Array.from({ length: 20 }, (_, i) => `item ${i}`);
  return {
    http: {
      cart5: { tokens: users },
      cart100: { tokens: bigCartUsers },
      products: { tokens: users, searches },
      me: { tokens: users },
    },
    customers,
    watchers,
  };
}

/** Puts one unit of the customer's product in each cart (checkout empties it). */
export async function fillCarts(url: string, customers: Array<{ token: string; productId: string }>): Promise<void> {
  await pool(customers.length, 8, async (i) => {
    const { token, productId } = customers[i]!;
    await createShopClient({ url, token }).AddToCart({ productId, quantity: 1 });
  });
}
