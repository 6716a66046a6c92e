import { ContractViolation } from './contracts.js';

/**
 * Thrown by a handler for a failure that will happen again however often it is retried (a deterministic domain
 * rule, a reference that can never resolve): the message goes to the dead-letter queue at once.
 */
export class PermanentFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentFailure';
  }
}

/**
 * Thrown by a handler that has to wait for something that settles by itself (another delivery holding the
 * work it depends on): retried like an infrastructure failure, with backoff and no attempt cap.
 */
export class RetryLater extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetryLater';
  }
}

/**
 * - `transient`: infrastructure (database, broker, Redis, a dependency) unreachable, refusing or timing out, or a
 *   lock/serialization conflict: retried for as long as it lasts.
 * - `poison`: the message breaks its contract or the handler declared it permanent: dead-lettered at once.
 * - `unknown`: anything else (likely a bug): retried a bounded number of times, then dead-lettered.
 */
export type FailureClass = 'transient' | 'poison' | 'unknown';

export interface ClassifiedFailure {
  class: FailureClass;
  /** What made the decision, for logs and the dead-letter reason (e.g. `ECONNREFUSED`, `sqlstate 40001`). */
  why: string;
  /** A transient failure of the infrastructure itself (not a handler's `RetryLater`): the consumer slows down. */
  infrastructure: boolean;
  message: string;
}

const TRANSIENT_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

// 08xxx connection exceptions, 57P01-03 (admin/crash shutdown, cannot connect now), 53300 too many connections,
// 40001 serialization failure, 40P01 deadlock, 55P03 lock not available.
const TRANSIENT_SQLSTATE = /^(08...|57P0[123]|53300|40001|40P01|55P03)$/;

const TRANSIENT_NAMES = new Set([
  'ConnectionException', // MikroORM: the driver could not reach the database
  'DeadlockException',
  'LockWaitTimeoutException',
  'KnexTimeoutError', // Knex: Timeout acquiring a connection
  'AbortError',
  'TimeoutError',
  'RetryLater',
]);

const TRANSIENT_MESSAGES = [
  /Timeout acquiring a connection/i,
  /Connection terminated( unexpectedly| due to connection timeout)?/i,
  /Connection ended unexpectedly/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /terminating connection due to administrator command/i,
  /^fetch failed$/i,
  /socket hang up/i,
  /Client network socket disconnected/i,
  /not connected to the broker/i,
  /Channel (closed|ended)|Connection closed|channel closed/i,
  /Connection is closed\.?$/i, // ioredis
  /Stream isn't writeable/i, // ioredis with the offline queue off
  /MaxRetriesPerRequestError|Reached the max retries per request limit/i,
];

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  extensions?: { code?: unknown };
}

/** Why `error` (or anything in its cause chain) is an infrastructure failure, or undefined. */
function transientReason(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof error !== 'object' || error === null) return undefined;
  const e = error as ErrorLike;
  if (e.extensions?.code === 'SERVICE_UNAVAILABLE') return 'SERVICE_UNAVAILABLE';
  for (const code of [e.code, e.errno, e.sqlState]) {
    // Stryker disable next-line ConditionalExpression: equivalent, a number (node's errno -111) is in neither the set nor the pattern
    if (typeof code !== 'string') continue;
    if (TRANSIENT_ERRNO.has(code)) return code;
    if (TRANSIENT_SQLSTATE.test(code)) return `sqlstate ${code}`;
  }
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return e.name;
  // Stryker disable next-line ConditionalExpression: equivalent, no pattern matches what a missing message stringifies to
  if (typeof e.message === 'string') {
    const pattern = TRANSIENT_MESSAGES.find((p) => p.test(e.message as string));
    if (pattern) return e.message.slice(0, 80);
  }
  if (Array.isArray(e.errors)) {
    // AggregateError: every address of a host refused (node's happy-eyeballs connect).
    for (const inner of e.errors) {
      const reason = transientReason(inner, depth + 1);
      if (reason) return reason;
    }
  }
  return transientReason(e.cause, depth + 1);
}

/** Decides what a handler failure means for its message; pure, so the rules can be tested one by one. */
export function classifyFailure(error: unknown): ClassifiedFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ContractViolation) return { class: 'poison', why: 'contract', infrastructure: false, message };
  if (error instanceof PermanentFailure) return { class: 'poison', why: 'permanent', infrastructure: false, message };
  const reason = transientReason(error);
  if (reason) return { class: 'transient', why: reason, infrastructure: reason !== 'RetryLater', message };
  return { class: 'unknown', why: error instanceof Error ? error.name : typeof error, infrastructure: false, message };
}

export interface BackoffOptions {
  /** The first delay (ms). */
  baseMs: number;
  /** No delay grows beyond this (ms). */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, capMs: 30_000 };

/**
 * Capped exponential backoff with "equal jitter": half the delay is fixed, half random, so retries of many
 * messages failing together spread out instead of hitting a recovering database at the same instant.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * How many deliveries a consumer may hold at once: each in-flight delivery takes a connection for its
 * transaction, so a prefetch above the pool makes deliveries wait on each other (and on request traffic)
 * for connections. `reserve` connections stay free for everything else on the pool.
 */
export function consumerPrefetch(poolMax: number, options: { prefetch?: number; reserve?: number } = {}): number {
  const reserve = options.reserve ?? 2;
  const ceiling = Math.max(1, poolMax - reserve);
  return Math.max(1, Math.min(options.prefetch ?? 20, ceiling));
}
