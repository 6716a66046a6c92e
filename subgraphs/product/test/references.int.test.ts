import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { removeExchange } from '@shop/messaging/testing';
import { countStatements, TEST_ENV, dropDatabases, internalHeaders, testDatabaseUrl } from '@shop/kit/testing';
import { loadProductEnv, startProductService } from '../src/index.js';
import { Product } from '../src/modules/product/product.entity.js';

const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Product { id name price { amountCents currency } stock } }
}`;

describe('product references (real Postgres)', () => {
  const databaseUrl = testDatabaseUrl('product');
  let service: Awaited<ReturnType<typeof startProductService>>;
  before(async () => {
    service = await startProductService(loadProductEnv({ ...TEST_ENV, PRODUCT_PORT: '0', PRODUCT_DATABASE_URL: databaseUrl }), {
      prepare: true,
    });
  });
  after(async () => {
    const keys = await service.redis.keys(`${TEST_ENV.REDIS_KEY_PREFIX}*`);
    if (keys.length) await service.redis.del(...keys);
    await service?.close();
    await dropDatabases([databaseUrl]);
    await removeExchange(RABBITMQ_URL, TEST_ENV.EVENTS_EXCHANGE);
  });

  async function resolve(ids: string[]) {
    const response = await fetch(service.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await internalHeaders()) },
      body: JSON.stringify({ query: ENTITIES, variables: { representations: ids.map((id) => ({ __typename: 'Product', id })) } }),
    });
    const body = (await response.json()) as { data: { _entities: Array<{ id: string } | null> }; errors?: unknown };
    assert.equal(body.errors, undefined);
    return body.data._entities;
  }

  it('resolves 50 references with one SQL statement, in order, null for unknown ids', async () => {
    const products = await service.orm.em.fork().find(Product, {}, { orderBy: { sku: 'desc' }, limit: 50 });
    assert.equal(products.length, 50);
    const ids = [...products.map((p) => p.id), '00000000-0000-4000-8000-000000000000', 'not-a-uuid'];
    const statements = countStatements(service.orm);
    const resolved = await resolve(ids);
    statements.stop();
    assert.equal(statements.count, 1, statements.sql.join('\n'));
    assert.deepEqual(
      resolved.map((p) => p?.id ?? null),
      [...products.map((p) => p.id), null, null],
    );
  });

  it('costs at most one statement per request however references are split across the query', async () => {
    const products = await service.orm.em.fork().find(Product, {}, { limit: 3 });
    const statements = countStatements(service.orm);
    await resolve([products[0]!.id, products[1]!.id, products[0]!.id, products[2]!.id]);
    statements.stop();
    assert.ok(statements.count <= 1, statements.sql.join('\n'));
  });
});
