import type { MikroORM } from '@mikro-orm/postgresql';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { TokenService } from './auth.js';
import type { ServiceContext } from './context.js';
import { metricsRoute, type Registry } from './metrics.js';
import { pingDatabase } from './orm.js';
import { startHttpService, type ReadinessChecks, type RunningService } from './server.js';
import { onShutdown } from './shutdown.js';

export interface SubgraphServiceOptions<TContext extends ServiceContext> {
  name: string;
  port: number;
  production: boolean;
  log: Logger;
  orm: MikroORM;
  schema: GraphQLSchema;
  tokens: TokenService;
  /** Adds the service's own per-request members (its use-case services) to the base context. */
  extendContext: (base: ServiceContext) => TContext;
  /** Checks beyond Postgres (Redis, RabbitMQ, ...). */
  readiness?: ReadinessChecks;
  /** Served at /metrics in Prometheus format. */
  metrics?: Registry;
  /** A deadline per request (REQUEST_TIMEOUT_MS): resolvers not yet started then fail at once. */
  requestTimeoutMs?: number;
}

/** Serves a subgraph: a forked EntityManager, the verified caller and a correlated logger per request. */
export async function serveSubgraph<TContext extends ServiceContext>(options: SubgraphServiceOptions<TContext>): Promise<RunningService> {
  return startHttpService<TContext>({
    name: options.name,
    graphql: { schema: options.schema },
    port: options.port,
    production: options.production,
    log: options.log,
    readiness: { postgres: () => pingDatabase(options.orm), ...options.readiness },
    ...(options.metrics ? { routes: metricsRoute(options.metrics) } : {}),
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    context: async (req, correlationId, signal) =>
      options.extendContext({
        em: options.orm.em.fork(),
        caller: await options.tokens.fromAuthorization(req.headers.authorization),
        correlationId,
        log: options.log.child({ correlationId }),
        signal,
      }),
  });
}

export interface StartedService {
  close(): Promise<void>;
}

/** A service's `main`: start it, close it on SIGINT/SIGTERM, exit non-zero if it cannot start. */
export function runService(log: Logger, start: () => Promise<StartedService>): void {
  start().then(
    (service) => onShutdown(log, [() => service.close()]),
    (error: unknown) => {
      log.fatal({ err: error }, 'failed to start');
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
