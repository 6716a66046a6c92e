import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { BaseContext } from '@apollo/server';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { buildSchema, GraphQLError } from 'graphql';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Logger } from 'pino';
import { createLogger, CORRELATION_HEADER, Redis, redisReconnect, startHttpService, TokenService } from '@shop/kit';
import type { GatewayEnv } from './environment.js';
import { operationLimitsPlugin } from './security/operation-limits.js';
import { OrderStatusHub, type FederatedRead } from './subscriptions/order-status-hub.js';
import { attachSubscriptionServer } from './subscriptions/ws-server.js';

export interface GatewayContext extends BaseContext {
  authorization?: string;
  correlationId: string;
  /** An in-process read built from an operation that already passed the operation limits (graphql-ws). */
  preChecked?: true;
}

/** Passes the caller's token and the correlation id on to every subgraph request; an unreachable subgraph is SERVICE_UNAVAILABLE. */
class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly serviceName: string,
    private readonly log: Logger,
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

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!request.http) return;
    if (context.authorization) request.http.headers.set('authorization', context.authorization);
    if (context.correlationId) request.http.headers.set(CORRELATION_HEADER, context.correlationId);
  }
}

/** Node's fetch keeps connections alive (the default fetcher costs ~27% of gateway CPU here) and each call has a deadline. */
function timedFetch(timeoutMs: number) {
  return ((url: string, init?: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as never;
}

export async function startGateway(env: GatewayEnv) {
  const log = createLogger('gateway', env.LOG_LEVEL);
  const supergraphSdl = await readFile(env.SUPERGRAPH_PATH, 'utf8');
  const subgraphUrls: Record<string, string> = {};
  const gateway = new ApolloGateway({
    // The committed supergraph: no runtime introspection of subgraphs.
    supergraphSdl,
    logger: log,
    buildService: ({ name, url }) => {
      const target = env.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`No URL for subgraph ${name}`);
      subgraphUrls[name] = target;
      return new ForwardingDataSource(name, log, { url: target, fetcher: timedFetch(env.SUBGRAPH_TIMEOUT_MS) });
    },
  });
  const server = await startHttpService<GatewayContext>({
    name: 'gateway',
    graphql: { gateway },
    parseOptions: { maxTokens: env.MAX_QUERY_TOKENS },
    plugins: [operationLimitsPlugin<GatewayContext>(env.operationLimits, (context) => context.preChecked === true)],
    port: env.PORT,
    production: env.NODE_ENV === 'production',
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
    context: async (req, correlationId) => ({ authorization: req.headers.authorization, correlationId }),
  });

  // Subscriptions: graphql-ws on the same port and path, validated and limited against the client API schema.
  // Its reads add hidden fields (revision, status) to the client's selection, which was checked on arrival.
  const apiSchema = buildSchema(await readFile(path.join(path.dirname(env.SUPERGRAPH_PATH), 'api.graphql'), 'utf8'));
  const readAs: FederatedRead = async (query, variables, authorization) => {
    const response = await server.apollo.executeOperation(
      { query, variables },
      { contextValue: { ...(authorization ? { authorization } : {}), correlationId: randomUUID(), preChecked: true } },
    );
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    return response.body.singleResult as Awaited<ReturnType<FederatedRead>>;
  };
  const pubsub = new RedisPubSub({
    publisher: new Redis(env.REDIS_URL, { ...redisReconnect, lazyConnect: true }),
    subscriber: new Redis(env.REDIS_URL, redisReconnect),
  });
  const tokens = new TokenService(env);
  const hub = new OrderStatusHub(pubsub, env.REDIS_KEY_PREFIX, tokens, readAs, log, env.SUBSCRIPTION_RESYNC_MS);
  const subscriptions = attachSubscriptionServer({
    httpServer: server.httpServer,
    schema: apiSchema,
    maxTokens: env.MAX_QUERY_TOKENS,
    limits: env.operationLimits,
    tokens,
    hub,
    readAs,
    log,
  });
  return {
    ...server,
    subgraphUrls,
    hub,
    pubsub,
    close: async () => {
      await subscriptions.close();
      hub.close();
      await pubsub.close().catch(() => undefined);
      await server.close();
    },
  };
}
