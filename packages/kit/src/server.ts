import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { unwrapResolverError } from '@apollo/server/errors';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import express, { type Request, type Response } from 'express';
import { GraphQLError, isObjectType, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { EXPECTED_CODES } from './errors.js';
import { measureOperation, queryTooComplex, shapeViolation } from './operation-shape.js';

export const CORRELATION_HEADER = 'x-correlation-id';

// Codes Apollo Server itself assigns to client mistakes; safe to show as they are.
const APOLLO_CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** Shows expected errors as they are; logs anything else with context and masks it, so no stack or SQL leaks. */
export function errorFormatter(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && (EXPECTED_CODES.has(code) || APOLLO_CLIENT_CODES.has(code))) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const original = unwrapResolverError(error);
    log.error({ err: original, path: formatted.path }, 'unexpected error');
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/**
 * Strips graphql-js's "Did you mean …?" from validation errors: in production they would let anyone spell out a
 * schema whose introspection is off. The same rule as Apollo's `hideSchemaDetailsFromClientErrors`.
 */
export function hideSuggestions(errors: readonly GraphQLError[]): GraphQLError[] {
  return errors.map((error) => {
    const message = error.message.replace(/ ?Did you mean(.+?)\?$/, '');
    if (message === error.message) return error;
    return new GraphQLError(message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: error.originalError,
      extensions: error.extensions,
    });
  });
}

export function correlationIdOf(req: Request): string {
  const given = req.headers[CORRELATION_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  return value && /^[\w.:-]{1,128}$/.test(value) ? value : randomUUID();
}

export type ReadinessChecks = Record<string, () => Promise<unknown>>;

/** Runs each check with a deadline; the service is ready only when all pass. */
export async function runReadiness(checks: ReadinessChecks, timeoutMs = 2000) {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, 'ok'] as const;
      } catch (error) {
        return [name, error instanceof Error ? error.message : String(error)] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: results.every(([, status]) => status === 'ok'), checks: Object.fromEntries(results) };
}

export interface HttpServiceOptions<TContext extends BaseContext> {
  name: string;
  /** A subgraph serves its schema; the gateway passes its GatewayInterface. */
  graphql: { schema: GraphQLSchema } | { gateway: GatewayInterface };
  /** Extra server options (parse limits for the gateway). */
  parseOptions?: { maxTokens?: number };
  port: number;
  host?: string;
  production: boolean;
  log: Logger;
  /** `signal` aborts when the client goes away before the response is written, or at `requestTimeoutMs`. */
  context: (req: Request, correlationId: string, signal: AbortSignal) => Promise<TContext>;
  readiness: ReadinessChecks;
  /** Subgraphs: a deadline per request, after which its remaining resolvers fail at once (default 12 s). */
  requestTimeoutMs?: number;
  /**
   * Runs on the operation text before Apollo parses it (HTTP only); a returned error refuses the request with the
   * status in its `http` extension (400 by default). The gateway checks document size and shape here.
   */
  preflight?: (query: string) => GraphQLError | null;
  /** Subgraphs: depth and alias limits, far above what the gateway's query plans need (defaults 15 and 100). */
  operationGuard?: { maxDepth: number; maxAliases: number };
  plugins?: ApolloServerPlugin<TContext>[];
  /** Extra routes (metrics, etc.) mounted before /graphql. */
  routes?: (app: express.Express) => void;
  /**
   * Runs before GraphQL on every /graphql request; false refuses it with 401 and no data. Health, readiness and
   * `routes` stay open.
   */
  admit?: (req: Request) => Promise<boolean>;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 12_000;
export const DEFAULT_SUBGRAPH_GUARD = { maxDepth: 15, maxAliases: 100 };

// Apollo copies the context object per operation (own properties only), so the signal rides on it under a symbol.
const REQUEST_SIGNAL = Symbol('requestSignal');

/** Aborts when the response closes before it was fully written (the client disconnected), or at the deadline. */
function requestSignal(res: Response, timeoutMs: number | undefined): AbortSignal {
  const controller = new AbortController();
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new Error(`the request passed its deadline of ${timeoutMs} ms`)), timeoutMs);
  timer?.unref();
  res.once('close', () => {
    clearTimeout(timer);
    if (!res.writableFinished) controller.abort(new Error('the client went away'));
  });
  return controller.signal;
}

const abandonedSchemas = new WeakSet<GraphQLSchema>();

/**
 * Once a request is abandoned, every resolver not yet started fails at once, so it issues no more SQL or calls. Done by
 * wrapping the fields that have a resolver (a default property read has no work to stop), not with a plugin's
 * willResolveField: any such hook makes Apollo instrument every field of every answer.
 */
function failAbandonedResolvers(schema: GraphQLSchema): void {
  if (abandonedSchemas.has(schema)) return;
  abandonedSchemas.add(schema);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve) continue;
      field.resolve = (source, args, context: { [REQUEST_SIGNAL]?: AbortSignal } | undefined, info) => {
        if (context?.[REQUEST_SIGNAL]?.aborted) {
          throw new GraphQLError('The request was abandoned (client gone or deadline passed)', {
            extensions: { code: 'SERVICE_UNAVAILABLE' },
          });
        }
        return resolve(source, args, context, info);
      };
    }
  }
}

