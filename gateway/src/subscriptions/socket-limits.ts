import type { GraphQLError } from 'graphql';
import { WebSocket } from 'ws';
import { AppError, type Caller } from '@shop/kit';

export interface SocketLimitOptions {
  /** The `ws` server's `maxPayload`: a bigger message closes the socket with 1009. */
  maxPayloadBytes: number;
  maxSubscriptionsPerSocket: number;
  maxSocketsPerUser: number;
  /** graphql-ws closes a socket that sent no `connection_init` by then (4408). */
  connectionInitTimeoutMs: number;
}

/** Close codes a client can act on: 4401 means "get a fresh token and reconnect", 4429 "close a connection first". */
export const TOKEN_EXPIRED = { code: 4401, reason: 'Unauthorized: access token expired' } as const;
export const TOO_MANY_CONNECTIONS = { code: 4429, reason: 'Too many connections' } as const;

// setTimeout fires at once for delays past 2^31-1 ms; a longer wait is re-armed in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Session {
  userId: string;
  timer?: NodeJS.Timeout;
}

/**
 * Per-process bookkeeping of authenticated graphql-ws sockets: how many each user holds, and when each one's
 * access token expires (graphql-ws has no re-authentication message, so an expired socket is closed and the
 * client reconnects with a fresh token).
 */
export class SocketLimits {
  private readonly sessions = new Map<WebSocket, Session>();
  private readonly socketsByUser = new Map<string, Set<WebSocket>>();

  constructor(readonly options: SocketLimitOptions) {}

  /** Counts an authenticated socket for its user and arms its expiry; past the per-user limit it is closed with 4429 instead. */
  admit(socket: WebSocket, caller: Caller): boolean {
    // Closed while its token was being verified: onClose has already run, so counting it now would leak.
    if (socket.readyState !== WebSocket.OPEN) return false;
    const sockets = this.socketsByUser.get(caller.userId) ?? new Set<WebSocket>();
    if (sockets.size >= this.options.maxSocketsPerUser) {
      socket.close(TOO_MANY_CONNECTIONS.code, TOO_MANY_CONNECTIONS.reason);
      return false;
    }
    sockets.add(socket);
    this.socketsByUser.set(caller.userId, sockets);
    const session: Session = { userId: caller.userId };
    this.sessions.set(socket, session);
    if (caller.expiresAt !== undefined) this.expireAt(socket, session, caller.expiresAt * 1000);
    return true;
  }

  /** The socket closed: its slot is free and its expiry timer is cleared. */
  release(socket: WebSocket): void {
    const session = this.sessions.get(socket);
    if (!session) return;
    this.sessions.delete(socket);
    clearTimeout(session.timer);
    const sockets = this.socketsByUser.get(session.userId);
    sockets?.delete(socket);
    if (sockets?.size === 0) this.socketsByUser.delete(session.userId);
  }

  /**
   * Refuses an operation past the per-socket limit. `active` is graphql-ws's own record of the socket's running
   * operations, which already holds the new one and drops each on complete or close, so nothing else is counted here.
   */
  refuseOperation(active: Readonly<Record<string, unknown>>): readonly GraphQLError[] | undefined {
    const limit = this.options.maxSubscriptionsPerSocket;
    if (Object.keys(active).length <= limit) return undefined;
    return [new AppError('TOO_MANY_SUBSCRIPTIONS', `At most ${limit} operations may run on one connection; complete one first`, { limit })];
  }

  get stats() {
    return { sockets: this.sessions.size, users: this.socketsByUser.size };
  }

  socketsOf(userId: string): number {
    return this.socketsByUser.get(userId)?.size ?? 0;
  }

  private expireAt(socket: WebSocket, session: Session, at: number): void {
    const wait = at - Date.now();
    if (wait <= 0) {
      socket.close(TOKEN_EXPIRED.code, TOKEN_EXPIRED.reason);
      return;
    }
    session.timer = setTimeout(() => this.expireAt(socket, session, at), Math.min(wait, MAX_TIMER_MS));
    session.timer.unref();
  }
}
