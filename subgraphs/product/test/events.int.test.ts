import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@shop/kit';
import { TEST_ENV, dropDatabases, internalHeaders, testDatabaseUrl, testTokens } from '@shop/kit/testing';
import { outboxDrained, tapExchange } from '@shop/messaging/testing';
import { loadProductEnv, startProductService } from '../src/index.js';
import { Product } from '../src/modules/product/product.entity.js';

const UPDATE = 'mutation ($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id } }';

describe('product.price_changed (real RabbitMQ, through the outbox)', () => {
  const databaseUrl = testDatabaseUrl('product');
  let service: Awaited<ReturnType<typeof startProductService>>;
  let tap: Awaited<ReturnType<typeof tapExchange>>;
  let adminToken: string;
  before(async () => {
    tap = await tapExchange('amqp://guest:guest@127.0.0.1:5672', TEST_ENV.EVENTS_EXCHANGE, createLogger('tap', 'silent'));
    const env = loadProductEnv({ ...TEST_ENV, PRODUCT_PORT: '0', PRODUCT_DATABASE_URL: databaseUrl });
    service = await startProductService(env, { prepare: true });
    adminToken = await testTokens.user({ userId: '00000000-0000-4000-8000-000000000001', role: 'ADMIN' }, 60);
  });
  after(async () => {
    await service?.close();
    await tap?.close();
    await dropDatabases([databaseUrl]);
  });

  const update = async (id: string, input: object) =>
    fetch(service.server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${adminToken}`,
        'x-correlation-id': 'corr-price',
        ...(await internalHeaders()),
      },
      body: JSON.stringify({ query: UPDATE, variables: { id, input } }),
    }).then((r) => r.json() as Promise<{ errors?: unknown[] }>);

  it('announces a price change with old and new price; other edits announce nothing', async () => {
    const product = await service.orm.em.fork().findOneOrFail(Product, { sku: 'HOME-KETL-002' });
    assert.equal((await update(product.id, { name: 'Renamed Kettle', stock: 5 })).errors, undefined);
    assert.equal((await update(product.id, { priceCents: product.priceCents + 100 })).errors, undefined);
    // Both updates have returned, so whatever they wrote is in the outbox: once it is all published (confirmed)
    // and the tap has caught up, nothing more can come.
    await outboxDrained(service.orm);
    await tap.flush();
    assert.equal(tap.events.length, 1);
    assert.equal(tap.events[0]?.type, 'product.price_changed');
    assert.equal(tap.events[0]?.correlationId, 'corr-price');
    assert.deepEqual(tap.events[0]?.data, {
      productId: product.id,
      oldPriceCents: product.priceCents,
      newPriceCents: product.priceCents + 100,
      currency: 'USD',
      name: 'Renamed Kettle',
    });
  });
});
