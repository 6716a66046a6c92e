import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { BaseContext } from '@apollo/server';
import type { GatewayGraphQLRequest, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { buildSchema, GraphQLError } from 'graphql';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Logger } from 'pino';
import { Agent, type Dispatcher } from 'undici';
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
  MAX_BATCHED_OPERATIONS,
  Redis,
  redisReconnect,
  startHttpService,
  UserTokenVerifier,
  waitForRedis,
  type Registry,
} from '@shop/kit';
import type { GatewayEnv } from './environment.js';
import { corsHandler } from './security/cors.js';
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
  /** Fires when the client goes away before the answer: the request's subgraph fetches are aborted with it. */
  clientSignal?: AbortSignal;
  /** An in-process read built from an operation that already passed the operation limits (graphql-ws). */
  preChecked?: true;
}

/**
 * Passes the caller's token and the correlation id on to every subgraph request, with the gateway's own credential
 * (subgraphs answer nothing without it); an unreachable subgraph is SERVICE_UNAVAILABLE.
 */
class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly origin: string;
  private readonly path: string;

  constructor(
    private readonly serviceName: string,
    private readonly log: Logger,
    private readonly credentials: GatewayCredentials,
    private readonly transport: SubgraphTransport,
    private readonly observe: FetchObserver,
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
  ) {
    super(config);
    const url = new URL(String(config?.url));
    this.origin = url.origin;
    this.path = `${url.pathname}${url.search}`;
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await this.forward(options);
    } catch (error) {
      if (error instanceof GraphQLError) throw error;
      this.log.warn({ err: error, subgraph: this.serviceName, correlationId: options.context.correlationId }, 'subgraph unreachable');
      throw new GraphQLError(`The ${this.serviceName} service is unavailable right now`, {
        extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: this.serviceName },
      });
    }
  }

  /** Fetches of one client request to this subgraph that were issued together and not sent yet. */
  private readonly pending = new WeakMap<ForwardContext, Pending[]>();

  /**
   * Fetches of one client request to this subgraph that the plan issues together (its parallel nodes start in one
   * synchronous run) go out as one batched POST (a JSON array, which the subgraphs accept), answered by a JSON array
   * in the same order: one subgraph request instead of several. A fetch alone is sent as it was. The caller's token,
   * the correlation id and the credential are the same for every fetch of one client request.
   */
  private forward({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    if (!request.query) return Promise.reject(new Error('Missing query'));
    const { http, ...payload } = request;
    return new Promise<GatewayGraphQLResponse>((resolve, reject) => {
      const member: Pending = { payload, headers: http?.headers, resolve, reject };
      const waiting = this.pending.get(context);
      if (waiting && waiting.length < MAX_BATCHED_OPERATIONS) return void waiting.push(member);
      const batch = [member];
      this.pending.set(context, batch);
      queueMicrotask(() => {
        if (this.pending.get(context) === batch) this.pending.delete(context);
        this.send(batch, context).catch((error: unknown) => {
          for (const one of batch) one.reject(error);
        });
      });
    });
  }

  /**
   * One subgraph request, with the caller's token, the correlation id and the gateway's own credential (subgraphs
   * answer nothing without it). Sent through a keep-alive undici pool, not the Fetch API: Apollo's own path builds
   * node-fetch Headers and a Request per call (the Request only for error reports) and Node's fetch wraps each call
   * in Request/Response/Headers/stream objects and abort signals, which together cost more gateway CPU than
   * planning and merging the answers. Same contract as Apollo's: a non-2xx answer becomes its error for that
   * status, a body that is not a JSON object an error. (No APQ to subgraphs and no cache-control merging: neither is
   * used here.) A batch's statuses are merged by the subgraph, so an array of the right length is read member by
   * member whatever the status.
   */
  private async send(batch: Pending[], context: ForwardContext): Promise<void> {
    const headers: Record<string, string> = {};
    for (const [name, value] of batch[0]!.headers ?? []) headers[name] = value;
    headers['content-type'] = 'application/json';
    headers[INTERNAL_CREDENTIAL_HEADER] = await this.credentials.get();
    if (context.authorization) headers.authorization = context.authorization;
    if (context.correlationId) headers[CORRELATION_HEADER] = context.correlationId;
    const single = batch.length === 1;
    const text = JSON.stringify(single ? batch[0]!.payload : batch.map((one) => one.payload));
    const answer = await this.transport.post(this.origin, this.path, headers, text, this.observe, context.clientSignal);
    const ok = answer.status >= 200 && answer.status < 300;
    let body: unknown;
    try {
      body = answer.json();
    } catch (error) {
      if (ok) throw error;
    }
    if (!single && Array.isArray(body) && body.length === batch.length) {
      batch.forEach((one, i) => settle(one, body[i], answer.text));
      return;
    }
    if (!ok) {
      const error = await this.errorFromResponse(answer.asFetchResponse(this.url!) as never);
      for (const one of batch) one.reject(error);
      return;
    }
    if (!single) throw new Error(`Expected a JSON array of ${batch.length} answers, but received: ${answer.text}`);
    settle(batch[0]!, body, answer.text);
  }
}

/** What a fetch carries as its context: the client request's, or Apollo's own (health checks). */
type ForwardContext = GraphQLDataSourceProcessOptions<GatewayContext>['context'];

