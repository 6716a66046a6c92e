import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startStorefrontServer } from './static-server.js';

describe('storefront server', () => {
  let root: string;
  let server: Awaited<ReturnType<typeof startStorefrontServer>>;
  let gatewayUrl = 'http://localhost:4000/graphql';
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'storefront-'));
    await mkdir(path.join(root, 'assets'));
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>Shop</title>');
    await writeFile(path.join(root, 'assets/index-abc.js'), 'console.log(1)');
    await writeFile(path.join(root, '..', `${path.basename(root)}.secret`), 'not for the web');
    server = await startStorefrontServer({
      root,
      port: 0,
      host: '127.0.0.1',
      config: () => ({ gatewayUrl, gatewayWsUrl: gatewayUrl.replace(/^http/, 'ws') }),
    });
  });
  after(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
    await rm(path.join(root, '..', `${path.basename(root)}.secret`), { force: true });
  });
  const get = (pathname: string) => fetch(`http://127.0.0.1:${server.port}${pathname}`);

  it('hands the page the gateway as configured now, never cached', async () => {
    gatewayUrl = 'https://api.example.com/graphql';
    const res = await get('/config.json');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await res.json(), { gatewayUrl, gatewayWsUrl: 'wss://api.example.com/graphql' });
  });

  it('answers every page path with index.html, whose CSP lets the page reach that gateway only', async () => {
    for (const page of ['/', '/cart', '/orders/123']) {
      const res = await get(page);
      assert.equal(res.status, 200, page);
      assert.match(await res.text(), /<title>Shop<\/title>/);
      assert.match(
        res.headers.get('content-security-policy') ?? '',
        /connect-src 'self' https:\/\/api\.example\.com wss:\/\/api\.example\.com;/,
      );
    }
  });

  it('serves hashed assets as immutable, and a missing file as 404 rather than the page', async () => {
    const asset = await get('/assets/index-abc.js');
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await get('/assets/missing.js')).status, 404);
  });

  it('never serves a file outside its folder, and takes only GET and HEAD', async () => {
    // An encoded slash survives URL parsing as one segment and decodes to ../: the raw request line, as a client may send it.
    const escaped = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: server.port, path: `/%2e%2e%2f${path.basename(root)}.secret` }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode, body }));
        })
        .on('error', reject);
    });
    assert.equal(escaped.status, 404);
    assert.notEqual(escaped.body, 'not for the web');
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/`, { method: 'POST' })).status, 405);
  });
});
