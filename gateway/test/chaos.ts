// `npm run chaos [-- --small] [--key=value ...]`: the whole system as `npm start` runs it (one process per service), with
// TCP proxies this script controls between every service and its Postgres, RabbitMQ and Redis, a checkout workload
// through the gateway, a schedule of faults, then a table of invariants. Exits non-zero if any check fails.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createLogger } from '@shop/kit';
import { dropDatabases, startTcpProxy, testDatabaseUrl } from '@shop/kit/testing';
import { Broker, listDeadLetters } from '@shop/messaging';
import { removeExchange } from '@shop/messaging/testing';
import { createShopClient, ShopApiError, type ShopClient } from '@shop/sdk';
import pg from 'pg';
import { ADMIN, BROKER_USERS, processEnvironments, REDIS_USERS, root, Supervisor, type DatabaseName } from './processes.js';

const POSTGRES = { host: '127.0.0.1', port: 5432 };
const RABBITMQ = { host: '127.0.0.1', port: 5672, url: 'amqp://guest:guest@127.0.0.1:5672' };
const REDIS = { host: '127.0.0.1', port: 6379 };

// ---------------------------------------------------------------- parameters

const PRESETS = {
  full: {
    users: 100,
    checkouts: 1000,
    products: 10,
    stock: 5000,
    declineRate: 0.2,
    cancelRate: 0.1,
    rabbitCutS: 15,
    paymentDbCutS: 90,
    productDbCutS: 90,
    redisCutS: 5,
    gapS: 10,
    killEvery: 100,
    settleS: 60,
    retryS: 180,
    timeScale: 1,
    seed: 1,
  },
  small: {
    users: 10,
    checkouts: 100,
    products: 5,
    stock: 1000,
    declineRate: 0.2,
    cancelRate: 0.1,
    rabbitCutS: 3,
    paymentDbCutS: 5,
    productDbCutS: 5,
    redisCutS: 3,
    gapS: 3,
    killEvery: 20,
    settleS: 60,
    retryS: 60,
    timeScale: 1,
    seed: 1,
  },
};
type Params = (typeof PRESETS)['full'];

/** Preset (`--small`), then CHAOS_<KEY> from the environment, then `--key=value` arguments. */
function readParams(argv: string[]): Params {
  const params: Params = { ...(argv.includes('--small') ? PRESETS.small : PRESETS.full) };
  for (const key of Object.keys(params) as Array<keyof Params>) {
    const fromEnv = process.env[`CHAOS_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`];
    const fromArg = argv.find((a) => a.startsWith(`--${key}=`))?.split('=')[1];
    const value = fromArg ?? fromEnv;
    if (value === undefined) continue;
    const number = Number(value);
    if (!Number.isFinite(number) || number < 0) throw new Error(`bad value for ${key}: ${value}`);
    params[key] = number;
  }
  return params;
}

// ---------------------------------------------------------------- helpers

const started = Date.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;
const progress = (message: string) => console.log(`[chaos ${elapsed()}] ${message}`);

/** A small seeded PRNG (mulberry32), so a run's mix of tokens and cancellations can be repeated. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const codeOf = (error: unknown) => (error instanceof ShopApiError ? (error.code ?? `HTTP ${error.status}`) : 'NETWORK');

/** Retries `call` through infrastructure failures until `deadline`; codes in `permanent` end it at once. */
async function retrying<T>(call: () => Promise<T>, deadline: number, permanent: ReadonlySet<string>): Promise<T> {
  let delay = 200;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (permanent.has(codeOf(error)) || Date.now() > deadline) throw error;
      await sleep(delay);
      delay = Math.min(delay * 2, 3000);
    }
  }
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------- the run

type Proxy = Awaited<ReturnType<typeof startTcpProxy>>;

interface Placed {
  id: string;
  client: ShopClient;
  token: 'tok_visa' | 'tok_chargeDeclined';
  cancelRequested: boolean;
  cancelled: boolean;
  final?: string;
  subscriberLast?: string;
  subscriberDone: boolean;
  subscriberErrors: number;
}

const FINAL = new Set(['CONFIRMED', 'PAYMENT_FAILED', 'CANCELLED']);
const CHECKOUT_PERMANENT = new Set(['OUT_OF_STOCK', 'CART_EMPTY', 'BAD_USER_INPUT', 'FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND']);
const CALL_PERMANENT = new Set(['OUT_OF_STOCK', 'BAD_USER_INPUT', 'FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND', 'CONFLICT']);

