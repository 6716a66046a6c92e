// The load generator, run as its own process (load.ts forks it) so its CPU is never counted as a service's. It
// prepares (warm-up, connecting subscribers), says `ready`, waits for `go` (the parent samples CPU in between) and
// answers with its result.
import autocannon from 'autocannon';
import { createShopClient, ShopApiError, type ShopClient } from '@shop/sdk';
import { buildRequest, isError, type HttpFixture, type HttpScenario } from './scenarios.js';
import type { CheckoutResult, HttpResult, LoadJob, SubscriptionResult } from './load.js';
import { leanSubscribe, sdkOperation, SubscriptionFailed, type LeanSubscription } from './lean-subscriber.js';

const send = (message: unknown) => process.send!(message);
/** Clean-up that must not count in the measured window (the parent stops sampling CPU when the result arrives). */
const afterResult: Array<() => void> = [];
const go = () => new Promise<void>((resolve) => process.once('message', () => resolve()));

export function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

const codeOf = (error: unknown) =>
  error instanceof ShopApiError ? (error.code ?? `HTTP ${error.status}`) : error instanceof Error ? error.message : String(error);

async function cannon(url: string, scenario: HttpScenario, fixture: HttpFixture, connections: number, seconds: number) {
  let next = 0;
  let graphqlErrors = 0;
  const samples: string[] = [];
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    method: 'POST',
    requests: [
      {
        setupRequest: (request: autocannon.Request) => ({ ...request, method: 'POST', ...buildRequest(scenario, fixture, next++) }),
        // Declared so autocannon hands over the body; GraphQL errors (and wrong answers) arrive with HTTP 200.
        onResponse: (status: number, body: string) => {
          if (!isError(scenario, status, body)) return;
          // autocannon counts non-2xx itself.
          if (status >= 200 && status < 300) graphqlErrors += 1;
          if (samples.length < 3) samples.push(`HTTP ${status}: ${body.slice(Math.max(0, body.indexOf('"errors"'))).slice(0, 400)}`);
        },
      } as autocannon.Request,
    ],
  });
  return { result, graphqlErrors, samples };
}

async function runHttp(job: Extract<LoadJob, { kind: 'http' }>): Promise<HttpResult> {
  if (job.warmupSeconds > 0) await cannon(job.url, job.scenario, job.fixture, job.connections, job.warmupSeconds);
  send({ type: 'ready' });
  await go();
  const { result, graphqlErrors, samples } = await cannon(job.url, job.scenario, job.fixture, job.connections, job.seconds);
  const requests = result.requests.total;
  return {
    requests,
    seconds: result.duration,
    rps: requests / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    socketErrors: result.errors + result.timeouts,
    graphqlErrors,
    errorSamples: samples,
  };
}

async function runCheckout(job: Extract<LoadJob, { kind: 'checkout' }>): Promise<CheckoutResult> {
  const clients = job.customers.map(({ token }) => createShopClient({ url: job.url, token }));
  send({ type: 'ready' });
  await go();
  const started = performance.now();
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const confirmations: Array<Promise<void>> = [];
  let placed = 0;
  let confirmed = 0;
  let lastPlacedAt = started;
  let lastConfirmedAt = started;
  const fail = (code: string) => void (errors[code] = (errors[code] ?? 0) + 1);
  await pool(clients, job.connections, async (client: ShopClient, i) => {
    const t = performance.now();
    try {
      const { checkout } = await client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: `bench-${job.round}-${i}` } });
      latencies.push(performance.now() - t);
      placed += 1;
      lastPlacedAt = performance.now();
      // Watched from here to CONFIRMED; the first message is the current state, so a change before this is not missed.
      confirmations.push(
        (async () => {
          try {
            for await (const { orderStatusChanged: order } of client.OrderStatusChanged({ orderId: checkout.id })) {
              if (order.status === 'CONFIRMED') {
                confirmed += 1;
                lastConfirmedAt = performance.now();
                return;
              }
              if (['PAYMENT_FAILED', 'CANCELLED'].includes(order.status)) return fail(order.status);
            }
          } catch (error) {
            fail(`subscription: ${codeOf(error)}`);
          }
        })(),
      );
    } catch (error) {
      fail(codeOf(error));
    }
  });
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, job.confirmTimeoutSeconds * 1000).unref());
  await Promise.race([Promise.all(confirmations), timeout]);
  if (confirmed < placed) fail(`not CONFIRMED within ${job.confirmTimeoutSeconds}s`);
  await Promise.all(clients.map((c) => c.dispose()));
  const placeSeconds = (lastPlacedAt - started) / 1000;
  const allConfirmedSeconds = (lastConfirmedAt - started) / 1000;
  return {
    customers: job.customers.length,
    placed,
    confirmed,
    placeSeconds,
    checkoutsPerSecond: placed / placeSeconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    allConfirmedSeconds,
    ordersPerSecond: confirmed / allConfirmedSeconds,
    errors,
  };
}

