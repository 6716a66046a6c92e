import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { AppError } from './errors.js';
import { createLogger } from './logger.js';
import { INTERNAL_CREDENTIAL_HEADER, InternalTrust, ServiceCredentials } from './internal-auth.js';
import { ServiceClient } from './service-client.js';
import { waitFor } from './testing/index.js';

const SERVICE_SECRET = 's'.repeat(40);

describe('ServiceClient', () => {
  let mode: 'ok' | 'graphql-error' | 'fail' | 'slow' = 'ok';
  let hits = 0;
  let url: string;
  let credential: string | string[] | undefined;
  const server = http.createServer((req, res) => {
    hits += 1;
    credential = req.headers[INTERNAL_CREDENTIAL_HEADER];
    if (mode === 'fail') return void res.writeHead(503).end('down');
    // Far past the short deadline below, so only the deadline can end the call.
    if (mode === 'slow') return void setTimeout(() => res.writeHead(200).end('{"data":{}}'), 2000).unref();
    const body =
      mode === 'ok' ? { data: { ping: true } } : { data: null, errors: [{ message: 'nope', extensions: { code: 'OUT_OF_STOCK' } }] };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  // Calls that should succeed get a deadline no loaded machine misses; only the timeout test uses a short one.
  const client = (timeoutMs = 10_000) =>
    new ServiceClient({
      name: 'product',
      url,
      credentials: new ServiceCredentials(SERVICE_SECRET, 'cart'),
      log: createLogger('test', 'silent'),
      timeoutMs,
      retries: 1,
      volumeThreshold: 4,
      resetTimeoutMs: 200,
    });
  const context = { correlationId: 'c-1', idempotent: true };
  const unavailable = (e: AppError) => e.extensions.code === 'SERVICE_UNAVAILABLE';

  it('presents a credential made for the callee, which the callee takes as the calling service', async () => {
    mode = 'ok';
    const c = client();
    await c.request('{ ping }', {}, context);
    const keys = { GATEWAY_TOKEN_SECRET: 'g'.repeat(40), SERVICE_TOKEN_SECRET: SERVICE_SECRET };
    assert.deepEqual(await new InternalTrust('product', keys).verify(credential), { kind: 'service', service: 'cart' });
    assert.equal(await new InternalTrust('order', keys).verify(credential), null, 'a credential for product does not open order');
    c.shutdown();
  });

  it('hands back answers with errors without counting them as failures', async () => {
    mode = 'graphql-error';
    const c = client();
    for (let i = 0; i < 10; i += 1) assert.equal((await c.request('{ ping }', {}, context)).errors?.[0]?.extensions?.code, 'OUT_OF_STOCK');
    assert.equal(c.isOpen, false);
    c.shutdown();
  });

  it('turns a call past its deadline into SERVICE_UNAVAILABLE', async () => {
    const c = client(100);
    mode = 'slow';
    hits = 0;
    await assert.rejects(c.request('{ ping }', {}, context), unavailable);
    await waitFor(() => hits === 2, 'the timed-out idempotent call to be tried again', 5000);
    c.shutdown();
  });

  it('turns 5xx into SERVICE_UNAVAILABLE, opens, fails fast while open, and closes after a good probe', async () => {
    const c = client();
    mode = 'fail';
    while (!c.isOpen) await assert.rejects(c.request('{ ping }', {}, context), unavailable);
    hits = 0;
    for (let i = 0; i < 20; i += 1) await assert.rejects(c.request('{ ping }', {}, context), unavailable);
    assert.equal(hits, 0, 'an open circuit sends nothing to the dead service');
    mode = 'ok';
    await waitFor(() => !c.isOpen, 'the circuit to let a probe through', 5000);
    assert.equal(hits, 0);
    assert.deepEqual((await c.request('{ ping }', {}, context)).data, { ping: true });
    assert.equal(hits, 1);
    assert.equal(c.isOpen, false);
    c.shutdown();
  });

  it('does not retry a call that is not idempotent', async () => {
    mode = 'fail';
    const c = client();
    hits = 0;
    await assert.rejects(c.request('mutation { go }', {}, { correlationId: 'c-2', idempotent: false }), unavailable);
    assert.equal(hits, 1);
    await assert.rejects(c.request('{ ping }', {}, context), unavailable);
    assert.equal(hits, 3, 'an idempotent call is tried twice');
    c.shutdown();
  });
});