interface Pending {
  payload: Omit<GatewayGraphQLRequest, 'http'>;
  headers: Iterable<[string, string]> | undefined;
  resolve(response: GatewayGraphQLResponse): void;
  reject(error: unknown): void;
}

function settle(one: Pending, body: unknown, text: string): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    one.reject(new Error(`Expected JSON response body, but received: ${text}`));
  else one.resolve(body as GatewayGraphQLResponse);
}

/** What came back from a subgraph: the text is read at once (answers are small), a Response made only for errors. */
class SubgraphAnswer {
  constructor(
    readonly status: number,
    private readonly headers: Record<string, string | string[] | undefined>,
    readonly text: string,
  ) {}

  json(): unknown {
    return JSON.parse(this.text);
  }

  /** A Fetch API Response, for Apollo's error path (`errorFromResponse`), which reads status, headers and body. */
  asFetchResponse(url: string): Response {
    const headers = new Headers();
    for (const [name, value] of Object.entries(this.headers))
      for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
    const response = new Response(this.text, { status: this.status, headers });
    Object.defineProperty(response, 'url', { value: url });
    return response;
  }
}

/**
 * Keep-alive connections to the subgraphs (undici); each call has a deadline (no answer within `timeoutMs`) and is
 * aborted when the client request it serves is abandoned, so its subgraph stops working too. Observed per subgraph.
 */
class SubgraphTransport {
  private readonly agent: Agent;

  constructor(timeoutMs: number) {
    this.agent = new Agent({ keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  }

  /**
   * Through `dispatch` with a handler that collects the answer's bytes, not `request`: its response object and body
   * stream (a Readable per call, read back into one string) were a tenth of the gateway's CPU per cart read.
   */
  post(
    origin: string,
    path: string,
    headers: Record<string, string>,
    body: string,
    observe: FetchObserver,
    signal?: AbortSignal,
  ): Promise<SubgraphAnswer> {
    const started = performance.now();
    return new Promise<SubgraphAnswer>((resolve, reject) => {
      let status = 0;
      let answerHeaders: Record<string, string | string[] | undefined> = {};
      const chunks: Buffer[] = [];
      let controller: Dispatcher.DispatchController | undefined;
      const abortReason = () => (signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      const onAbort = () => controller?.abort(abortReason());
      const finish = (error: Error | null) => {
        signal?.removeEventListener('abort', onAbort);
        if (error) {
          const code = (error as { code?: string }).code;
          const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
          observe(performance.now() - started, timedOut ? 'timeout' : signal?.aborted ? 'abandoned' : 'network');
          return reject(error);
        }
        observe(performance.now() - started, status >= 500 ? 'status_5xx' : null);
        const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
        resolve(new SubgraphAnswer(status, answerHeaders, text));
      };
      if (signal?.aborted) return finish(abortReason());
      signal?.addEventListener('abort', onAbort, { once: true });
      this.agent.dispatch(
        { origin, path, method: 'POST', headers, body },
        {
          onRequestStart: (dispatched) => {
            controller = dispatched;
            if (signal?.aborted) onAbort();
          },
          onResponseStart: (_controller, statusCode, responseHeaders) => {
            status = statusCode;
            answerHeaders = responseHeaders;
          },
          onResponseData: (_controller, chunk) => void chunks.push(chunk),
          onResponseEnd: () => finish(null),
          onResponseError: (_controller, error) => finish(error),
        },
      );
    });
  }

  close(): Promise<void> {
    return this.agent.close();
  }
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
  const credentials = new GatewayCredentials(env.GATEWAY_TOKEN_SECRET);
  const metrics = createMetrics('gateway');
  const fetchObserver = subgraphFetchMetrics(metrics);
  const transport = new SubgraphTransport(env.SUBGRAPH_TIMEOUT_MS);
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
      return new ForwardingDataSource(name, log, credentials, transport, fetchObserver(name), { url: target });
    },
  });
  // User tokens are verified with the user service's published keys; the gateway cannot make one.
  const tokens = UserTokenVerifier.fromEnv(env);
  const clientIp = clientIpResolver(env.TRUST_PROXY);
  // A token verified once is remembered only until its expiry: never counted as its user past it.
  const identify: Identify = async (authorization) => {
    const caller = await tokens.fromAuthorization(authorization);
    return caller ? { userId: caller.userId } : null;
  };
  // Auto-pipelining: the charges of the requests handled in one turn of the event loop go to Redis in one write.
  const rateLimitRedis = env.rateLimits.enabled
    ? new Redis(env.rateLimits.redisUrl, {
        ...redisReconnect,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: 500,
        enableAutoPipelining: true,
      })
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
    intercept: corsHandler(env.CORS_ORIGINS, [CORRELATION_HEADER, 'retry-after']),
    routes: metricsRoute(metrics),
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
    context: async (req, correlationId, signal) => ({
      authorization: req.headers.authorization,
      correlationId,
      clientIp: clientIp(req),
      clientSignal: signal,
    }),
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
  const hub = new OrderStatusHub(pubsub, env.REDIS_KEY_PREFIX, hubRead, log, {
    periodMs: env.SUBSCRIPTION_RESYNC_MS,
    maxPerSecond: env.SUBSCRIPTION_RESYNC_MAX_PER_SECOND,
  });
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
    keepAliveMs: env.WS_KEEPALIVE_MS,
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
      await transport.close();
      rateLimitRedis?.disconnect();
    },
  };
}
