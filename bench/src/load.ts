// Runs one load job in its own process (load-worker.ts): `onReady` is called between its preparation and its measured
// part, e.g. to sample CPU or start the payment worker, and the job's result is returned.
import { fork } from 'node:child_process';
import path from 'node:path';
import type { HttpFixture, HttpScenario } from './scenarios.js';

export type LoadJob =
  | { kind: 'http'; url: string; scenario: HttpScenario; fixture: HttpFixture; connections: number; seconds: number; warmupSeconds: number }
  | {
      kind: 'checkout';
      url: string;
      customers: Array<{ token: string }>;
      connections: number;
      /** Names the idempotency keys, so each round's checkouts are new ones. */
      round: string;
      confirmTimeoutSeconds: number;
    }
  | {
      kind: 'subscriptions';
      url: string;
      orders: Array<{ token: string; orderId: string }>;
      subscribers: number;
      connectConcurrency: number;
      changesPerOrder: number;
      timeoutSeconds: number;
      /**
       * Steady changes instead of a burst: orders are cancelled by their owners, `perSecond` of them a second (one
       * change each, PENDING → CANCELLED): the first `warmupOrders` before `ready` (not measured), the next `orders`
       * in the measured window; the subscribers of the rest stay idle throughout.
       */
      steady?: { perSecond: number; orders: number; warmupOrders: number };
    };

export interface HttpResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  socketErrors: number;
  graphqlErrors: number;
  errorSamples: string[];
}

export interface CheckoutResult {
  customers: number;
  placed: number;
  confirmed: number;
  placeSeconds: number;
  checkoutsPerSecond: number;
  p50: number;
  p99: number;
  allConfirmedSeconds: number;
  ordersPerSecond: number;
  errors: Record<string, number>;
}

export interface SubscriptionResult {
  subscribers: number;
  connectSeconds: number;
  expectedChanges: number;
  deliveredChanges: number;
  deliveredPercent: number;
  p50: number;
  p99: number;
  /** Steady runs: changes made per second, as sent (cancellations that succeeded over the seconds they took). */
  changesPerSecond?: number;
  errors: Record<string, number>;
}

type ResultOf<J extends LoadJob> = J extends { kind: 'http' }
  ? HttpResult
  : J extends { kind: 'checkout' }
    ? CheckoutResult
    : SubscriptionResult;

export interface LoadRun<R> {
  result: R;
  /** The load generator's pid, for its own CPU accounting. */
  pid: number;
  /** What the worker said when ready (e.g. connectSeconds). */
  readyInfo: Record<string, unknown>;
}

export function runLoad<J extends LoadJob>(
  job: J,
  hooks: { onReady: (pid: number) => Promise<void>; onDone?: (pid: number) => void },
): Promise<LoadRun<ResultOf<J>>> {
  const child = fork(path.join(__dirname, 'load-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pid = child.pid!;
  return new Promise((resolve, reject) => {
    let readyInfo: Record<string, unknown> = {};
    child.on('message', (message: { type: string; result?: ResultOf<J>; message?: string } & Record<string, unknown>) => {
      if (message.type === 'ready') {
        readyInfo = message;
        hooks.onReady(pid).then(
          () => child.send('go'),
          (error: unknown) => {
            child.kill();
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      } else if (message.type === 'result') {
        hooks.onDone?.(pid);
        resolve({ result: message.result!, pid, readyInfo });
        child.disconnect();
      } else if (message.type === 'error') {
        reject(new Error(`load generator: ${message.message}`));
        child.kill();
      }
    });
    child.once('exit', (code) => reject(new Error(`load generator exited (${code}) before its result`)));
    child.send(job);
  });
}
