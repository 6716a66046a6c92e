import type { MikroORM } from '@mikro-orm/postgresql';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type express from 'express';
import { UserTokenVerifier, type Caller, type TokenAudience, type UserKeySource } from './auth.js';
import type { ServiceContext } from './context.js';
import { INTERNAL_CREDENTIAL_HEADER, InternalTrust, type InternalCaller, type InternalKeys } from './internal-auth.js';
import { metricsRoute, operationMetricsPlugin, ormPoolMetrics, type Registry } from './metrics.js';
import { queryTooComplex } from './operation-shape.js';
import { pingDatabase } from './orm.js';
import { startHttpService, type ReadinessChecks, type RunningService } from './server.js';
import { onShutdown } from './shutdown.js';

/** Far above any query plan the gateway sends (those are bounded by the client document it accepted). */
export const SUBGRAPH_MAX_DOCUMENT_BYTES = 128 * 1024;

/** Production needs both internal secrets on every subgraph: it checks the gateway's and makes its own. */
export const SUBGRAPH_SECRETS = ['GATEWAY_TOKEN_SECRET', 'SERVICE_TOKEN_SECRET'] as const;

/** What a subgraph trusts: the internal credentials, and the user service's published keys. */
export const subgraphTrust = (name: string, env: InternalKeys & UserKeySource & TokenAudience) => ({
  trust: new InternalTrust(name, env),
  users: UserTokenVerifier.fromEnv(env),
});

export interface SubgraphServiceOptions<TContext extends ServiceContext> {
  name: string;
  port: number;
  production: boolean;
  log: Logger;
  orm: MikroORM;
  schema: GraphQLSchema;
  /** Checks that a request comes from the gateway or one of our services; anything else gets 401. */
  trust: InternalTrust;
  /** Verifies the user token the gateway passes on. */
  users: UserTokenVerifier;
  /** Adds the service's own per-request members (its use-case services) to the base context. */
  extendContext: (base: ServiceContext) => TContext;
  /** Checks beyond Postgres (Redis, RabbitMQ, ...). */
  readiness?: ReadinessChecks;
  /**
   * Served at /metrics in Prometheus format, with operation durations (`graphql_operation_duration_seconds`) and the
   * ORM's pool added to it.
   */
  metrics?: Registry;
  /** A deadline per request (REQUEST_TIMEOUT_MS): resolvers not yet started then fail at once. */
  requestTimeoutMs?: number;
  /** Extra open routes (the user service's JWKS). */
  routes?: (app: express.Express) => void;
}

/**
 * Through the gateway, the caller is the user whose token came along (or anonymous). A service's own credential
 * makes it a SERVICE, whatever user token it may carry; a user token alone never does.
 */
async function callerOf(internal: InternalCaller, authorization: string | undefined, users: UserTokenVerifier): Promise<Caller | null> {
  if (internal.kind === 'service') return { userId: `service:${internal.service}`, role: 'SERVICE' };
  return users.fromAuthorization(authorization);
}

/** Serves a subgraph: a forked EntityManager, the verified caller and a correlated logger per request. */
export async function serveSubgraph<TContext extends ServiceContext>(options: SubgraphServiceOptions<TContext>): Promise<RunningService> {
  const admitted = new WeakMap<object, InternalCaller>();
  // Operation names here are the gateway's query plan names: the type and outcome say enough.
  if (options.metrics) ormPoolMetrics(options.metrics, options.orm);
  return startHttpService<TContext>({
    ...(options.metrics ? { plugins: [operationMetricsPlugin<TContext>(options.metrics, { prefix: 'graphql_operation' })] } : {}),
    name: options.name,
    graphql: { schema: options.schema },
    port: options.port,
    production: options.production,
    log: options.log,
    readiness: { postgres: () => pingDatabase(options.orm), ...options.readiness },
    routes: (app) => {
      if (options.metrics) metricsRoute(options.metrics)(app);
      options.routes?.(app);
    },
    admit: async (req) => {
      const internal = await options.trust.verify(req.headers[INTERNAL_CREDENTIAL_HEADER]);
      if (internal) admitted.set(req, internal);
      return internal !== null;
    },
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    // Comment padding costs the parser no tokens: the text itself is bounded too.
    preflight: (query) => {
      const bytes = Buffer.byteLength(query);
      return bytes > SUBGRAPH_MAX_DOCUMENT_BYTES ? queryTooComplex('documentBytes', SUBGRAPH_MAX_DOCUMENT_BYTES, bytes) : null;
    },
    context: async (req, correlationId, signal) => {
      const internal = admitted.get(req);
      if (!internal) throw new Error('request reached GraphQL without an internal credential');
      return options.extendContext({
        em: options.orm.em.fork(),
        caller: await callerOf(internal, req.headers.authorization, options.users),
        correlationId,
        log: options.log.child({ correlationId }),
        signal,
      });
    },
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
