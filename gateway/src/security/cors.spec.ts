import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { corsHandler, parseOrigins } from './cors.js';

describe('parseOrigins', () => {
  it('takes comma-separated origins, trimmed, a trailing slash dropped', () => {
    assert.deepEqual(
      [...parseOrigins(' http://localhost:3000, https://shop.example.com/ ,')],
      ['http://localhost:3000', 'https://shop.example.com'],
    );
  });

  it('refuses what is not an origin: a path, or not a URL', () => {
    assert.throws(() => parseOrigins('https://shop.example.com/app'), /not an origin/);
    assert.throws(() => parseOrigins('shop.example.com'));
  });
});

describe('corsHandler', () => {
  let url: string;
  let close: () => void;
  before(async () => {
    const cors = corsHandler(parseOrigins('http://localhost:3000'), ['x-correlation-id']);
    const server = http.createServer((req, res) => {
      res.setHeader('vary', 'Accept-Encoding');
      if (cors(req, res)) return;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: {} }));
    });
    server.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    close = () => server.close();
  });
  after(() => close());

  const preflight = (origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });

  it('lets a listed origin send authorization and JSON, and read the correlation id', async () => {
    const allowed = await preflight('http://localhost:3000');
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://localhost:3000');
    assert.match(allowed.headers.get('access-control-allow-headers') ?? '', /authorization.*content-type/);
    assert.match(allowed.headers.get('access-control-allow-methods') ?? '', /POST/);
    const answer = await fetch(url, { method: 'POST', headers: { origin: 'http://localhost:3000' } });
    assert.equal(answer.headers.get('access-control-allow-origin'), 'http://localhost:3000');
    assert.equal(answer.headers.get('access-control-expose-headers'), 'x-correlation-id');
    assert.equal(answer.headers.get('vary'), 'Accept-Encoding, Origin', 'added to what was there');
  });

  it('gives any other origin no CORS headers, and refuses its preflight', async () => {
    const refused = await preflight('http://localhost:3001');
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('access-control-allow-origin'), null);
    const answer = await fetch(url, { method: 'POST', headers: { origin: 'https://evil.example' } });
    assert.equal(answer.status, 200, 'served (a server-side caller has no origin to check), but unreadable to that page');
    assert.equal(answer.headers.get('access-control-allow-origin'), null);
  });

  it('leaves requests without an Origin (servers, the SDK) alone', async () => {
    const answer = await fetch(url, { method: 'POST' });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('access-control-allow-origin'), null);
  });
});
