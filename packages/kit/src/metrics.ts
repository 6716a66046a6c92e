import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/postgresql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type express from 'express';

export { Counter, Gauge, Histogram, Registry };

/** One registry per service (tests run several services in one process), with Node's default metrics. */
export function createMetrics(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export function metricsRoute(registry: Registry) {
  return (app: express.Express) => {
    app.get('/metrics', async (_req, res, next) => {
      try {
        const text = await registry.metrics();
        res.setHeader('content-type', registry.contentType);
        res.send(text);
      } catch (error) {
        next(error);
      }
    });
  };
}

/** Seconds, from a few milliseconds (a cached read) to the longest deadline a request may have. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];

/** A metric registered once per registry, however many callers ask for it (several clients, consumers, ...). */
export function sharedMetric<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/**
 * A bounded label for client-chosen operation names: `anonymous` for none, the first `limit` distinct names as
 * they are, then `other`. Clients name operations as they like; without a cap, each new name is a new series.
 */
export function boundedNames(limit = 100): (name: string | null | undefined) => string {
  const seen = new Set<string>();
  return (name) => {
    if (!name) return 'anonymous';
    if (seen.has(name)) return name;
    if (seen.size >= limit || !/^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(name)) return 'other';
    seen.add(name);
    return name;
  };
}

/** Codes that mean the request was refused before it ran (limits, rate limits, auth), not that it failed. */
export const REJECTION_CODES = new Set([
  'QUERY_TOO_COMPLEX',
  'RATE_LIMITED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
]);

export type RequestOutcome = 'ok' | 'error' | 'rejected';

export function outcomeOf(errors: readonly { extensions?: Record<string, unknown> }[] | undefined): {
  outcome: RequestOutcome;
  reason?: string;
} {
  if (!errors?.length) return { outcome: 'ok' };
  const refused = errors.map((e) => e.extensions?.code).find((code) => typeof code === 'string' && REJECTION_CODES.has(code));
  return refused ? { outcome: 'rejected', reason: refused as string } : { outcome: 'error' };
}

/**
 * Apollo plugin: a duration histogram of every operation by type and outcome (ok / error / rejected); with
 * `operationLabel`, by operation name too (bounded: see `boundedNames`). Refusals also count by reason (their code).
 */
export function operationMetricsPlugin<TContext extends BaseContext>(
  registry: Registry,
  options: { prefix: string; operationLabel?: (name: string | null | undefined) => string },
): ApolloServerPlugin<TContext> {
  return operationMetrics<TContext>(registry, options).plugin;
}

/** The plugin, and `refused` for refusals made before Apollo sees the request (the gateway's text checks). */
export function operationMetrics<TContext extends BaseContext>(
  registry: Registry,
  options: { prefix: string; operationLabel?: (name: string | null | undefined) => string },
): { plugin: ApolloServerPlugin<TContext>; refused(reason: string): void } {
  const byName = options.operationLabel;
  const labelNames = byName ? ['operation', 'operation_type', 'outcome'] : ['operation_type', 'outcome'];
  const duration = new Histogram({
    name: `${options.prefix}_duration_seconds`,
    help: 'GraphQL operations by type and outcome (ok, error, rejected)',
    labelNames,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const rejected = new Counter({
    name: `${options.prefix}_rejected_total`,
    help: 'Operations refused before they ran, by reason (error code)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const plugin: ApolloServerPlugin<TContext> = {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ response, operation, operationName, request, errors }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const { outcome, reason } = outcomeOf(errors ?? body?.errors);
          const labels: Record<string, string> = { operation_type: operation?.operation ?? 'unknown', outcome };
          if (byName) labels.operation = byName(operationName ?? request.operationName);
          duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
          if (reason) rejected.inc({ reason });
        },
      };
    },
  };
  return { plugin, refused: (reason) => rejected.inc({ reason: REJECTION_CODES.has(reason) ? reason : 'other' }) };
}

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
  max: number;
}

/** The knex (tarn) pool under MikroORM: connections in use, idle, awaited, and the maximum, read at scrape time. */
export function ormPoolMetrics(registry: Registry, orm: MikroORM): void {
  const pool = (): TarnPool | undefined => {
    try {
      return (orm.em.getConnection().getKnex().client as { pool?: TarnPool }).pool;
    } catch {
      return undefined;
    }
  };
  const gauge = (name: string, help: string, read: (p: TarnPool) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const p = pool();
        if (p) this.set(read(p));
      },
    });
  gauge('db_pool_connections_in_use', 'Pool connections lent out', (p) => p.numUsed());
  gauge('db_pool_connections_idle', 'Pool connections open and free', (p) => p.numFree());
  gauge('db_pool_pending_acquires', 'Callers waiting for a pool connection', (p) => p.numPendingAcquires());
  gauge('db_pool_pending_creates', 'Pool connections being opened', (p) => p.numPendingCreates());
  gauge('db_pool_connections_max', 'The pool size limit', (p) => p.max);
}

/** Circuit breaker states as the gauge reports them. */
export const CIRCUIT_STATE = { closed: 0, halfOpen: 1, open: 2 } as const;

export interface ObservableClient {
  readonly target: string;
  readonly circuitState: number;
  onRejected(listener: () => void): void;
}

const watchedClients = new WeakMap<Registry, Set<ObservableClient>>();

/** Breaker state (0 closed, 1 half-open, 2 open) and calls refused by an open breaker, per service called. */
export function serviceClientMetrics(registry: Registry, ...clients: ObservableClient[]): void {
  let watched = watchedClients.get(registry);
  if (!watched) watchedClients.set(registry, (watched = new Set()));
  const clientsOfRegistry = watched;
  sharedMetric(
    registry,
    'service_client_circuit_state',
    () =>
      new Gauge({
        name: 'service_client_circuit_state',
        help: 'Circuit breaker per service called: 0 closed, 1 half-open, 2 open',
        labelNames: ['target'],
        registers: [registry],
        collect() {
          for (const client of clientsOfRegistry) this.set({ target: client.target }, client.circuitState);
        },
      }),
  );
  const rejections = sharedMetric(
    registry,
    'service_client_rejections_total',
    () =>
      new Counter({
        name: 'service_client_rejections_total',
        help: 'Calls refused at once because the circuit was open',
        labelNames: ['target'],
        registers: [registry],
      }),
  );
  for (const client of clients) {
    watched.add(client);
    rejections.inc({ target: client.target }, 0);
    client.onRejected(() => rejections.inc({ target: client.target }));
  }
}