async function runSubscriptions(job: Extract<LoadJob, { kind: 'subscriptions' }>): Promise<SubscriptionResult> {
  const errors: Record<string, number> = {};
  const fail = (code: string) => void (errors[code] = (errors[code] ?? 0) + 1);
  const latencies: number[] = [];
  let changes = 0;
  const subscriptions: LeanSubscription[] = [];
  // A steady run's orders: [0, warm) are cancelled before `ready`, as a warm-up the measured window leaves out;
  // [warm, warm + orders) are cancelled in it; the rest stay idle, their subscribers open to the end.
  const warm = job.steady?.warmupOrders ?? 0;
  const measuredEnd = job.steady ? warm + job.steady.orders : job.orders.length;
  const done: Array<Promise<void>> = [];
  const warmDone: Array<Promise<void>> = [];
  let expected = 0;
  // The SDK's document, each subscriber a lean socket of its own: the load generator does the protocol and no more
  // (no reconnect logic or result mapping per message), as autocannon does for HTTP.
  const query = sdkOperation('OrderStatusChanged');
  const connectStarted = performance.now();
  await pool(
    Array.from({ length: job.subscribers }, (_, i) => i % job.orders.length),
    job.connectConcurrency,
    async (orderIndex) => {
      const { token, orderId } = job.orders[orderIndex]!;
      const subscription = leanSubscribe(job.url, token, query, { orderId });
      subscriptions.push(subscription);
      let markReady = () => undefined as void;
      const isReady = new Promise<void>((resolve) => (markReady = resolve));
      const warmUp = orderIndex < warm;
      const watched = (async () => {
        let first = true;
        try {
          for await (const { orderStatusChanged } of subscription.results) {
            const order = orderStatusChanged as { updatedAt: string };
            if (first) {
              first = false;
              markReady();
              continue; // the state at subscription time, not a change
            }
            if (warmUp) continue;
            changes += 1;
            latencies.push(Date.now() - Date.parse(order.updatedAt));
          }
        } catch (error) {
          fail(`${warmUp ? 'warm-up: ' : ''}${error instanceof SubscriptionFailed ? error.code : codeOf(error)}`);
        } finally {
          markReady();
        }
      })();
      if (warmUp) warmDone.push(watched);
      else if (orderIndex < measuredEnd) {
        done.push(watched);
        expected += job.steady ? 1 : job.changesPerOrder;
      }
      await isReady;
    },
  );
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  /** Whether every one of `watched` ended (its order's change delivered) within the job's timeout. */
  const allWithinTimeout = (watched: Array<Promise<void>>) =>
    Promise.race([
      Promise.all(watched).then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), job.timeoutSeconds * 1000).unref()),
    ]);
  if (job.steady && warm > 0) {
    // The same path at the same rate, so the first measured changes do not pay for what runs first after the
    // connection storm (JIT, pools, the sockets' first writes).
    await cancelSteadily(job, { perSecond: job.steady.perSecond, from: 0, count: warm }, fail);
    if (!(await allWithinTimeout(warmDone))) fail(`warm-up not delivered within ${job.timeoutSeconds}s`);
  }
  send({ type: 'ready', connectSeconds });
  await go();
  const changesPerSecond = job.steady
    ? await cancelSteadily(job, { perSecond: job.steady.perSecond, from: warm, count: job.steady.orders }, fail)
    : undefined;
  if (!(await allWithinTimeout(done))) fail(`not complete within ${job.timeoutSeconds}s`);
  // Idle sockets (a steady run's) are closed once the result is sent: the measured window ends before their goodbyes.
  afterResult.push(() => subscriptions.forEach((subscription) => subscription.close()));
  return {
    subscribers: job.subscribers,
    connectSeconds,
    expectedChanges: expected,
    deliveredChanges: changes,
    deliveredPercent: (100 * changes) / expected,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    ...(changesPerSecond === undefined ? {} : { changesPerSecond }),
    errors,
  };
}

/**
 * Cancels orders on a fixed schedule (the k-th at k / perSecond seconds, however long the answers before it took,
 * so a slow answer does not lower the rate), each by its owner through the gateway. Returns the rate achieved.
 */
async function cancelSteadily(
  job: Extract<LoadJob, { kind: 'subscriptions' }>,
  steady: { perSecond: number; from: number; count: number },
  fail: (code: string) => void,
): Promise<number> {
  const clients = new Map<string, ShopClient>();
  const clientOf = (token: string) => clients.get(token) ?? clients.set(token, createShopClient({ url: job.url, token })).get(token)!;
  const started = performance.now();
  const sent: Array<Promise<void>> = [];
  let cancelled = 0;
  for (let k = 0; k < steady.count; k += 1) {
    const wait = started + (k * 1000) / steady.perSecond - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const { token, orderId } = job.orders[steady.from + k]!;
    sent.push(
      clientOf(token)
        .CancelOrder({ id: orderId })
        .then(
          () => void (cancelled += 1),
          (error: unknown) => fail(`cancelOrder: ${codeOf(error)}`),
        ),
    );
  }
  await Promise.all(sent);
  const seconds = (performance.now() - started) / 1000;
  await Promise.all([...clients.values()].map((c) => c.dispose()));
  return cancelled / seconds;
}

process.once('message', (job: LoadJob) => {
  const run = job.kind === 'http' ? runHttp(job) : job.kind === 'checkout' ? runCheckout(job) : runSubscriptions(job);
  run.then(
    (result) => {
      send({ type: 'result', result });
      for (const clean of afterResult) clean();
    },
    (error: unknown) => send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
