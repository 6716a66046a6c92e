import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import type express from 'express';

export { Counter, Registry };

/** One registry per service (tests run several services in one process), with Node's default metrics. */
export function createMetrics(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export function metricsRoute(registry: Registry) {
  return (app: express.Express) => {
    app.get('/metrics', async (_req, res) => {
      res.setHeader('content-type', registry.contentType);
      res.send(await registry.metrics());
    });
  };
}
