import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { BaseContext } from '@apollo/server';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { buildSchema, GraphQLError } from 'graphql';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Logger } from 'pino';
import {
  boundedNames,
  createLogger,
  createMetrics,
  CORRELATION_HEADER,
  DURATION_BUCKETS,
  Counter,
  Gauge,
  Histogram,
  metricsRoute,
  operationMetrics,
  GatewayCredentials,
  INTERNAL_CREDENTIAL_HEADER,
  Redis,
  redisReconnect,
  startHttpService,
  UserTokenVerifier,
  waitForRedis,
  type Registry,
} from '@shop/kit';
import type { GatewayEnv } from './environment.js';
import { corsMiddleware } from './security/cors.js';
import { clientIpResolver } from './security/client-ip.js';
import { createRateLimits, type Identify } from './security/rate-limits.js';
import { operationLimitsPlugin, textChecker } from './security/operation-limits.js';
import { OrderStatusHub, type FederatedRead } from './subscriptions/order-status-hub.js';
import { attachSubscriptionServer } from './subscriptions/ws-server.js';

export interface GatewayContext extends BaseContext {
  authorization?: string;
  correlationId: string;
  /** The client's address (TRUST_PROXY decides whether X-Forwarded-For is believed); rate limits count per address. */
  clientIp?: string;
  /** The gateway's own reads (subscription deliveries): not charged to the caller's rate limits. */
  internal?: boolean;
  /** Ties this request's subgraph fetches to the client connection: they are aborted if it goes away. */
  abandonKey?: string;
  /** An in-process read built from an operation that already passed the operation limits (graphql-ws). */
  preChecked?: true;
}

/**
 * Passes the caller's token and the correlation id on to every subgraph request, with the gateway's own credential
 * (subgraphs answer nothing without it); an unreachable subgraph is SERVICE_UNAVAILABLE.
 */
class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly serviceName: string,
    private readonly log: Logger,
    private readonly credentials: GatewayCredentials,
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
  ) {
    super(config);
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
    } catch (error) {
      if (error instanceof GraphQLError) throw error;
      this.log.warn({ err: error, subgraph: this.serviceName, correlationId: options.context.correlationId }, 'subgraph unreachable');
      throw new GraphQLError(`The ${this.serviceName} service is unavailable right now`, {
        extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: this.serviceName },
      });
    }
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    if (!request.http) return;
    request.http.headers.set(INTERNAL_CREDENTIAL_HEADER, await this.credentials.get());
    if (context.authorization) request.http.headers.set('authorization', context.authorization);
    if (context.correlationId) request.http.headers.set(CORRELATION_HEADER, context.correlationId);
    if (context.abandonKey) request.http.headers.set(ABANDON_KEY_HEADER, context.abandonKey);
  }
}

// Names the client request a subgraph fetch belongs to; read and removed by the fetcher, never sent.
const ABANDON_KEY_HEADER = 'x-shop-abandon-key';

/**
 * Node's fetch keeps connections alive (the default fetcher costs ~27% of gateway CPU here); each call has a
 * deadline, and is aborted when the client request it serves is abandoned, so its subgraph stops working too.
 */
function timedFetch(timeoutMs: number, abandoned: Map<string, AbortSignal>, observe: FetchObserver) {
  return (async (url: string, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const key = headers.get(ABANDON_KEY_HEADER);
    headers.delete(ABANDON_KEY_HEADER);
    const client = key ? abandoned.get(key) : undefined;
    const deadline = AbortSignal.timeout(timeoutMs);
    const started = performance.now();
    try {
      const response = await fetch(url, { ...init, headers, signal: client ? AbortSignal.any([deadline, client]) : deadline });
      observe(performance.now() - started, response.status >= 500 ? 'status_5xx' : null);
      return response;
    } catch (error) {
      observe(performance.now() - started, deadline.aborted ? 'timeout' : client?.aborted ? 'abandoned' : 'network');
      throw error;
    }
  }) as never;
}

/** Duration in ms, and why the fetch failed (null: it got an answer below 500). */
type FetchObserver = (ms: number, failure: 'timeout' | 'abandoned' | 'network' | 'status_5xx' | null) => void;