async function main() {
  const params = readParams(process.argv.slice(2));
  const scale = (seconds: number) => seconds * 1000 * params.timeScale;
  const runId = randomBytes(4).toString('hex');
  const logDir = path.join(root, 'var', 'chaos', runId);
  mkdirSync(logDir, { recursive: true });
  progress(`run ${runId}: ${JSON.stringify(params)}; service logs in ${path.relative(root, logDir)}/`);

  const databases = {
    user: testDatabaseUrl('user'),
    product: testDatabaseUrl('product'),
    cart: testDatabaseUrl('cart'),
    order: testDatabaseUrl('order'),
    recommendation: testDatabaseUrl('recommendation'),
    payment: testDatabaseUrl('payment'),
    notification: testDatabaseUrl('notification'),
  };
  const proxies: Record<string, Proxy> = {};
  let supervisor: Supervisor | null = null;
  let messaging: { exchange: string; queues: Record<string, string> } | null = null;
  const clients: ShopClient[] = [];

  let cleaned = false;
  const cleanUp = async () => {
    if (cleaned) return;
    cleaned = true;
    progress('cleaning up');
    await Promise.all(clients.map((client) => client.dispose()));
    await supervisor?.stopAll();
    for (const proxy of Object.values(proxies)) await proxy.close().catch(() => undefined);
    // CHAOS_KEEP=1 keeps the databases for a look afterwards (drop them by hand: their names are printed).
    if (process.env.CHAOS_KEEP === '1') console.log(`kept databases: ${JSON.stringify(databases)}`);
    else await dropDatabases(Object.values(databases)).catch((error: unknown) => console.error('dropping databases:', error));
    if (messaging) await removeExchange(RABBITMQ.url, messaging.exchange, Object.values(messaging.queues)).catch(() => undefined);
  };
  process.once('SIGINT', () => {
    progress('SIGINT');
    void cleanUp().finally(() => process.exit(130));
  });

  try {
    // One proxy per service per dependency, so a fault can hit one service's database alone.
    const proxied = (target: { host: string; port: number }) => startTcpProxy(target.port, target.host);
    for (const name of Object.keys(databases)) proxies[`${name}.pg`] = await proxied(POSTGRES);
    for (const name of BROKER_USERS) proxies[`${name}.amqp`] = await proxied(RABBITMQ);
    for (const name of REDIS_USERS) proxies[`${name}.redis`] = await proxied(REDIS);
    const viaProxy = (url: string, proxy: string) => {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(proxies[proxy]!.port);
      return parsed.toString();
    };
    const pgUrl = (name: keyof typeof databases) => viaProxy(databases[name], `${name}.pg`);
    const amqpUrl = (name: string) => viaProxy(RABBITMQ.url, `${name}.amqp`);
    const redisUrl = (name: string) => `redis://127.0.0.1:${proxies[`${name}.redis`]!.port}`;

    const run = await processEnvironments({
      runId,
      logDir,
      databases: Object.fromEntries(Object.keys(databases).map((name) => [name, pgUrl(name as DatabaseName)])) as Record<
        DatabaseName,
        string
      >,
      rabbitmqUrl: amqpUrl,
      redisUrl,
      logLevel: process.env.CHAOS_LOG_LEVEL ?? 'warn',
    });
    messaging = run;
    const { exchange, queues, gatewayUrl } = run;
    supervisor = new Supervisor(logDir, run.envs, (message) => progress(`${message} exited unexpectedly; restarting it in 1 s`));
    await supervisor.startAll(run.ports);
    progress(`system up: gateway ${gatewayUrl}`);

    // ------------------------------------------------ set-up: products and users
    const anonymous = createShopClient({ url: gatewayUrl });
    const admin = createShopClient({ url: gatewayUrl, token: (await anonymous.Login(ADMIN)).login.accessToken });
    const products: string[] = [];
    for (let i = 0; i < params.products; i += 1) {
      const input = { sku: `CHAOS-${runId}-${i}`, name: `Chaos item ${i}`, priceCents: 500 + i, stock: params.stock };
      products.push((await admin.CreateProduct({ input })).createProduct.id);
    }
    const users: ShopClient[] = [];
    await Promise.all(
      Array.from({ length: params.users }, async (_, i) => {
        const email = `chaos.${runId}.${i}@example.com`;
        const { register } = await anonymous.Register({ input: { email, password: 'correct-horse-battery', name: `Chaos ${i}` } });
        const client = createShopClient({ url: gatewayUrl, token: register.accessToken });
        users[i] = client;
        clients.push(client);
      }),
    );
    progress(`${params.products} products (stock ${params.stock} each) and ${params.users} users ready`);

    // ------------------------------------------------ faults
    const faultLog: string[] = [];
    let lastFaultEnd = Date.now();
    const cut = async (label: string, names: string[], seconds: number) => {
      progress(`FAULT ${label}: cut for ${seconds * params.timeScale}s`);
      for (const name of names) proxies[name]!.cut();
      await sleep(scale(seconds));
      for (const name of names) proxies[name]!.restore();
      lastFaultEnd = Date.now();
      faultLog.push(`${label} ${seconds * params.timeScale}s`);
      progress(`FAULT ${label}: restored`);
    };
    const amqpAll = Object.keys(proxies).filter((p) => p.endsWith('.amqp'));
    const redisAll = Object.keys(proxies).filter((p) => p.endsWith('.redis'));
    const schedule: Array<[string, string[], number]> = [
      ['RabbitMQ (every service)', amqpAll, params.rabbitCutS],
      ['payment worker database', ['payment.pg'], params.paymentDbCutS],
      ['RabbitMQ (every service), again', amqpAll, params.rabbitCutS],
      ['product subgraph database', ['product.pg'], params.productDbCutS],
      ['Redis (every service)', redisAll, params.redisCutS],
    ];
    const scheduleMs = schedule.reduce((sum, [, , seconds]) => sum + scale(seconds) + scale(params.gapS), scale(params.gapS));
    let faultsDone = false;
    const faults = (async () => {
      for (const [label, names, seconds] of schedule) {
        await sleep(scale(params.gapS));
        await cut(label, names, seconds);
      }
      faultsDone = true;
    })();

    // The payment worker is SIGKILLed every `killEvery` payments it recorded (read straight from its database).
    let kills = 0;
    let workloadDone = false;
    const killer = (async () => {
      if (params.killEvery <= 0) return;
      let killedAt = 0;
      while (!(workloadDone && faultsDone)) {
        await sleep(250);
        const [row] = await query<{ n: string }>(databases.payment, 'select count(*) as n from payments').catch(() => [{ n: '0' }]);
        const count = Number(row!.n);
        if (count - killedAt >= params.killEvery) {
          killedAt = count;
          kills += 1;
          progress(`FAULT payment worker SIGKILL #${kills} after ${count} payments; restarting it`);
          await supervisor!.crash('payment');
          lastFaultEnd = Date.now();
        }
      }
    })();

    // ------------------------------------------------ workload
    const rand = random(params.seed);
    const plan = Array.from({ length: params.checkouts }, (_, i) => ({
      i,
      user: i % params.users,
      product: products[i % products.length]!,
      quantity: 1 + (i % 3),
      token: (rand() < params.declineRate ? 'tok_chargeDeclined' : 'tok_visa') as Placed['token'],
      cancel: rand() < params.cancelRate,
    }));
    const placed: Placed[] = [];
    const abandoned: string[] = [];
    const subscribers: Promise<void>[] = [];
    const workloadStart = Date.now();
    // Checkout i starts no earlier than its share of the fault schedule, so the faults hit a system under load.
    const pace = (i: number) => sleep(Math.max(0, workloadStart + (i / params.checkouts) * scheduleMs - Date.now()));

    const watch = (order: Placed, deadline: () => number) =>
      (async () => {
        while (!order.subscriberDone && Date.now() < deadline()) {
          try {
            for await (const { orderStatusChanged } of order.client.OrderStatusChanged({ orderId: order.id })) {
              order.subscriberLast = orderStatusChanged.status;
            }
            order.subscriberDone = true;
          } catch {
            // A dropped socket or a refused subscription: a client subscribes again.
            order.subscriberErrors += 1;
            await sleep(1000);
          }
        }
      })();

    let settleDeadline = Number.POSITIVE_INFINITY;
    const checkoutOne = async (step: (typeof plan)[number]) => {
      await pace(step.i);
      const client = users[step.user]!;
      const deadline = Date.now() + scale(params.retryS);
      try {
        await retrying(() => client.AddToCart({ productId: step.product, quantity: step.quantity }), deadline, CALL_PERMANENT);
        let key = randomUUID();
        const { checkout } = await retrying(
          async () => {
            try {
              return await client.Checkout({ input: { paymentToken: step.token, idempotencyKey: key } });
            } catch (error) {
              // A checkout undone by the service asks for a new key; one still in progress is retried with the same.
              if (codeOf(error) === 'CONFLICT' && /new idempotency key/.test((error as Error).message)) key = randomUUID();
              throw error;
            }
          },
          deadline,
          CHECKOUT_PERMANENT,
        );
        const order: Placed = {
          id: checkout.id,
          client,
          token: step.token,
          cancelRequested: step.cancel,
          cancelled: false,
          subscriberDone: false,
          subscriberErrors: 0,
        };
        placed.push(order);
        subscribers.push(watch(order, () => settleDeadline));
        if (step.cancel) {
          try {
            const { cancelOrder } = await retrying(() => client.CancelOrder({ id: order.id }), deadline, CALL_PERMANENT);
            order.cancelled = cancelOrder.status === 'CANCELLED';
          } catch (error) {
            if (codeOf(error) !== 'CONFLICT') throw error; // already past the point of cancelling: it stands
          }
        }
      } catch (error) {
        abandoned.push(`#${step.i}: ${codeOf(error)} ${(error as Error).message.slice(0, 120)}`);
      }
    };
    const byUser = Array.from({ length: params.users }, (_, u) => plan.filter((s) => s.user === u));
    const reporter = setInterval(
      () => progress(`workload: ${placed.length}/${params.checkouts} placed, ${abandoned.length} abandoned, kills ${kills}`),
      10_000,
    );
    await Promise.all(
      byUser.map(async (steps) => {
        for (const step of steps) await checkoutOne(step);
      }),
    );
    workloadDone = true;
    const workloadEnd = Date.now();
    clearInterval(reporter);
    progress(`workload done: ${placed.length} placed, ${abandoned.length} abandoned`);
    await faults;
    await killer;
    const faultsOver = lastFaultEnd;
    progress(`faults over (${faultLog.length} cuts, ${kills} payment kills); waiting up to ${params.settleS}s for final states`);

    // ------------------------------------------------ settle
    settleDeadline = Date.now() + params.settleS * 1000;
    // A read that fails (a timeout under load) is tried again, so no status in the table is an old one.
    let unreadable = 0;
    const readStatus = async (order: Placed) => {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const result = await order.client
          .raw<{ order: { status: string } | null }>('query ($id: ID!) { order(id: $id) { status } }', { id: order.id })
          .catch(() => null);
        if (result?.data?.order) {
          order.final = result.data.order.status;
          return;
        }
        await sleep(500);
      }
      unreadable += 1;
    };
    let allFinalAt: number | null = null;
    while (Date.now() < settleDeadline) {
      const open = placed.filter((o) => !o.final || !FINAL.has(o.final));
      for (let i = 0; i < open.length; i += 20) await Promise.all(open.slice(i, i + 20).map((o) => readStatus(o)));
      const finalCount = placed.filter((o) => o.final && FINAL.has(o.final)).length;
      const subscribed = placed.filter((o) => o.subscriberDone).length;
      if (finalCount === placed.length && subscribed === placed.length) {
        allFinalAt = Date.now();
        break;
      }
      progress(`settling: ${finalCount}/${placed.length} final, ${subscribed}/${placed.length} subscribers done`);
      await sleep(2000);
    }
    // Final reads for the table (a status that is final cannot change, so earlier reads stand).
    unreadable = 0;
    for (let i = 0; i < placed.length; i += 20) await Promise.all(placed.slice(i, i + 20).map((o) => readStatus(o)));
    settleDeadline = 0;
    await Promise.race([Promise.all(subscribers), sleep(3000)]);

    // ------------------------------------------------ checks
    const charges = await query<{ key: string; charge_id: string; status: string }>(
      databases.payment,
      `select idempotency_key as key, charge_id, status from simulated_charges`,
    );
    const refunds = await query<{ charge_id: string }>(databases.payment, 'select charge_id from simulated_refunds');
    const payments = await query<{ order_id: string; n: string }>(
      databases.payment,
      'select order_id, count(*) as n from payments group by order_id having count(*) > 1',
    );
    const byOrder = new Map(placed.map((o) => [o.id, o]));
    const approvedByOrder = new Map<string, number>();
    for (const c of charges.filter((c) => c.status === 'approved')) {
      const orderId = c.key.replace(/^order:/, '');
      approvedByOrder.set(orderId, (approvedByOrder.get(orderId) ?? 0) + 1);
    }
    const refunded = new Set(refunds.map((r) => r.charge_id));

    const wrongFinal: string[] = [];
    for (const order of placed) {
      const approved = (approvedByOrder.get(order.id) ?? 0) > 0;
      const expected = order.cancelled ? 'CANCELLED' : approved ? 'CONFIRMED' : 'PAYMENT_FAILED';
      const tokenAgrees = order.cancelled || approved === (order.token === 'tok_visa');
      if (order.final !== expected || !tokenAgrees)
        wrongFinal.push(`${order.id} ${order.token}${order.cancelled ? ' cancelled' : ''}: ${order.final ?? '?'} (expected ${expected})`);
    }
    const duplicateCharges = [...approvedByOrder.values()].filter((n) => n > 1).length + payments.length;
    // Every order's status from the order database: a checkout whose answer the client never got (it gave up) can
    // still have been placed and charged, and must then be CONFIRMED (or refunded) like any other.
    const stored = new Map(
      (await query<{ id: string; status: string }>(databases.order, 'select id, status from orders')).map((o) => [o.id, o.status]),
    );
    const unseenOrders = [...stored.keys()].filter((id) => !byOrder.has(id));
    for (const id of unseenOrders) if (!FINAL.has(stored.get(id)!)) wrongFinal.push(`${id} (client never learnt it): ${stored.get(id)}`);
    const orphanCharges = charges
      .filter((c) => c.status === 'approved')
      .filter((c) => !(stored.get(c.key.replace(/^order:/, '')) === 'CONFIRMED' || refunded.has(c.charge_id)))
      .map((c) => `${c.key} ${stored.get(c.key.replace(/^order:/, '')) ?? 'no such order'}`);

    const broker = new Broker({ url: RABBITMQ.url, exchange, log: createLogger('chaos', 'silent') });
    const dlq: Record<string, number> = {};
    const deadSamples: string[] = [];
    try {
      for (const [consumer, queue] of Object.entries(queues)) {
        const { count, letters } = await listDeadLetters(broker, queue, 3);
        dlq[consumer] = count;
        for (const letter of letters) deadSamples.push(`${consumer}: ${letter.type} ${letter.reason ?? ''}`.slice(0, 200));
      }
    } finally {
      await broker.close();
    }

    const mailDuplicates = await query<{ kind: string; subject: string; n: string }>(
      databases.notification,
      `select kind, subject, count(*) as n from (
         select kind, subject, "to" from mails
       ) m group by kind, "to", subject having count(*) > 1
       union all
       select kind, event_id::text, count(*) from mails group by kind, event_id having count(*) > 1`,
    );
    const mailCounts = await query<{ kind: string; n: string }>(
      databases.notification,
      'select kind, count(*) as n from mails group by kind',
    );

    const stockRows = await query<{ id: string; stock: number }>(databases.product, 'select id, stock from products where id = any($1)', [
      products,
    ]);
    const confirmedUnits = await query<{ product_id: string; units: string }>(
      databases.order,
      `select i.product_id, sum(i.quantity) as units from order_items i join orders o on o.id = i.order_id
       where o.status = 'CONFIRMED' group by i.product_id`,
    );
    const units = new Map(confirmedUnits.map((r) => [r.product_id, Number(r.units)]));
    const stockMismatches = stockRows
      .filter((p) => p.stock + (units.get(p.id) ?? 0) !== params.stock)
      .map((p) => `${p.id}: stock ${p.stock} + confirmed ${units.get(p.id) ?? 0} != ${params.stock}`);
    const [held] = await query<{ n: string }>(databases.product, `select count(*) as n from stock_reservations where status = 'held'`);

    const subscriberWrong = placed
      .filter((o) => o.subscriberLast !== o.final)
      .map((o) => `${o.id}: last ${o.subscriberLast ?? 'none'}, final ${o.final ?? '?'} (errors ${o.subscriberErrors})`);

    const statusCounts: Record<string, number> = {};
    for (const o of placed) statusCounts[o.final ?? 'unknown'] = (statusCounts[o.final ?? 'unknown'] ?? 0) + 1;
    // From the last fault, or from the last checkout if the workload outlasted the faults (an order placed after the
    // last fault cannot be final before it exists).
    const quietSince = Math.max(faultsOver, workloadEnd);
    const recoverySeconds = allFinalAt === null ? null : Math.max(0, (allFinalAt - quietSince) / 1000);

    const checks: Array<{ check: string; value: string; ok: boolean; details?: string[] }> = [
      {
        check: 'every order final, matching its payment',
        value: `${placed.length - wrongFinal.length}/${placed.length}`,
        ok: wrongFinal.length === 0 && placed.length > 0,
        details: wrongFinal,
      },
      {
        check: 'messages in dead-letter queues',
        value: Object.entries(dlq)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
        ok: Object.values(dlq).every((n) => n === 0),
        details: deadSamples,
      },
      { check: 'duplicate charges', value: String(duplicateCharges), ok: duplicateCharges === 0 },
      {
        check: 'charges without a CONFIRMED or refunded order',
        value: String(orphanCharges.length),
        ok: orphanCharges.length === 0,
        details: orphanCharges,
      },
      {
        check: 'duplicate mails (per event+kind, per recipient+subject)',
        value: String(mailDuplicates.length),
        ok: mailDuplicates.length === 0,
        details: mailDuplicates.map((m) => `${m.kind} ${m.subject} x${m.n}`),
      },
      {
        check: 'stock + units in CONFIRMED orders = starting stock',
        value: `${stockRows.length - stockMismatches.length}/${products.length} products`,
        ok: stockMismatches.length === 0 && stockRows.length === products.length,
        details: stockMismatches,
      },
      { check: 'stock reservations left held', value: held!.n, ok: Number(held!.n) === 0 },
      {
        check: "subscribers' last message = final status",
        value: `${placed.length - subscriberWrong.length}/${placed.length}`,
        ok: subscriberWrong.length === 0,
        details: subscriberWrong,
      },
      {
        check: 'seconds from the last fault (or checkout) until all final',
        value:
          recoverySeconds === null
            ? `not within ${params.settleS}s (${placed.filter((o) => !FINAL.has(o.final ?? '')).length} open)`
            : recoverySeconds.toFixed(1),
        ok: recoverySeconds !== null && recoverySeconds <= params.settleS,
      },
    ];
    const info: Array<[string, string]> = [
      ['checkouts placed / planned', `${placed.length}/${params.checkouts}`],
      ['orders placed whose client never learnt it (gave up waiting)', String(unseenOrders.length)],
      ['checkouts abandoned (client gave up)', String(abandoned.length)],
      ['orders unreadable through the gateway at the end', String(unreadable)],
      [
        'cancellations accepted / requested',
        `${placed.filter((o) => o.cancelled).length}/${placed.filter((o) => o.cancelRequested).length}`,
      ],
      ['final statuses', JSON.stringify(statusCounts)],
      ['mails by kind', mailCounts.map((m) => `${m.kind} ${m.n}`).join(', ')],
      ['faults', [...faultLog, `payment SIGKILL x${kills}`].join('; ')],
      ['unexpected service exits (restarted)', supervisor.unexpectedExits.join('; ') || 'none'],
      ['subscriber reconnects', String(placed.reduce((n, o) => n + o.subscriberErrors, 0))],
      ['workload seconds (pace: the fault schedule)', ((workloadEnd - workloadStart) / 1000).toFixed(1)],
      ['seconds from the last fault alone until all final', allFinalAt === null ? '-' : ((allFinalAt - faultsOver) / 1000).toFixed(1)],
    ];

    const width = Math.max(...checks.map((c) => c.check.length), ...info.map(([k]) => k.length)) + 2;
    const valueWidth = Math.max(40, ...checks.map((c) => c.value.length + 2));
    console.log('\n' + 'check'.padEnd(width) + 'result'.padEnd(valueWidth) + 'ok');
    console.log('-'.repeat(width + valueWidth + 4));
    for (const c of checks) console.log(c.check.padEnd(width) + c.value.padEnd(valueWidth) + (c.ok ? 'PASS' : 'FAIL'));
    console.log('-'.repeat(width + valueWidth + 4));
    for (const [k, v] of info) console.log(k.padEnd(width) + v);
    for (const c of checks.filter((c) => !c.ok && c.details?.length)) {
      console.log(`\n${c.check} (first ${Math.min(10, c.details!.length)} of ${c.details!.length}):`);
      for (const line of c.details!.slice(0, 10)) console.log(`  ${line}`);
    }
    if (abandoned.length) {
      console.log(`\nabandoned checkouts (first ${Math.min(10, abandoned.length)} of ${abandoned.length}):`);
      for (const line of abandoned.slice(0, 10)) console.log(`  ${line}`);
    }
    const passed = checks.every((c) => c.ok);
    console.log(
      '\n' +
        JSON.stringify({
          chaos: runId,
          passed,
          params,
          checks: checks.map(({ check, value, ok }) => ({ check, value, ok })),
          info: Object.fromEntries(info),
        }),
    );
    process.exitCode = passed ? 0 : 1;
  } finally {
    await cleanUp();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
