import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface StorefrontConfig {
  gatewayUrl: string;
  gatewayWsUrl: string;
}

export interface StorefrontServerOptions {
  /** The built page (vite's output). */
  root: string;
  port: number;
  host?: string;
  /** Read on every /config.json request, so a test can point the page at a gateway started later. */
  config: () => StorefrontConfig;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The page may talk to its gateway and nothing else; no inline script runs, and no other site may frame it. */
function securityHeaders(config: StorefrontConfig): Record<string, string> {
  const gateway = new URL(config.gatewayUrl).origin;
  const ws = new URL(config.gatewayWsUrl).origin;
  return {
    'content-security-policy': `default-src 'self'; connect-src 'self' ${gateway} ${ws}; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

/** Serves the built storefront: its files, /config.json, and index.html for every page path (the app routes itself). */
export async function startStorefrontServer(options: StorefrontServerOptions) {
  const root = path.resolve(options.root);
  const send = async (res: http.ServerResponse, file: string, cache: string) => {
    const info = await stat(file);
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': cache,
      ...securityHeaders(options.config()),
    });
    createReadStream(file).pipe(res);
  };
  const server = http.createServer((req, res) => {
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://storefront');
      if (url.pathname === '/config.json') {
        res.writeHead(200, { 'content-type': TYPES['.json']!, 'cache-control': 'no-store' }).end(JSON.stringify(options.config()));
        return;
      }
      // Nothing to depend on: alive is ready.
      if (url.pathname === '/health' || url.pathname === '/ready') {
        res.writeHead(200, { 'content-type': TYPES['.json']! }).end('{"status":"ok","service":"storefront"}');
        return;
      }
      const file = path.join(root, decodeURIComponent(url.pathname));
      // Never outside the build folder, whatever the path says.
      if (!file.startsWith(root + path.sep)) {
        res.writeHead(404).end();
        return;
      }
      const isFile = await stat(file).then(
        (s) => s.isFile(),
        () => false,
      );
      if (isFile) {
        // Vite names assets by their content hash: they never change under the same name.
        await send(res, file, url.pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      } else if (path.extname(url.pathname) === '') {
        await send(res, path.join(root, 'index.html'), 'no-cache');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      }
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://localhost:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
