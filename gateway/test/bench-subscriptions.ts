// `npm run bench:subscriptions [-- --max]`: the system in-process and N order-status subscribers, each its own
// ShopClient and so its own WebSocket, as N apps would be. Orders are placed while the payment worker is down,
// every subscriber receives the current state (PENDING), then the worker starts and takes each order to PAID and
// CONFIRMED. Latency is from a status change (the order's `updatedAt`, written by the order subgraph on this
// machine's clock) to the moment the client's loop receives the message.
//
// Env: SUBSCRIBERS (1000; or the first plain argument), USERS (50 buyers, one order each per round),
// CONNECT_CONCURRENCY (50 subscriptions being opened at once), READY_TIMEOUT_MS (30000, per subscriber),
// ROUND_TIMEOUT_MS (60000, from the payment worker's start to the last completion), TEST_LOG_LEVEL.
// With --max, N doubles after every round that worked until one fails or its p99 exceeds 5 s.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ShopApiError, type ShopClient } from '@shop/sdk';
import { startSystem, type System } from './system.js';

const EXPECTED = ['PENDING', 'PAID', 'CONFIRMED'];
const P99_LIMIT_MS = 5000;

const numberFrom = (value: string | undefined, fallback: number): number => {
  const parsed = Number(value);
  return value !== undefined && Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
};
const args = process.argv.slice(2);
const SUBSCRIBERS = numberFrom(args.find((arg) => !arg.startsWith('--')) ?? process.env.SUBSCRIBERS, 1000);
const USERS = numberFrom(process.env.USERS, 50);
const CONNECT_CONCURRENCY = numberFrom(process.env.CONNECT_CONCURRENCY, 50);
const READY_TIMEOUT_MS = numberFrom(process.env.READY_TIMEOUT_MS, 30_000);
const ROUND_TIMEOUT_MS = numberFrom(process.env.ROUND_TIMEOUT_MS, 60_000);
const MAX = args.includes('--max');

interface Buyer {
  id: string;
  email: string;
  password: string;
  productId: string;
  token: string;
  renewAt: number;
}

interface Received {
  revision: number;
  status: string;
  latencyMs: number;
}

interface Subscriber {
  client: ShopClient;
  received: Received[];
  /** The server completed the subscription (before the round's deadline: see `snapshot`). */
  completed: boolean;
  error?: string;
  /** First message, failure or end. */
  ready: Promise<void>;
  done: Promise<void>;
}

interface Round {
  subscribers: number;
  connectSeconds: number;
  connected: number;
  expected: number;
  received: number;
  inOrder: number;
  completed: number;
  errors: Map<string, number>;
  p50: number;
  p99: number;
  max: number;
  /** p50 / p99 per status reached, to tell a slow payment path from a slow settlement. */
  byStatus: Map<string, string>;
  rssConnectedMb: number;
  rssPeakMb: number;
  timedOut: boolean;
}

const log = (message: string) => console.error(`[bench] ${message}`);

/** Resolves true if `promise` settled within `ms`, false otherwise (it keeps running). */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `work` over `items`, `concurrency` at a time, keeping the order of results. */
async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!, index);
      }
    }),
  );
  return results;
}

function subscribe(client: ShopClient, orderId: string): Subscriber {
  let markReady = () => {};
  const subscriber: Subscriber = {
    client,
    received: [],
    completed: false,
    ready: new Promise<void>((resolve) => (markReady = resolve)),
    done: Promise.resolve(),
  };
  subscriber.done = (async () => {
    try {
      for await (const { orderStatusChanged: order } of client.OrderStatusChanged({ orderId })) {
        const receivedAt = Date.now();
        subscriber.received.push({ revision: order.revision, status: order.status, latencyMs: receivedAt - Date.parse(order.updatedAt) });
        markReady();
      }
      subscriber.completed = true;
    } catch (error) {
      subscriber.error =
        error instanceof ShopApiError ? (error.code ?? error.message) : error instanceof Error ? error.message : String(error);
    } finally {
      markReady();
    }
  })();
  return subscriber;
}

