import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from './metrics.js';
import { runReadiness, type ReadinessChecks } from './server.js';

/** `/health` (liveness), `/ready` (own dependencies) and `/metrics` (if given) for a worker that serves no GraphQL. */
export async function startHealthServer(options: {
  name: string;
  port: number;
  log: Logger;
  readiness: ReadinessChecks;
  metrics?: Registry;
}) {
  const metrics = options.metrics;
  const server = http.createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', service: options.name }));
    } else if (req.url === '/ready') {
      void runReadiness(options.readiness).then((result) =>
        res
          .writeHead(result.ready ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ service: options.name, ...result })),
      );
    } else if (req.url === '/metrics' && metrics) {
      metrics.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
        (error: unknown) => {
          options.log.warn({ err: error }, 'metrics collection failed');
          res.writeHead(500).end();
        },
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port, resolve));
  const port = (server.address() as AddressInfo).port;
  options.log.info({ port }, `${options.name} ready`);
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
