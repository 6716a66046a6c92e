import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@shop/kit/testing';
import { createProduct, startSystem, type System } from './system.js';

describe('a client request the gateway abandons stops costing the subgraphs', () => {
  let system: System;
  before(async () => {
    // Room for 80 root mutations in one request, so the operation limits do not refuse it first.
    system = await startSystem({
      workers: false,
      gatewayEnv: { MAX_QUERY_ROOT_FIELDS: '100', MAX_QUERY_ALIASES: '100', MAX_QUERY_COST: '100000' },
    });
  });
  after(async () => {
    await system?.close();
  });

  it('after the client hangs up, the gateway sends the order subgraph no more of its mutations', async () => {
    const admin = await system.signInAdmin();
    const shopper = await system.signUp('Impatient');
    const product = await createProduct(admin, 5, 300);
    await shopper.client.AddToCart({ productId: product.id, quantity: 1 });
    const { checkout } = await shopper.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } });
    await shopper.client.CancelOrder({ id: checkout.id });
    // Root mutations run one after another: 80 cancellations of a cancelled order are 80 fetches to the order
    // subgraph, each locking the order's row once.
    const mutation = `mutation { ${Array.from({ length: 80 }, (_, i) => `c${i}: cancelOrder(id: "${checkout.id}") { id }`).join('\n')} }`;
    const mutationsFinished = async () => {
      const text = await (await fetch(new URL('/metrics', system.url))).text();
      return [...text.matchAll(/^gateway_request_duration_seconds_count\{[^}]*operation_type="mutation"[^}]*\} (\d+)$/gm)].reduce(
        (sum, [, n]) => sum + Number(n),
        0,
      );
    };
    const finishedBefore = await mutationsFinished();
    let locks = 0;
    let cut: () => void = () => undefined;
    const knex = system.services.order.orm.em.getKnex();
    const onQuery = (query: { sql?: string }) => {
      if (query.sql?.includes(checkout.id) && /for update/i.test(query.sql) && !/skip locked/i.test(query.sql)) locks += 1;
      if (locks === 3) cut();
    };
    knex.on('query', onQuery);
    try {
      const answered = await new Promise<boolean>((resolve) => {
        const request = http.request(system.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${shopper.accessToken}` },
        });
        request.on('error', () => resolve(false));
        request.on('response', (response) => response.resume().on('end', () => resolve(true)));
        cut = () => {
          cut = () => undefined;
          request.destroy();
          resolve(false);
        };
        request.end(JSON.stringify({ query: mutation }));
      });
      assert.equal(answered, false, 'the client hung up before the answer');
      // The gateway records an operation when it has finished with it: after that it fetches nothing more for it.
      await waitFor(async () => (await mutationsFinished()) === finishedBefore + 1, 'the gateway to finish the abandoned request');
      assert.ok(locks >= 3 && locks <= 6, `${locks} of 80 mutations reached the order subgraph`);
    } finally {
      knex.off('query', onQuery);
    }
  });
});