/** The soft limit on open files: every subscriber holds two here (the client's socket and the gateway's). */
function openFileLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    return Number.isFinite(soft) ? soft : Infinity;
  } catch {
    return Infinity;
  }
}

async function prepareBuyers(system: System, count: number): Promise<Buyer[]> {
  const admin = await system.signInAdmin();
  const run = Date.now().toString(36);
  return pool(
    Array.from({ length: count }, (_, i) => i),
    8,
    async (i) => {
      const user = await system.signUp(`Bench Watcher ${i}`);
      // One product per buyer: checkouts and stock commits then never queue on the same row.
      const { createProduct } = await admin.CreateProduct({
        input: { sku: `BENCH-SUB-${run}-${i}`, name: `Bench subscription item ${i}`, priceCents: 500 + i, stock: 1_000_000 },
      });
      return {
        id: user.user.id,
        email: user.email,
        password: user.password,
        productId: createProduct.id,
        token: user.accessToken,
        renewAt: Date.now() + (user.expiresIn * 1000) / 2,
      };
    },
  );
}

async function placeOrders(system: System, buyers: Buyer[], round: number): Promise<Array<{ orderId: string; token: string }>> {
  return pool(buyers, 10, async (buyer) => {
    if (Date.now() > buyer.renewAt) {
      const { login } = await system.client().Login({ email: buyer.email, password: buyer.password });
      buyer.token = login.accessToken;
      buyer.renewAt = Date.now() + (login.expiresIn * 1000) / 2;
    }
    const client = system.client(buyer.token);
    await client.AddToCart({ productId: buyer.productId, quantity: 1 });
    const { checkout } = await client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: `bench-sub-${round}-${buyer.id}` } });
    if (checkout.status !== 'PENDING') throw new Error(`order ${checkout.id} is ${checkout.status} before the payment worker ran`);
    return { orderId: checkout.id, token: buyer.token };
  });
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function runRound(system: System, buyers: Buyer[], subscribers: number, round: number): Promise<Round> {
  // The payment worker is down while orders are placed and watched: they stay PENDING, and its durable queue keeps
  // the order.placed events for when it starts. (Holding charges in a wrapped provider instead runs into the
  // worker's 10 s provider timeout and its retries once connecting takes that long.)
  if (system.payment) await system.killPayment();
  const orders = await placeOrders(system, buyers, round);
  log(`N=${subscribers}: ${orders.length} orders PENDING; opening subscriptions, ${CONNECT_CONCURRENCY} at a time`);

  let rssPeak = process.memoryUsage().rss;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100);
  const watching: Subscriber[] = [];
  const connectStarted = performance.now();
  await pool(
    Array.from({ length: subscribers }, (_, i) => orders[i % orders.length]!),
    CONNECT_CONCURRENCY,
    async ({ orderId, token }) => {
      const subscriber = subscribe(system.client(token), orderId);
      watching.push(subscriber);
      await within(subscriber.ready, READY_TIMEOUT_MS);
    },
  );
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  const rssConnected = process.memoryUsage().rss;
  const connected = watching.filter((s) => s.received[0]?.status === 'PENDING' && !s.error).length;
  log(
    `N=${subscribers}: ${connected} subscribers have the PENDING state after ${connectSeconds.toFixed(1)} s; starting the payment worker`,
  );

  await system.startPayment();
  const allDone = Promise.all(watching.map((s) => s.done));
  const timedOut = !(await within(allDone, ROUND_TIMEOUT_MS));
  clearInterval(sampler);

  // Counted before disposing: closing the clients ends the remaining subscriptions too.
  const latencies: number[] = [];
  const latenciesByStatus = new Map<string, number[]>();
  const errors = new Map<string, number>();
  let received = 0;
  let inOrder = 0;
  let completed = 0;
  for (const s of watching) {
    received += s.received.length;
    // The first message is the state at subscription time, not a change.
    for (const m of s.received.slice(1)) {
      latencies.push(m.latencyMs);
      latenciesByStatus.set(m.status, [...(latenciesByStatus.get(m.status) ?? []), m.latencyMs]);
    }
    if (
      s.received.map((m) => m.status).join() === EXPECTED.join() &&
      s.received.every((m, i) => i === 0 || m.revision > s.received[i - 1]!.revision)
    ) {
      inOrder += 1;
    }
    if (s.completed) completed += 1;
    if (s.error) errors.set(s.error, (errors.get(s.error) ?? 0) + 1);
  }
  if (timedOut) errors.set(`not complete ${ROUND_TIMEOUT_MS} ms after the worker started`, subscribers - completed);
  await Promise.all(watching.map((s) => s.client.dispose()));
  await within(allDone, 10_000);
  latencies.sort((a, b) => a - b);
  return {
    subscribers,
    connectSeconds,
    connected,
    expected: subscribers * EXPECTED.length,
    received,
    inOrder,
    completed,
    errors,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1) ?? NaN,
    byStatus: new Map(
      [...latenciesByStatus].map(([status, values]) => {
        values.sort((a, b) => a - b);
        return [status, `${percentile(values, 0.5).toFixed(0)} / ${percentile(values, 0.99).toFixed(0)} ms`];
      }),
    ),
    rssConnectedMb: rssConnected / 2 ** 20,
    rssPeakMb: rssPeak / 2 ** 20,
    timedOut,
  };
}

