import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { outboxDrained, removeExchange } from '@shop/messaging/testing';
import { countStatements, dropDatabases, postGraphQL, TEST_ENV, testDatabaseUrl } from '@shop/kit/testing';
import { loadProductEnv, startProductService } from '../src/index.js';
import { Product } from '../src/modules/product/product.entity.js';
import { ProductCache } from '../src/modules/product/product.cache.js';
import { createLogger } from '@shop/kit';

const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

type Service = Awaited<ReturnType<typeof startProductService>>;

const PRODUCTS = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id price { amountCents } } } }`;

const graphql = (service: Service, query: string, variables: object, token?: string) =>
  postGraphQL<{ data: Record<string, unknown> | null; errors?: unknown[] }>(service.server.url, query, variables, token ?? null);

const counterValue = async (service: Service, name: 'hits' | 'misses' | 'errors') =>
  (await service.counters[name].get()).values.reduce((sum, v) => sum + v.value, 0);

describe('product read cache (real Redis and Postgres)', () => {
  const databaseUrl = testDatabaseUrl('product');
  const prefix = `test:${randomBytes(4).toString('hex')}:`;
  let service: Service;
  let ids: string[];
  before(async () => {
    service = await startProductService(
      loadProductEnv({ ...TEST_ENV, PRODUCT_PORT: '0', PRODUCT_DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: prefix }),
      { prepare: true },
    );
    ids = (await service.orm.em.fork().find(Product, {}, { limit: 20, orderBy: { sku: 'asc' } })).map((p) => p.id);
  });
  after(async () => {
    const keys = await service.redis.keys(`${prefix}*`);
    if (keys.length) await service.redis.del(...keys);
    await service?.close();
    await dropDatabases([databaseUrl]);
    await removeExchange(RABBITMQ_URL, TEST_ENV.EVENTS_EXCHANGE);
  });

  const resolve = () => graphql(service, PRODUCTS, { r: ids.map((id) => ({ __typename: 'Product', id })) });

  it('serves the second read from Redis (no SQL) and counts hits and misses', async () => {
    const misses = await counterValue(service, 'misses');
    const statements = countStatements(service.orm);
    await resolve();
    assert.equal(statements.count, 1);
    statements.reset();
    const hits = await counterValue(service, 'hits');
    await resolve();
    statements.stop();
    assert.equal(statements.count, 0);
    assert.equal((await counterValue(service, 'hits')) - hits, ids.length);
    assert.equal((await counterValue(service, 'misses')) - misses, ids.length);
    const metrics = await (await fetch(new URL('/metrics', service.server.url))).text();
    assert.match(metrics, /product_cache_hits_total\{service="product"\} \d+/);
  });

  it('never lets an older copy replace a newer one', async () => {
    const em = service.orm.em.fork();
    const product = await em.findOneOrFail(Product, { id: ids[0]! });
    const stale = { ...product, priceCents: 1, version: product.version };
    const fresh = { ...product, priceCents: 777_77, version: product.version + 1 };
    // The race the version guard exists for: a reader that loaded before an update writes after it.
    const cache = new ProductCache(service.redis, prefix, 60, service.counters, createLogger('test', 'silent'));
    await cache.put([fresh]);
    await cache.put([stale]);
    const [cached] = [...(await cache.getMany([product.id])).values()];
    assert.equal(cached?.priceCents, 777_77);
  });

  it('writes through on update: the next read sees the new price without touching Postgres', async () => {
    await resolve(); // warm
    const { admin } = await signIn();
    const updated = await graphql(
      service,
      'mutation ($id: ID!) { updateProduct(id: $id, input: { priceCents: 4321 }) { price { amountCents } } }',
      { id: ids[1] },
      admin,
    );
    assert.equal(updated.errors, undefined, JSON.stringify(updated.errors));
    // The update wrote product.price_changed; let the relay publish it so only the read is counted below.
    await outboxDrained(service.orm);
    const statements = countStatements(service.orm);
    const body = await resolve();
    statements.stop();
    assert.equal(statements.count, 0);
    const entities = (body.data as { _entities: Array<{ id: string; price: { amountCents: number } }> })._entities;
    assert.equal(entities[1]!.price.amountCents, 4321);
  });
});

describe('product reads with Redis unreachable', () => {
  const databaseUrl = testDatabaseUrl('product');
  let service: Service;
  before(async () => {
    service = await startProductService(
      loadProductEnv({ ...TEST_ENV, PRODUCT_PORT: '0', PRODUCT_DATABASE_URL: databaseUrl, REDIS_URL: 'redis://127.0.0.1:1' }),
      { prepare: true },
    );
  });
  after(async () => {
    await service?.close();
    await dropDatabases([databaseUrl]);
    await removeExchange(RABBITMQ_URL, TEST_ENV.EVENTS_EXCHANGE);
  });

  it('fall back to Postgres without errors', async () => {
    const ids = (await service.orm.em.fork().find(Product, {}, { limit: 5 })).map((p) => p.id);
    const body = await graphql(service, PRODUCTS, { r: ids.map((id) => ({ __typename: 'Product', id })) });
    assert.equal(body.errors, undefined);
    assert.equal((body.data as { _entities: unknown[] })._entities.length, 5);
    const single = await graphql(service, 'query ($id: ID!) { product(id: $id) { id } }', { id: ids[0] });
    assert.deepEqual(single.data, { product: { id: ids[0] } });
    assert.ok((await counterValue(service, 'errors')) > 0);
  });
});

async function signIn(): Promise<{ admin: string }> {
  const { testTokens } = await import('@shop/kit/testing');
  return { admin: await testTokens.user({ userId: '00000000-0000-4000-8000-000000000001', role: 'ADMIN' }, 60) };
}
