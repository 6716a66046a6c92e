import type http from 'node:http';
import { GraphQLError, parse, validate, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppError, hideSuggestions, setBounded, type Caller, type UserTokenVerifier } from '@shop/kit';
import { checkCost, forSocket, type OperationLimits } from '../security/operation-limits.js';
import { asErrors, type FederatedRead, type OrderStatusHub } from './order-status-hub.js';
import { planOrderSubscription } from './plan.js';
import { SocketLimits, type SocketLimitOptions } from './socket-limits.js';
import { serveGraphqlWs } from './ws-transport.js';

interface Connection {
  caller: Caller;
  authorization: string;
  clientIp: string;
}

interface SubscriptionContext {
  connection?: Connection;
  /** The operation as the client sent it, for a query or mutation passed on to the gateway. */
  query: string;
}

const asResult = (error: unknown): ExecutionResult => {
  const graphqlError =
    error instanceof GraphQLError ? error : new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  return { errors: [graphqlError] };
};

/**
 * graphql-ws on the gateway's own HTTP server and path. The token is checked in `connection_init` and the socket is
 * closed (4401) when it expires; subscriptions go to the hub, and a query or mutation sent over the socket runs
 * through the gateway like HTTP.
 */
export function attachSubscriptionServer(options: {
  httpServer: http.Server;
  schema: GraphQLSchema;
  /** The same parser token limit as HTTP requests. */
  maxTokens: number;
  /** Hides "Did you mean …?" in validation errors, as HTTP does in production. */
  production?: boolean;
  /** The same operation limits as HTTP requests; in-process reads after this skip them. */
  operationLimits: OperationLimits;
  /** The same text check (size, shape) as HTTP requests. */
  checkText: (query: string) => GraphQLError | null;
  tokens: UserTokenVerifier;
  hub: OrderStatusHub;
  readAs: FederatedRead;
  /** The client's address from the upgrade request, as for HTTP (rate limits). */
  clientIp: (request: http.IncomingMessage) => string;
  log: Logger;
  limits: SocketLimitOptions;
  /** WS_KEEPALIVE_MS: how often each socket is pinged; one silent for a whole period after a ping is cut. */
  keepAliveMs?: number;
}) {
  const limits = new SocketLimits(options.limits);
  const wss = new WebSocketServer({ server: options.httpServer, path: '/graphql', maxPayload: options.limits.maxPayloadBytes });
  const connections = new WeakMap<WebSocket, Connection>();
  // Clients send the same few operations over and over: parse and validate each text once (bounded).
  const documents = new Map<string, DocumentNode | readonly GraphQLError[]>();
  const prepared = (query: string): DocumentNode | readonly GraphQLError[] => {
    let entry = documents.get(query);
    if (!entry) {
      try {
        const document = parse(query, { maxTokens: options.maxTokens });
        const errors = validate(options.schema, document);
        entry = errors.length ? (options.production ? hideSuggestions(errors) : errors) : document;
      } catch (error) {
        entry = [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
      }
      setBounded(documents, query, entry, 500);
    }
    return entry;
  };
  const server = serveGraphqlWs<Record<string, unknown> | undefined>(
    wss,
    {
      connectionInitWaitTimeout: options.limits.connectionInitTimeoutMs,
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const caller = typeof header === 'string' ? await options.tokens.fromAuthorization(header) : null;
        if (!caller) {
          ctx.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized: send a valid access token in connection_init');
          return false;
        }
        if (!limits.admit(ctx.extra.socket, caller)) return false;
        connections.set(ctx.extra.socket, { caller, authorization: String(header), clientIp: options.clientIp(ctx.extra.request) });
        return true;
      },
      onClose: (ctx) => limits.release(ctx.extra.socket),
      // Returning the execution arguments here replaces graphql-ws's own parse, validate and context steps.
      onSubscribe: (ctx, _id, payload) => {
        const tooComplex = options.checkText(payload.query);
        if (tooComplex) return [forSocket(tooComplex)];
        const tooMany = limits.refuseOperation(ctx.subscriptions);
        if (tooMany) return tooMany;
        const document = prepared(payload.query);
        if (!('kind' in document)) return document;
        const refused = checkCost(options.schema, document, payload.operationName, payload.variables, options.operationLimits);
        if (refused) return [forSocket(refused)];
        const connection = connections.get(ctx.extra.socket);
        return {
          schema: options.schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
          contextValue: { ...(connection ? { connection } : {}), query: payload.query } satisfies SubscriptionContext,
        };
      },
      subscribe: async (args: ExecutionArgs) => {
        const context = args.contextValue as SubscriptionContext;
        try {
          if (!context.connection) throw new AppError('UNAUTHENTICATED', 'Sign in to do this');
          const plan = planOrderSubscription(args.document, args.operationName, args.variableValues as Record<string, unknown>);
          return await options.hub.subscribe(plan, context.connection.caller, context.connection.authorization);
        } catch (error) {
          return asResult(error);
        }
      },
      execute: async (args: ExecutionArgs) => {
        const context = args.contextValue as SubscriptionContext;
        const response = await options.readAs(
          context.query,
          (args.variableValues ?? {}) as Record<string, unknown>,
          context.connection?.authorization ?? '',
          context.connection?.clientIp,
        );
        // graphql-ws serialises GraphQLErrors (toJSON); the in-process read returns formatted ones (RATE_LIMITED, ...).
        return { data: response.data ?? null, ...(response.errors?.length ? { errors: asErrors(response.errors) } : {}) };
      },
      onError: (_ctx, _id, _payload, errors) => {
        options.log.debug({ errors }, 'subscription request refused');
      },
    },
    { log: options.log, ...(options.keepAliveMs ? { keepAliveMs: options.keepAliveMs } : {}) },
  );
  return {
    wss,
    limits,
    /** Tells every client the server is going away (1001), then stops accepting sockets. */
    async close(): Promise<void> {
      for (const socket of wss.clients) socket.close(1001, 'Going away: the gateway is shutting down');
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
