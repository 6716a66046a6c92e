import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TEST_ENV, testTokens } from '@shop/kit/testing';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { loadGatewayEnv, startGateway } from '../src/index.js';

type Gateway = Awaited<ReturnType<typeof startGateway>>;

const MISSPELT_QUERY = '{ prodcts(first: 1) { totalCount } }';
const MISSPELT_SUBSCRIPTION = `subscription { orderStatusChanged(orderId: "${randomUUID()}") { statsu } }`;

// Subgraphs point at a closed port: validation happens before any of them would be asked.
const envFor = (nodeEnv: 'production' | 'development') =>
  loadGatewayEnv({
    ...TEST_ENV,
    NODE_ENV: nodeEnv,
    PORT: '0',
    USER_URL: 'http://127.0.0.1:9/graphql',
    PRODUCT_URL: 'http://127.0.0.1:9/graphql',
    CART_URL: 'http://127.0.0.1:9/graphql',
    ORDER_URL: 'http://127.0.0.1:9/graphql',
  });

async function httpErrors(gateway: Gateway, query: string): Promise<string[]> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: Array<{ message: string }> };
  return (body.errors ?? []).map((e) => e.message);
}

/** The errors graphql-ws reports for one subscription (it must fail, not deliver). */
async function wsErrors(gateway: Gateway, query: string): Promise<string[]> {
  const token = await testTokens.user({ userId: randomUUID(), role: 'CUSTOMER' }, 60);
  const client = createClient({
    url: gateway.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  try {
    return await new Promise<string[]>((resolve, reject) => {
      client.subscribe(
        { query },
        {
          next: () => reject(new Error('the subscription delivered data')),
          error: (error) => resolve(Array.isArray(error) ? error.map((e: { message: string }) => e.message) : [String(error)]),
          complete: () => reject(new Error('the subscription completed without an error')),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

describe('field suggestions ("Did you mean …")', () => {
  const envs = { production: envFor('production'), development: envFor('development') };
  let production: Gateway;
  let development: Gateway;
  before(async () => {
    [production, development] = await Promise.all([startGateway(envs.production), startGateway(envs.development)]);
  });
  after(async () => {
    await Promise.all([production?.close(), development?.close()]);
  });

  it('are given in development, over HTTP and graphql-ws', async () => {
    assert.match((await httpErrors(development, MISSPELT_QUERY)).join('\n'), /Did you mean "products"/);
    assert.match((await wsErrors(development, MISSPELT_SUBSCRIPTION)).join('\n'), /Did you mean "status"/);
  });

  it('are hidden in production, over HTTP and graphql-ws, while the error itself remains', async () => {
    const overHttp = await httpErrors(production, MISSPELT_QUERY);
    assert.match(overHttp.join('\n'), /Cannot query field "prodcts" on type "Query"/);
    assert.doesNotMatch(overHttp.join('\n'), /Did you mean/);
    const overWs = await wsErrors(production, MISSPELT_SUBSCRIPTION);
    assert.match(overWs.join('\n'), /Cannot query field "statsu" on type "Order"/);
    assert.doesNotMatch(overWs.join('\n'), /Did you mean/);
  });
});