/** Per-subgraph fetch durations and failures; subgraph names come from the supergraph, so they are bounded. */
function subgraphFetchMetrics(registry: Registry): (subgraph: string) => FetchObserver {
  const duration = new Histogram({
    name: 'gateway_subgraph_fetch_duration_seconds',
    help: 'Fetches from the gateway to each subgraph, by outcome (ok, error)',
    labelNames: ['subgraph', 'outcome'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'gateway_subgraph_fetch_errors_total',
    help: 'Failed subgraph fetches by reason (timeout, abandoned, network, status_5xx)',
    labelNames: ['subgraph', 'reason'],
    registers: [registry],
  });
  return (subgraph) => (ms, failure) => {
    duration.observe({ subgraph, outcome: failure ? 'error' : 'ok' }, ms / 1000);
    if (failure) errors.inc({ subgraph, reason: failure });
  };
}

export async function startGateway(env: GatewayEnv) {
  const log = createLogger('gateway', env.LOG_LEVEL);
  const supergraphSdl = await readFile(env.SUPERGRAPH_PATH, 'utf8');
  const subgraphUrls: Record<string, string> = {};
  // Client requests in flight, by abandon key: their signal fires when the client goes away before the answer.
  const abandoned = new Map<string, AbortSignal>();
  const credentials = new GatewayCredentials(env.GATEWAY_TOKEN_SECRET);
  const metrics = createMetrics('gateway');
  const fetchObserver = subgraphFetchMetrics(metrics);
  // Operation names are the client's choice: the first 100 distinct ones are kept, later ones count as `other`.
  const requests = operationMetrics<GatewayContext>(metrics, { prefix: 'gateway_request', operationLabel: boundedNames(100) });
  const gateway = new ApolloGateway({
    // The committed supergraph: no runtime introspection of subgraphs.
    supergraphSdl,
    logger: log,
    buildService: ({ name, url }) => {
      const target = env.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`No URL for subgraph ${name}`);
      subgraphUrls[name] = target;
      return new ForwardingDataSource(name, log, credentials, {
        url: target,
        fetcher: timedFetch(env.SUBGRAPH_TIMEOUT_MS, abandoned, fetchObserver(name)),
      });
    },
  });
  // User tokens are verified with the user service's published keys; the gateway cannot make one.
  const tokens = UserTokenVerifier.fromEnv(env);
  const clientIp = clientIpResolver(env.TRUST_PROXY);
  // Verifies the token on every call (no cache), so a token is never counted as its user past its expiry.
  const identify: Identify = async (authorization) => {
    const caller = await tokens.fromAuthorization(authorization);
    return caller ? { userId: caller.userId } : null;
  };
  const rateLimitRedis = env.rateLimits.enabled
    ? new Redis(env.rateLimits.redisUrl, { ...redisReconnect, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 500 })
    : null;
  // Failures are handled per request (fail open / in-memory); this only keeps ioredis from logging unhandled errors.
  rateLimitRedis?.on('error', () => undefined);
  // One set of operation limits for HTTP and graphql-ws: the text (size, shape) first, the cost once validated.
  const checkTextOnly = textChecker(env.operationLimits, env.MAX_QUERY_TOKENS);
  // These refusals happen before Apollo sees the request, so its plugin cannot count them.
  const checkText = (query: string) => {
    const refused = checkTextOnly(query);
    if (refused) requests.refused(String(refused.extensions.code));
    return refused;
  };
  const server = await startHttpService<GatewayContext>({
    name: 'gateway',
    graphql: { gateway },
    parseOptions: { maxTokens: env.MAX_QUERY_TOKENS },
    preflight: checkText,
    // Both run once the operation is parsed and validated, before any subgraph is called.
    plugins: [
      requests.plugin,
      operationLimitsPlugin<GatewayContext>(env.operationLimits, (context) => context.preChecked === true),
      ...(rateLimitRedis
        ? [createRateLimits({ redis: rateLimitRedis, keyPrefix: env.REDIS_KEY_PREFIX, limits: env.rateLimits.limits, identify, log })]
        : []),
    ],
    port: env.PORT,
    production: env.NODE_ENV === 'production',
    routes: (app) => {
      app.use('/graphql', corsMiddleware(env.CORS_ORIGINS, [CORRELATION_HEADER, 'retry-after']));
      metricsRoute(metrics)(app);
    },
    log,
    readiness: Object.fromEntries(
      Object.keys(env.subgraphUrls).map((name) => [
        name,
        async () => {
          const target = subgraphUrls[name];
          if (!target) throw new Error('not loaded');
          const res = await fetch(new URL('/health', target), { signal: AbortSignal.timeout(1500) });
          if (!res.ok) throw new Error(`health ${res.status}`);
        },
      ]),
    ),
    context: async (req, correlationId, signal) => {
      const abandonKey = randomUUID();
      abandoned.set(abandonKey, signal);
      // The response's close (sent, or the client gone): the request is over either way.
      (req.res ?? req).once('close', () => abandoned.delete(abandonKey));
      return { authorization: req.headers.authorization, correlationId, clientIp: clientIp(req), abandonKey };
    },
  }).catch((error: unknown) => {
    rateLimitRedis?.disconnect();
    throw error;
  });
  if (rateLimitRedis) await waitForRedis(rateLimitRedis);

  // Subscriptions: graphql-ws on the same port and path, validated and limited against the client API schema.
  // Its reads add hidden fields (revision, status) to the client's selection, which was checked on arrival.
  const apiSchema = buildSchema(await readFile(path.join(path.dirname(env.SUPERGRAPH_PATH), 'api.graphql'), 'utf8'));
  const read = async (
    query: string,
    variables: Record<string, unknown>,
    authorization: string,
    origin: Pick<GatewayContext, 'clientIp' | 'internal'>,
  ) => {
    const response = await server.apollo.executeOperation(
      { query, variables },
      { contextValue: { ...(authorization ? { authorization } : {}), correlationId: randomUUID(), preChecked: true, ...origin } },
    );
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    return response.body.singleResult as Awaited<ReturnType<FederatedRead>>;
  };
  // The hub reads on the subscriber's behalf: internal. A query or mutation a client sends over the socket is charged like HTTP.
  const hubRead: FederatedRead = (query, variables, authorization) => read(query, variables, authorization, { internal: true });
  const clientRead: FederatedRead = (query, variables, authorization, ip) =>
    read(query, variables, authorization, { clientIp: ip ?? 'unknown' });
  const pubsub = new RedisPubSub({
    publisher: new Redis(env.REDIS_URL, { ...redisReconnect, lazyConnect: true }),
    // No ready check: on reconnect ioredis would send INFO on a connection already in subscriber mode, which Redis
    // refuses, and the rejection would go unhandled (seen in the chaos run's Redis cut).
    subscriber: new Redis(env.REDIS_URL, { ...redisReconnect, enableReadyCheck: false }),
  });
  const hub = new OrderStatusHub(pubsub, env.REDIS_KEY_PREFIX, hubRead, log, env.SUBSCRIPTION_RESYNC_MS);
  const subscriptions = attachSubscriptionServer({
    httpServer: server.httpServer,
    schema: apiSchema,
    maxTokens: env.MAX_QUERY_TOKENS,
    production: env.NODE_ENV === 'production',
    operationLimits: env.operationLimits,
    checkText,
    tokens,
    hub,
    readAs: clientRead,
    clientIp,
    log,
    limits: {
      maxPayloadBytes: env.WS_MAX_PAYLOAD_BYTES,
      maxSubscriptionsPerSocket: env.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
      maxSocketsPerUser: env.WS_MAX_SOCKETS_PER_USER,
      connectionInitTimeoutMs: env.WS_CONNECTION_INIT_TIMEOUT_MS,
    },
  });
  new Gauge({
    name: 'gateway_websocket_connections',
    help: 'Open graphql-ws sockets',
    registers: [metrics],
    collect() {
      this.set(subscriptions.wss.clients.size);
    },
  });
  new Gauge({
    name: 'gateway_active_subscriptions',
    help: 'Subscriptions being served (order status streams)',
    registers: [metrics],
    collect() {
      this.set(hub.stats.subscriptions);
    },
  });
  return {
    ...server,
    metrics,
    subgraphUrls,
    hub,
    pubsub,
    /** Open graphql-ws sockets per user, for tests and diagnostics. */
    socketLimits: subscriptions.limits,
    /** The rate limiter's Redis connection (null when RATE_LIMITS_ENABLED is false). */
    rateLimitRedis,
    close: async () => {
      await subscriptions.close();
      hub.close();
      await pubsub.close().catch(() => undefined);
      await server.close();
      rateLimitRedis?.disconnect();
    },
  };
}
