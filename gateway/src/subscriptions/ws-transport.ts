import type http from 'node:http';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { Logger } from 'pino';
import { WebSocket, type WebSocketServer } from 'ws';

/** What every graphql-ws hook sees as `ctx.extra`. */
export interface SocketExtra {
  readonly socket: WebSocket;
  readonly request: http.IncomingMessage;
}

/** How often a socket is asked to prove it is there (a ping frame); one that sent nothing since the last ask is cut. */
export const DEFAULT_KEEPALIVE_MS = 30_000;

/** Ticks per keep-alive period: each socket is pinged on its own tick, so pings are spread, never sent in one burst. */
const KEEPALIVE_SLOTS = 30;

interface Liveness {
  /** Something (a pong, a message) arrived since the last ping. */
  heard: boolean;
  slot: Set<WebSocket>;
}

/**
 * graphql-ws over a `ws` server, in place of graphql-ws's own `useServer`. Three differences, all about the cost of
 * many open sockets on few cores:
 * - keep-alive is one timer for all sockets (each socket in one of 30 slots, one slot per tick), not an interval,
 *   a timeout and a listener per socket; and any frame from the client counts as a sign of life;
 * - what the protocol sends in one turn of the event loop to one socket goes out in one write: a subscription's last
 *   `next` and its `complete` are one system call, not two (send is corked until the turn ends);
 * - a frame the client got wrong (over `maxPayload`, bad UTF-8) reaches `ws` as a socket error after it has already
 *   closed the socket with the matching code: logged at debug level, not as an internal error, so no client can
 *   fill the logs.
 */
export function serveGraphqlWs<P extends Record<string, unknown> | undefined>(
  wss: WebSocketServer,
  options: ServerOptions<P, SocketExtra>,
  settings: { log: Logger; keepAliveMs?: number },
): { dispose(): Promise<void> } {
  const { log } = settings;
  const server = makeServer<P, SocketExtra>(options);
  wss.options.handleProtocols = handleProtocols;

  const slots = Array.from({ length: KEEPALIVE_SLOTS }, () => new Set<WebSocket>());
  const liveness = new WeakMap<WebSocket, Liveness>();
  let tick = 0;
  const keepAlive = setInterval(
    () => {
      tick = (tick + 1) % KEEPALIVE_SLOTS;
      for (const socket of slots[tick]!) {
        const state = liveness.get(socket);
        if (!state || socket.readyState !== WebSocket.OPEN) continue;
        if (!state.heard) {
          socket.terminate();
          continue;
        }
        state.heard = false;
        socket.ping();
      }
    },
    (settings.keepAliveMs ?? DEFAULT_KEEPALIVE_MS) / KEEPALIVE_SLOTS,
  );
  keepAlive.unref();

  wss.on('connection', (socket, request) => {
    const state: Liveness = { heard: true, slot: slots[tick]! };
    state.slot.add(socket);
    liveness.set(socket, state);
    const heard = () => void (state.heard = true);
    socket.on('pong', heard);

    socket.on('error', (error: Error & { code?: unknown }) => {
      if (typeof error.code === 'string' && error.code.startsWith('WS_ERR_')) {
        log.debug({ code: error.code, message: error.message }, 'graphql-ws client sent a bad frame; socket closed');
        return;
      }
      log.error({ err: error }, 'graphql-ws socket error');
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });

    // The raw TCP socket is corked from the first send of a turn until the turn is over (setImmediate runs after
    // every promise continuation of this turn), so the frames of one turn leave together. `ws` has no public cork;
    // the upgraded request's socket is the one `ws` writes to (the server's 'upgrade' hands it over as is).
    const raw = request.socket;
    let corked = false;
    const uncork = () => {
      corked = false;
      raw.uncork();
    };
    const send = (data: string): void => {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (!corked) {
        raw.cork();
        corked = true;
        setImmediate(uncork);
      }
      socket.send(data);
    };

    const closed = server.opened(
      {
        protocol: socket.protocol,
        // Resolved at once: a write that fails closes the socket, and its close ends every subscription on it.
        send: async (data) => send(data),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (receive) =>
          socket.on('message', (data) => {
            heard();
            receive(String(data)).catch((error: unknown) => {
              log.error({ err: error }, 'graphql-ws message handling failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      { socket, request },
    );

    socket.once('close', (code, reason) => {
      state.slot.delete(socket);
      liveness.delete(socket);
      void closed(code, String(reason));
    });
  });

  return {
    async dispose() {
      clearInterval(keepAlive);
      for (const socket of wss.clients) socket.close(1001, 'Going away');
    },
  };
}
