import { getOperationAST, print, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { getSdk, type Requester } from './generated.js';

export interface ShopClientOptions {
  /** The gateway's GraphQL endpoint, e.g. http://localhost:4000/graphql */
  url: string;
  /** An access token from register/login/refreshSession; omit for anonymous calls. */
  token?: string | null;
  /** Extra HTTP headers (queries and mutations only: a WebSocket handshake carries none). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** The graphql-ws endpoint for subscriptions; defaults to `url` with http → ws, https → wss. */
  wsUrl?: string;
  /**
   * Read at every (re)connect of the subscription socket, instead of `token`: for apps that keep the current access
   * token in their own session store. When the server closes the socket with 4401, subscriptions reconnect once
   * with what it returns then.
   */
  getToken?: () => string | null | undefined | Promise<string | null | undefined>;
  /**
   * Called when the server closes the subscription socket with 4401 (the access token expired, or was refused):
   * returns a fresh access token, e.g. from `refreshSession`, which later calls use too. Running subscriptions
   * reconnect with it and subscribe again; if the fresh token is refused as well, or this throws, they fail.
   * Without `refresh` or `getToken`, a 4401 ends every subscription with UNAUTHENTICATED.
   */
  refresh?: () => Promise<string | null>;
}

/** A response with errors. `data` keeps whatever the gateway could resolve (partial results). */
export class ShopApiError extends Error {
  constructor(
    readonly errors: readonly GraphQLFormattedError[],
    readonly data: unknown,
    /** The HTTP status; for a subscription, the WebSocket close code if the socket closed, else 0. */
    readonly status: number,
  ) {
    super(errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ') || `HTTP ${status}`);
    this.name = 'ShopApiError';
  }

  /** The first error's `extensions.code`, e.g. UNAUTHENTICATED, BAD_USER_INPUT. */
  get code(): string | undefined {
    const code = this.errors[0]?.extensions?.code;
    return typeof code === 'string' ? code : undefined;
  }

  get codes(): string[] {
    return this.errors.map((e) => String(e.extensions?.code ?? 'ERROR'));
  }
}

export interface RawResult<T> {
  status: number;
  data: T | null;
  errors?: GraphQLFormattedError[];
}

/** The graphql-ws endpoint next to an HTTP one: http → ws, https → wss, anything else unchanged. */
export function webSocketUrl(httpUrl: string): string {
  const url = new URL(httpUrl);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  return url.toString();
}

const RETRY_ATTEMPTS = 3;
// The gateway's refusals (4401 bad, missing or expired token, 4403 not allowed, 4429 too many sockets for this user);
// retrying with the same token cannot change the answer.
const CLOSE_CODES: Record<number, string> = { 4401: 'UNAUTHENTICATED', 4403: 'FORBIDDEN', 4429: 'TOO_MANY_CONNECTIONS' };
const UNAUTHORIZED = 4401;

/** One graphql-ws client (one socket at a time) and the identity its connections present. */
interface Socket {
  client: Client;
  token: string | null;
  /** Connections acknowledged so far; a refresh that does not lead to a new one is not tried again. */
  connected: number;
  /** The refresh after one 4401 close (graphql-ws rejects every subscription of a socket with the same close event). */
  renewal?: { cause: unknown; done: Promise<void> };
}

const printedDocuments = new WeakMap<DocumentNode, string>();
const subscriptionDocuments = new WeakMap<DocumentNode, boolean>();

function printed(document: DocumentNode): string {
  let text = printedDocuments.get(document);
  if (text === undefined) {
    text = print(document);
    printedDocuments.set(document, text);
  }
  return text;
}

function isSubscription(document: DocumentNode): boolean {
  let subscription = subscriptionDocuments.get(document);
  if (subscription === undefined) {
    subscription = getOperationAST(document)?.operation === 'subscription';
    subscriptionDocuments.set(document, subscription);
  }
  return subscription;
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'number' && 'reason' in value;
}

/** What graphql-ws rejects an iteration with (an `error` message's errors, a close event, a socket error) as an Error. */
function subscriptionError(failure: unknown): Error {
  if (Array.isArray(failure)) return new ShopApiError(failure as GraphQLFormattedError[], null, 0);
  if (isCloseEvent(failure)) {
    const code = CLOSE_CODES[failure.code] ?? 'CONNECTION_CLOSED';
    const message = failure.reason || `WebSocket closed with ${failure.code}`;
    return new ShopApiError([{ message, extensions: { code, closeCode: failure.code } }], null, failure.code);
  }
  if (failure instanceof Error) return failure;
  // ws reports connection failures (ECONNREFUSED, ...) as an ErrorEvent carrying the Error.
  const cause = (failure as { error?: unknown } | null)?.error;
  if (cause instanceof Error) return cause;
  return new Error(String((failure as { message?: unknown } | null)?.message ?? failure));
}

/**
 * A typed function per operation in schema/operations, plus `raw` for a response with its errors.
 *
 * Queries and mutations go over HTTP. Subscriptions return an AsyncIterable of `data` over one graphql-ws
 * connection per client, opened on the first subscription and closed when the last one ends; failures
 * (including a refused token) are thrown from the loop as ShopApiError:
 *
 * ```ts
 * const shop = createShopClient({ url: 'http://localhost:4000/graphql', token: accessToken });
 * try {
 *   for await (const { orderStatusChanged: order } of shop.OrderStatusChanged({ orderId })) {
 *     console.log(order.revision, order.status); // the current state first, then each change; ends after a final status
 *   }
 * } catch (error) {
 *   if (error instanceof ShopApiError) console.log(error.code); // UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, ...
 * } finally {
 *   await shop.dispose();
 * }
 * ```
 * Leaving the loop early (`break`, `return`, a throw) unsubscribes. After a dropped connection the client
 * reconnects (a few attempts) and subscribes again, so the current state can arrive twice: compare `revision`.
 * The gateway closes a socket with 4401 when its access token expires; pass `refresh` (or `getToken`) and the
 * subscriptions reconnect with a fresh token and carry on, the same way.
 */
export function createShopClient(options: ShopClientOptions) {
  let token = options.token ?? null;
  const doFetch = options.fetch ?? fetch;
  const wsUrl = options.wsUrl ?? webSocketUrl(options.url);
  let webSocket: Socket | null = null;
  // Clients from before a setToken: their sockets keep the old identity, so they only finish what they carry.
  const retired = new Set<Socket>();
  const renewable = Boolean(options.refresh ?? options.getToken);

  function webSocketClient(): Socket {
    if (webSocket) return webSocket;
    const socket: Socket = { token, connected: 0, client: undefined as unknown as Client };
    socket.client = createClient({
      url: wsUrl,
      webSocketImpl: globalThis.WebSocket ?? WebSocket,
      connectionParams: async () => {
        const current = options.getToken ? await options.getToken() : socket.token;
        return { authorization: current ? `Bearer ${current}` : undefined };
      },
      lazy: true,
      retryAttempts: RETRY_ATTEMPTS,
      // Retry dropped connections and network errors, never a refusal (4401 and 4429 are fatal in graphql-ws, 4403 is
      // not). A 4401 is handled per subscription below, with a fresh token.
      shouldRetry: (failure) => !(isCloseEvent(failure) && failure.code >= 4400 && failure.code < 4500),
      on: { connected: () => void (socket.connected += 1) },
    });
    webSocket = socket;
    return socket;
  }

  /** After a 4401: one refresh for all the subscriptions the close ended; they then reconnect with its token. */
  function renew(socket: Socket, cause: unknown): Promise<void> {
    if (socket.renewal && socket.renewal.cause === cause) return socket.renewal.done;
    const done = (async () => {
      // With getToken alone there is nothing to call: the reconnect reads it again.
      if (!options.refresh) return;
      const fresh = await options.refresh();
      socket.token = fresh;
      if (webSocket === socket) token = fresh;
    })();
    socket.renewal = { cause, done };
    return done;
  }

  async function* subscription<T>(query: string, variables: unknown): AsyncGenerator<T, void, undefined> {
    const payload = { query, variables: (variables ?? {}) as Record<string, unknown> };
    const socket = webSocketClient();
    let results = socket.client.iterate<T>(payload);
    let renewedAt: number | undefined;
    try {
      for (;;) {
        let step: IteratorResult<FormattedExecutionResult<T, unknown>>;
        try {
          step = await results.next();
        } catch (failure) {
          // A fresh token refused as well (no connection acknowledged since the last renewal) is final.
          if (!renewable || !isCloseEvent(failure) || failure.code !== UNAUTHORIZED || renewedAt === socket.connected) {
            throw subscriptionError(failure);
          }
          await renew(socket, failure);
          renewedAt = socket.connected;
          await results.return?.();
          results = socket.client.iterate<T>(payload);
          continue;
        }
        if (step.done) return;
        const { data, errors } = step.value;
        if (errors?.length || data === undefined || data === null) throw new ShopApiError(errors ?? [], data ?? null, 0);
        yield data;
      }
    } finally {
      await results.return?.();
    }
  }

  /** Each iteration is its own subscription, started by the first `next()`. */
  function subscribe<T = Record<string, unknown>>(query: string | DocumentNode, variables?: Record<string, unknown>): AsyncIterable<T> {
    const text = typeof query === 'string' ? query : printed(query);
    return { [Symbol.asyncIterator]: () => subscription<T>(text, variables) };
  }

  async function raw<T = Record<string, unknown>>(query: string, variables?: unknown): Promise<RawResult<T>> {
    const response = await doFetch(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...options.headers,
      },
      body: JSON.stringify({ query, variables: variables ?? {} }),
    });
    const text = await response.text();
    let body: { data?: T | null; errors?: GraphQLFormattedError[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new ShopApiError([{ message: text.slice(0, 500) }], null, response.status);
    }
    return { status: response.status, data: body.data ?? null, ...(body.errors ? { errors: body.errors } : {}) };
  }

  async function request<R>(document: DocumentNode, variables: unknown): Promise<R> {
    const result = await raw<R>(printed(document), variables);
    if (result.errors?.length || result.data === null) throw new ShopApiError(result.errors ?? [], result.data, result.status);
    return result.data;
  }

  const requester: Requester = <R, V>(document: DocumentNode, variables?: V): Promise<R> | AsyncIterable<R> =>
    isSubscription(document) ? subscribe<R>(document, variables as Record<string, unknown> | undefined) : request<R>(document, variables);

  return {
    ...getSdk(requester),
    raw,
    /** An ad-hoc subscription (any selection), typed by the caller like `raw`. */
    subscribe,
    /** Switch the identity of later calls (null for anonymous); running subscriptions keep the old one. */
    setToken(next: string | null) {
      if (next === token) return;
      token = next;
      if (webSocket) retired.add(webSocket);
      webSocket = null;
    },
    /** Close the WebSocket connection(s); running subscriptions end. Later subscriptions open a new connection. */
    async dispose() {
      const clients = [...retired, ...(webSocket ? [webSocket] : [])].map((socket) => socket.client);
      retired.clear();
      webSocket = null;
      // A connection refused while closing rejects here; there is nothing left to close then.
      await Promise.all(clients.map((client) => Promise.resolve(client.dispose()).catch(() => undefined)));
    },
  };
}

export type ShopClient = ReturnType<typeof createShopClient>;
