import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dropDatabases, testDatabaseUrl, waitFor } from '@shop/kit/testing';
import { removeExchange } from '@shop/messaging/testing';
import { createShopClient, type ShopClient } from '@shop/sdk';
import { ADMIN, processEnvironments, root, Supervisor, type DatabaseName } from './processes.js';

const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
}
const KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type OtlpAttributes = Array<{ key: string; value: OtlpValue }> | undefined;
const attributesOf = (list: OtlpAttributes) =>
  Object.fromEntries(
    (list ?? []).map(({ key, value }) => [
      key,
      value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue ?? '')),
    ]),
  );

/**
 * A collector of our own: the OTLP/HTTP JSON endpoint (`/v1/traces`) every service exports to, keeping the spans in
 * memory. The services run as they do in production (one process each, `OTEL_*` variables), so what arrives here is
 * what a real collector would get.
 */
async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces' && request.method === 'POST') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans?: Array<{
            resource?: { attributes?: OtlpAttributes };
            scopeSpans?: Array<{
              spans?: Array<{
                traceId: string;
                spanId: string;
                parentSpanId?: string;
                name: string;
                kind: number;
                attributes?: OtlpAttributes;
              }>;
            }>;
          }>;
        };
        for (const resource of body.resourceSpans ?? []) {
          const service = String(attributesOf(resource.resource?.attributes)['service.name']);
          for (const scope of resource.scopeSpans ?? [])
            for (const span of scope.spans ?? [])
              spans.push({
                service,
                traceId: span.traceId,
                spanId: span.spanId,
                parentSpanId: span.parentSpanId ?? '',
                name: span.name,
                kind: span.kind,
                attributes: attributesOf(span.attributes),
              });
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('tracing: one checkout is one trace, from the gateway through every service and back to the subscriber', () => {
  const runId = randomBytes(4).toString('hex');
  const logDir = path.join(root, 'var', 'test-tracing', runId);
  const databases = Object.fromEntries(
    (['user', 'product', 'cart', 'order', 'recommendation', 'payment', 'notification'] as const).map((name) => [
      name,
      testDatabaseUrl(name),
    ]),
  ) as Record<DatabaseName, string>;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let supervisor: Supervisor | undefined;
  let messaging: { exchange: string; queues: Record<string, string> } | undefined;
  let gatewayUrl: string;
  const clients: ShopClient[] = [];

  before(async () => {
    mkdirSync(logDir, { recursive: true });
    receiver = await startOtlpReceiver();
    const run = await processEnvironments({
      runId,
      logDir,
      databases,
      rabbitmqUrl: () => RABBITMQ_URL,
      redisUrl: () => 'redis://127.0.0.1:6379',
      logLevel: 'info',
      commonEnv: {
        // The standard variables, as an operator sets them; JSON so this receiver can read it without protobuf.
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '200',
      },
    });
    messaging = run;
    gatewayUrl = run.gatewayUrl;
    supervisor = new Supervisor(logDir, run.envs);
    await supervisor.startAll(run.ports);
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await supervisor?.stopAll();
    await receiver?.close();
    await dropDatabases(Object.values(databases));
    if (messaging) await removeExchange(RABBITMQ_URL, messaging.exchange, Object.values(messaging.queues)).catch(() => undefined);
  });

  it('links the gateway, subgraph fetches, SQL, the outbox, RabbitMQ, the payment worker and the status delivery', async () => {
    const anonymous = createShopClient({ url: gatewayUrl });
    clients.push(anonymous);
    const admin = createShopClient({ url: gatewayUrl, token: (await anonymous.Login(ADMIN)).login.accessToken });
    clients.push(admin);
    const input = { sku: `TRACE-${runId}`, name: 'Traced item', description: 'traced', priceCents: 1234, stock: 3 };
    const product = (await admin.CreateProduct({ input })).createProduct;
    const email = `traced.${runId}@example.com`;
    const { register } = await anonymous.Register({ input: { email, password: 'correct-horse-battery', name: 'Traced' } });
    // The client is traced itself: it sends its own `traceparent`, so the whole trace is found by its id.
    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    let traced = false;
    const shopper = createShopClient({
      url: gatewayUrl,
      token: register.accessToken,
      fetch: (url, init) => {
        if (!traced) return fetch(url, init);
        const headers = new Headers(init?.headers);
        headers.set('traceparent', `00-${traceId}-${clientSpanId}-01`);
        return fetch(url, { ...init, headers });
      },
    });
    clients.push(shopper);
    await shopper.AddToCart({ productId: product.id, quantity: 2 });
    traced = true;
    const order = (await shopper.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } })).checkout;
    traced = false;
    let last = '';
    for await (const { orderStatusChanged } of shopper.OrderStatusChanged({ orderId: order.id })) last = orderStatusChanged.status;
    assert.equal(last, 'CONFIRMED');

    const trace = () => receiver.spans.filter((s) => s.traceId === traceId);
    const find = (service: string, name: string, extra: (s: ReceivedSpan) => boolean = () => true) =>
      trace().find((s) => s.service === service && s.name === name && extra(s));
    // Spans arrive in batches from seven processes, each on its own schedule: a child can be here before its parent.
    // So wait for the last links of the chain and for every parent seen so far (a span whose parent never comes
    // fails below, after the wait).
    const danglingIn = (spans: ReceivedSpan[]) => {
      const ids = new Set(spans.map((s) => s.spanId));
      return spans.filter((s) => s.parentSpanId !== clientSpanId && !ids.has(s.parentSpanId));
    };
    await waitFor(
      () =>
        Boolean(
          find('gateway', 'deliver orderStatusChanged', (s) => s.attributes['shop.order.status'] === 'CONFIRMED') &&
          find('notification', 'process order.confirmed'),
        ),
      'the CONFIRMED delivery and the confirmation mail to be traced',
      30_000,
    );
    await waitFor(() => danglingIn(trace()).length === 0, 'the parents of every span to arrive', 10_000).catch(() => undefined);
    const spans = trace();
    const byId = new Map(spans.map((s) => [s.spanId, s]));

    // One tree: a single span hangs off the client's, and every other span's parent is in the trace.
    const roots = spans.filter((s) => s.parentSpanId === clientSpanId);
    assert.deepEqual(
      roots.map((s) => [s.service, s.kind]),
      [['gateway', KIND.server]],
    );
    const dangling = danglingIn(spans);
    assert.deepEqual(
      dangling.map((s) => `${s.service}: ${s.name}`),
      [],
    );
    for (const service of ['gateway', 'order', 'cart', 'product', 'payment', 'notification'])
      assert.ok(
        spans.some((s) => s.service === service),
        `${service} has spans in the trace`,
      );

    const ancestry = (span: ReceivedSpan) => {
      const chain: ReceivedSpan[] = [];
      for (let at: ReceivedSpan | undefined = span; at; at = byId.get(at.parentSpanId)) chain.unshift(at);
      return chain;
    };
    const delivered = find('gateway', 'deliver orderStatusChanged', (s) => s.attributes['shop.order.status'] === 'CONFIRMED')!;
    const chain = ancestry(delivered).map((s) => `${s.service}: ${s.name}`);
    // The links that matter, in order, from the client's request to the subscriber's CONFIRMED.
    const expected = [
      'gateway: gateway.fetch',
      'order: graphql.resolve checkout',
      'order: record order.placed',
      'order: publish order.placed',
      'payment: process order.placed',
      'payment: record payment.succeeded',
      'payment: publish payment.succeeded',
      'order: process payment.succeeded',
      'order: record order.paid',
      'order: publish order.paid',
      'product: process order.paid',
      'product: record stock.committed',
      'product: publish stock.committed',
      'order: process stock.committed',
      'gateway: receive order status',
      'gateway: deliver orderStatusChanged',
    ];
    let from = 0;
    for (const step of expected) {
      const at = chain.indexOf(step, from);
      assert.ok(at >= 0, `"${step}" after "${expected[expected.indexOf(step) - 1] ?? 'the start'}" in ${JSON.stringify(chain, null, 1)}`);
      from = at + 1;
    }
    assert.equal(ancestry(delivered)[0]!.service, 'gateway');

    // The gateway's span for the client request, its fetch of the order subgraph, and the order subgraph serving it.
    const root0 = roots[0]!;
    const orderServer = spans.find(
      (s) =>
        s.service === 'order' && s.kind === KIND.server && ancestry(s).includes(root0) && byId.get(s.parentSpanId)?.service === 'gateway',
    );
    assert.ok(orderServer, 'the order subgraph serves a request the gateway traced');
    assert.equal(byId.get(orderServer.parentSpanId)!.kind, KIND.client, 'under the gateway fetch');
    // The checkout's SQL, and its calls to cart and product, are under the order subgraph's request.
    const under = (parent: ReceivedSpan) => spans.filter((s) => s !== parent && ancestry(s).includes(parent));
    const checkoutWork = under(orderServer);
    assert.ok(
      checkoutWork.some(
        (s) =>
          s.service === 'order' &&
          s.attributes['db.system.name'] === 'postgresql' &&
          /^insert into "outbox" \(.*\) values \(\?\)$/i.test(String(s.attributes['db.query.text'])),
      ),
      'the outbox insert is a SQL span of the checkout, its values taken out',
    );
    assert.ok(
      checkoutWork.some((s) => s.service === 'product' && s.kind === KIND.server),
      'the stock reservation (product) is under the checkout',
    );
    assert.ok(
      checkoutWork.some((s) => s.service === 'cart' && s.kind === KIND.server),
      'the cart read is under the checkout',
    );
    // The worker's own work: its provider call and its SQL are under its delivery.
    const charged = find('payment', 'process order.placed')!;
    assert.equal(charged.kind, KIND.consumer);
    assert.ok(
      under(charged).some((s) => s.name === 'payment provider charge' && s.attributes['shop.payment.outcome'] === 'approved'),
      'the provider call is under the delivery',
    );
    assert.ok(under(charged).some((s) => s.attributes['db.system.name'] === 'postgresql'));

    // Statements keep their shape, not their values: no card token, sealed or not, and no e-mail in any span.
    const exported = JSON.stringify(spans);
    assert.doesNotMatch(exported, /tok_visa|v1\.[\w-]+\.[\w-]+\.|@example\.com/);

    // Log lines written inside the trace carry its id.
    const logged = readdirSync(logDir)
      .filter((f) => f.endsWith('.log'))
      .flatMap((f) =>
        readFileSync(path.join(logDir, f), 'utf8')
          .split('\n')
          .filter((line) => line.includes(`"traceId":"${traceId}"`)),
      );
    assert.ok(logged.length > 0, 'some service logged a line with the trace id');
  });
});
