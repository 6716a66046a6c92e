import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type ApolloServerPlugin, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import express from 'express';
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

export function correlationIdOf(req: IncomingMessage): string {
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
  context: (req: IncomingMessage, correlationId: string, signal: AbortSignal) => Promise<TContext>;
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
  /** Extra routes (metrics, etc.), served by Express beside /health and /ready; /graphql is not among them. */
  routes?: (app: express.Express) => void;
  /** Runs first on every /graphql request (the gateway's CORS); true when it has answered it itself (a preflight). */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /**
   * Runs before GraphQL on every /graphql request; false refuses it with 401 and no data. Health, readiness and
   * `routes` stay open.
   */
  admit?: (req: IncomingMessage) => Promise<boolean>;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 12_000;
export const DEFAULT_SUBGRAPH_GUARD = { maxDepth: 15, maxAliases: 100 };

// Apollo copies the context object per operation (own properties only), so the signal rides on it under a symbol.
const REQUEST_SIGNAL = Symbol('requestSignal');

/** Aborts when the response closes before it was fully written (the client disconnected), or at the deadline. */
function requestSignal(res: ServerResponse, timeoutMs: number | undefined): AbortSignal {
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

/** The largest /graphql body taken (a 300 KB document and its variables fit; the probes send 3 MB). */
export const MAX_BODY_BYTES = 1024 * 1024;

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(value));
}

const badRequest = (status: number, message: string) => ({
  status,
  refused: new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } }),
});

/**
 * The request's JSON body: an object or array, as JSON, UTF-8 and not compressed, at most `limit` bytes (else 413,
 * read no further). A body of another type is not read (undefined): Apollo then refuses it, a text/plain POST as a
 * possible CSRF. Malformed JSON is 400 BAD_REQUEST.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<{ body: unknown } | ReturnType<typeof badRequest>> {
  const type = req.headers['content-type'];
  const [media = '', ...params] = (type ?? '').split(';');
  if (media.trim().toLowerCase() !== 'application/json') {
    req.resume();
    return { body: undefined };
  }
  const charset = params
    .map((param) => param.trim().toLowerCase())
    .find((param) => param.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  const encoding = req.headers['content-encoding'];
  const unreadable =
    charset && charset !== 'utf-8' && charset !== 'utf8'
      ? badRequest(415, `Unsupported charset "${charset}": send UTF-8`)
      : encoding && encoding.toLowerCase() !== 'identity'
        ? badRequest(415, `Unsupported content encoding "${encoding}"`)
        : Number(req.headers['content-length']) > limit
          ? badRequest(413, `The request body is larger than ${limit} bytes`)
          : null;
  if (unreadable) {
    req.resume(); // read and dropped, so the connection can carry the next request
    return unreadable;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const tooLarge = await new Promise<boolean>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        return resolve(true);
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(false));
    req.once('error', reject);
    // After 'end' this changes nothing; before it, the client went away mid-body.
    req.once('close', () => reject(new Error('the client went away before its request body ended')));
  });
  if (tooLarge) return badRequest(413, `The request body is larger than ${limit} bytes`);
  const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') return { body: {} };
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null) return { body };
  } catch {
    // falls through to the refusal
  }
  return badRequest(400, 'The request body is not a JSON object or array');
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
  // Express serves /health, /ready and `routes`; /graphql is served below it, on node:http alone.
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer();
  const isSubgraph = 'schema' in options.graphql;
  if ('schema' in options.graphql) failAbandonedResolvers(options.graphql.schema);
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
  const formatError = errorFormatter(options.log);
  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, error: GraphQLError) => {
    const { http: _head, ...extensions } = error.extensions;
    res.setHeader(CORRELATION_HEADER, correlationIdOf(req));
    sendJson(res, status, { errors: [formatError({ message: error.message, extensions }, error)] });
  };
  const { admit, intercept } = options;
  const context = async (req: IncomingMessage, res: ServerResponse) => {
    const correlationId = correlationIdOf(req);
    res.setHeader(CORRELATION_HEADER, correlationId);
    // What Apollo's cache-control plugin said of every subgraph answer (no hints are ever given); it is off there.
    if (isSubgraph) res.setHeader('cache-control', 'no-store');
    const signal = requestSignal(res, options.requestTimeoutMs ?? (isSubgraph ? DEFAULT_REQUEST_TIMEOUT_MS : undefined));
    const value = await options.context(req, correlationId, signal);
    return Object.assign(value, { [REQUEST_SIGNAL]: signal });
  };

  /**
   * /graphql on node:http itself, not through Express: its router, body parser and response helpers (an ETag hash
   * of every answer) were a measurable share of every request's CPU at the gateway and at each subgraph, for
   * nothing GraphQL needs. The order is what it was: CORS, the internal credential, the JSON body (1 MB at most),
   * the preflight (size and shape of the text, the batch length), then Apollo.
   */
  const serveGraphql = async (req: IncomingMessage, res: ServerResponse, search: string): Promise<void> => {
    if (intercept?.(req, res)) return;
    if (admit && !(await admit(req))) {
      req.resume();
      const refused = new GraphQLError('This service answers only the gateway and our own services', {
        extensions: { code: 'UNAUTHENTICATED' },
      });
      return refuse(req, res, 401, refused);
    }
    const read = await readJsonBody(req, MAX_BODY_BYTES);
    if ('refused' in read) return refuse(req, res, read.status, read.refused);
    const body = read.body;
    const batched = isSubgraph && Array.isArray(body) ? body.length : 0;
    const query = req.method === 'GET' ? new URLSearchParams(search).get('query') : (body as { query?: unknown } | undefined)?.query;
    const refused =
      batched > MAX_BATCHED_OPERATIONS
        ? queryTooComplex('batchedOperations', MAX_BATCHED_OPERATIONS, batched)
        : options.preflight && typeof query === 'string'
          ? options.preflight(query)
          : null;
    if (refused) return refuse(req, res, (refused.extensions.http as { status?: number } | undefined)?.status ?? 400, refused);
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const request: HTTPGraphQLRequest = { method: (req.method ?? 'GET').toUpperCase(), headers, search, body };
    const answer = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: request, context: () => context(req, res) });
    for (const [name, value] of answer.headers) res.setHeader(name, value);
    res.statusCode = answer.status ?? 200;
    if (answer.body.kind === 'complete') {
      res.end(answer.body.string);
      return;
    }
    for await (const chunk of answer.body.asyncIterator) res.write(chunk);
    res.end();
  };
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const mark = url.indexOf('?');
    const path = mark < 0 ? url : url.slice(0, mark);
    if (path !== '/graphql' && path !== '/graphql/') return void app(req, res);
    serveGraphql(req, res, mark < 0 ? '' : url.slice(mark)).catch((error: unknown) => {
      if (res.destroyed) return; // the client went away; nobody to answer
      if (res.headersSent) {
        options.log.error({ err: error }, 'request failed after its answer began');
        return void res.destroy();
      }
      // The formatter logs the error and answers with its masked form (INTERNAL_SERVER_ERROR), as for any other.
      sendJson(res, 500, { errors: [formatError({ message: String(error) }, error)] });
    });
  });

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
