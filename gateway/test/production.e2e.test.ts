import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadGatewayEnv, startGateway } from '../src/index.js';

describe('gateway in production mode', () => {
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  before(async () => {
    // Subgraphs point at a closed port: production behaviour must not depend on them.
    const dead = 'http://127.0.0.1:9/graphql';
    gateway = await startGateway(
      loadGatewayEnv({
        NODE_ENV: 'production',
        LOG_LEVEL: 'silent',
        PORT: '0',
        USER_URL: dead,
        PRODUCT_URL: dead,
        CART_URL: dead,
        ORDER_URL: dead,
        // Production refuses to start without its credential for the subgraphs.
        GATEWAY_TOKEN_SECRET: 'a-production-secret-of-at-least-32-characters',
      }),
    );
  });
  after(async () => {
    await gateway?.close();
  });

  const post = (query: string) =>
    fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });

  it('will not start without its credential for the subgraphs', () => {
    assert.throws(
      () => loadGatewayEnv({ NODE_ENV: 'production', KEYS_DIR: '/nonexistent' }),
      /GATEWAY_TOKEN_SECRET: required in production/,
    );
  });

  it('refuses introspection and serves no Sandbox', async () => {
    const body = (await (await post('{ __schema { queryType { name } } }')).json()) as { errors?: Array<{ message: string }> };
    assert.match(body.errors?.[0]?.message ?? '', /introspection/i);
    const page = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    assert.doesNotMatch(await page.text(), /sandbox/i);
  });

  it('leaks no internals when a subgraph is down, and reports not ready', async () => {
    const text = await (await post('{ products(first: 1) { totalCount } }')).text();
    assert.doesNotMatch(text, /ECONNREFUSED|at .*\.js|127\.0\.0\.1/);
    const ready = await fetch(new URL('/ready', gateway.url));
    assert.equal(ready.status, 503);
  });
});