const worked = (r: Round) =>
  r.errors.size === 0 &&
  r.connected === r.subscribers &&
  r.inOrder === r.subscribers &&
  r.completed === r.subscribers &&
  r.p99 <= P99_LIMIT_MS;

function printTable(rounds: Round[]) {
  const rows = [
    [
      'subscribers',
      'connect s',
      'got PENDING',
      'messages / expected',
      'in order',
      'completed',
      'p50 ms',
      'p99 ms',
      'max ms',
      'rss MB connected / peak',
      'ok',
    ],
    ...rounds.map((r) => [
      String(r.subscribers),
      r.connectSeconds.toFixed(1),
      String(r.connected),
      `${r.received} / ${r.expected}`,
      String(r.inOrder),
      String(r.completed),
      r.p50.toFixed(0),
      r.p99.toFixed(0),
      r.max.toFixed(0),
      `${r.rssConnectedMb.toFixed(0)} / ${r.rssPeakMb.toFixed(0)}`,
      worked(r) ? 'yes' : 'no',
    ]),
  ];
  console.log(`\n${USERS} buyers' orders, each subscriber its own WebSocket; gateway, subgraphs, workers and clients in one process\n`);
  console.log(`| ${rows[0]!.join(' | ')} |`);
  console.log(`|${rows[0]!.map(() => '---').join('|')}|`);
  for (const row of rows.slice(1)) console.log(`| ${row.join(' | ')} |`);
  for (const r of rounds) {
    const byStatus = [...r.byStatus].map(([status, figures]) => `${status} ${figures}`).join(', ');
    if (byStatus) console.log(`\nN=${r.subscribers}: p50 / p99 by status: ${byStatus}`);
    for (const [error, count] of r.errors) console.log(`\nN=${r.subscribers}: ${count} × ${error}`);
  }
}

async function main() {
  const limit = openFileLimit();
  const system = await startSystem();
  const rounds: Round[] = [];
  try {
    log(`system up at ${system.url}; preparing ${Math.min(USERS, SUBSCRIBERS)} buyers`);
    const buyers = await prepareBuyers(system, Math.min(USERS, SUBSCRIBERS));
    for (let n = SUBSCRIBERS, round = 1; ; n *= 2, round += 1) {
      if (2 * n + 1000 > limit) {
        log(`stopping before N=${n}: two sockets per subscriber would pass the open-file limit (${limit})`);
        break;
      }
      const result = await runRound(system, buyers, n, round);
      rounds.push(result);
      log(`N=${n}: ${worked(result) ? 'worked' : 'failed'} (p99 ${result.p99.toFixed(0)} ms)`);
      if (!MAX || !worked(result)) break;
    }
  } finally {
    printTable(rounds);
    if (MAX) {
      const best = rounds.filter(worked).at(-1);
      console.log(`\nlargest N that worked: ${best ? best.subscribers : 'none'}`);
    }
    await system.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