/** Refuses too deep or too aliased operations with QUERY_TOO_COMPLEX before they run (defence behind the gateway). */
function operationGuardPlugin<TContext extends BaseContext>(limits: {
  maxDepth: number;
  maxAliases: number;
}): ApolloServerPlugin<TContext> {
  // Apollo hands back the same parsed document for the same text, so each is measured once.
  const verdicts = new WeakMap<DocumentNode, Map<string, GraphQLError | null>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName }) {
          let byName = verdicts.get(document);
          if (!byName) verdicts.set(document, (byName = new Map()));
          const key = operationName ?? '';
          let verdict = byName.get(key);
          if (verdict === undefined) {
            const shape = measureOperation(document, operationName);
            verdict = shape && shapeViolation(shape, { depth: limits.maxDepth, aliases: limits.maxAliases });
            byName.set(key, verdict);
          }
          if (verdict) throw verdict;
        },
      };
    },
  };
}

export interface RunningService {
  url: string;
  port: number;
  httpServer: http.Server;
  close(): Promise<void>;
}

/**
 * The most operations a subgraph takes in one batched request: the gateway's parallel fetches of one client request
 * to one subgraph (two for a cart read), sent in chunks of this size; a longer batch is refused (QUERY_TOO_COMPLEX).
 */
export const MAX_BATCHED_OPERATIONS = 8;

/** The anatomy every service shares: /health (liveness), /ready (own dependencies), /graphql. */
export async function startHttpService<TContext extends BaseContext>(
  options: HttpServiceOptions<TContext>,
): Promise<RunningService & { apollo: ApolloServer<TContext> }> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const isSubgraph = 'schema' in options.graphql;
  if ('schema' in options.graphql) failAbandonedResolvers(options.graphql.schema);
  // An ETag is a SHA-1 of every answer; the gateway and our services, a subgraph's only callers, never revalidate.
  if (isSubgraph) app.set('etag', false);
  const apollo = new ApolloServer<TContext>({
    ...options.graphql,
    ...(options.parseOptions ? { parseOptions: options.parseOptions } : {}),
    csrfPrevention: true,
    // The gateway sends the fetches one client request makes to a subgraph at the same moment as one JSON array
    // (only its credential and our services' get past `admit`); the operations share that request's context.
    allowBatchedHttpRequests: isSubgraph,
    introspection: !options.production,
    hideSchemaDetailsFromClientErrors: options.production,
    includeStacktraceInErrorResponses: false,
    formatError: errorFormatter(options.log),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ...(options.production ? [ApolloServerPluginLandingPageDisabled()] : []),
      // Inline traces only feed Apollo Studio, which we do not use; they cost CPU on every subgraph request. So do cache
      // hints (a hook on every field): no caller of a subgraph reads them, its answers are always `no-store`.
      ...(isSubgraph
        ? [
            ApolloServerPluginInlineTraceDisabled(),
            ApolloServerPluginCacheControlDisabled(),
            operationGuardPlugin<TContext>(options.operationGuard ?? DEFAULT_SUBGRAPH_GUARD),
          ]
        : []),
      ...(options.plugins ?? []),
    ],
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: options.name });
  });
  app.get('/ready', async (_req, res) => {
    const result = await runReadiness(options.readiness);
    res.status(result.ready ? 200 : 503).json({ service: options.name, ...result });
  });
  options.routes?.(app);
  const admit = options.admit;
  if (admit) {
    app.use('/graphql', (req, res, next) => {
      admit(req).then(
        (admitted) => {
          if (admitted) return next();
          res.status(401).json({
            errors: [{ message: 'This service answers only the gateway and our own services', extensions: { code: 'UNAUTHENTICATED' } }],
          });
        },
        (error: unknown) => next(error),
      );
    });
  }
  const formatError = errorFormatter(options.log);
  const preflight: express.RequestHandler = (req, res, next) => {
    const params = (req.method === 'GET' ? req.query : req.body) as { query?: unknown } | undefined;
    const batched = isSubgraph && Array.isArray(req.body) ? req.body.length : 0;
    const refused =
      batched > MAX_BATCHED_OPERATIONS
        ? queryTooComplex('batchedOperations', MAX_BATCHED_OPERATIONS, batched)
        : options.preflight && typeof params?.query === 'string'
          ? options.preflight(params.query)
          : null;
    if (!refused) return next();
    const { http: head, ...extensions } = refused.extensions as { http?: { status?: number } };
    res.setHeader(CORRELATION_HEADER, correlationIdOf(req));
    res.status(head?.status ?? 400).json({ errors: [formatError({ message: refused.message, extensions }, refused)] });
  };
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    preflight,
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const correlationId = correlationIdOf(req);
        res.setHeader(CORRELATION_HEADER, correlationId);
        // What Apollo's cache-control plugin said of every subgraph answer (no hints are ever given); it is off there.
        if (isSubgraph) res.setHeader('cache-control', 'no-store');
        const signal = requestSignal(res, options.requestTimeoutMs ?? (isSubgraph ? DEFAULT_REQUEST_TIMEOUT_MS : undefined));
        const context = await options.context(req, correlationId, signal);
        return Object.assign(context, { [REQUEST_SIGNAL]: signal });
      },
    }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://localhost:${port}/graphql`;
  options.log.info({ url }, `${options.name} ready`);
  return {
    url,
    port,
    httpServer,
    apollo,
    close: async () => {
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
