import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@shop/kit/testing';
import { codesOf, createProduct, startSystem, type System } from './system.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, samples only (HELP and TYPE lines skipped). */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  assert.equal(response.status, 200, url);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  return parseMetrics(await response.text());
}

/** The sum of a family's samples whose labels include `labels` (0 when none). */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

const has = (samples: Sample[], name: string) => samples.some((s) => s.name === name);

describe('/metrics on every process', () => {
  let system: System;
  let endpoints: Record<string, string>;
  before(async () => {
    system = await startSystem();
    const { user, cart, order, recommendation, gateway, notification } = system.services;
    const at = (graphqlUrl: string) => new URL('/metrics', graphqlUrl).toString();
    endpoints = {
      gateway: at(gateway.url),
      user: at(user.server.url),
      product: at(system.product.server.url),
      cart: at(cart.server.url),
      order: at(order.server.url),
      recommendation: at(recommendation.server.url),
      payment: `http://127.0.0.1:${system.payment!.port}/metrics`,
      notification: `http://127.0.0.1:${notification!.port}/metrics`,
    };
  });
  after(async () => {
    await system?.close();
  });

  it('every service serves its families, labelled with its name; nothing needs a credential', async () => {
    const expected: Record<string, string[]> = {
      gateway: [
        'process_cpu_user_seconds_total',
        'nodejs_eventloop_lag_seconds',
        'gateway_websocket_connections',
        'gateway_active_subscriptions',
      ],
      user: [
        'graphql_operation_duration_seconds_count',
        'db_pool_connections_in_use',
        'db_pool_pending_acquires',
        'messaging_outbox_backlog',
      ],
      product: [
        'product_cache_hits_total',
        'product_cache_misses_total',
        'db_pool_connections_in_use',
        'messaging_outbox_backlog',
        'messaging_outbox_oldest_age_seconds',
        'messaging_queue_depth',
      ],
      cart: ['db_pool_connections_in_use', 'service_client_circuit_state', 'service_client_rejections_total', 'messaging_queue_depth'],
      order: [
        'db_pool_connections_in_use',
        'service_client_circuit_state',
        'messaging_outbox_backlog',
        'messaging_outbox_oldest_age_seconds',
        'messaging_queue_depth',
      ],
      recommendation: ['db_pool_connections_in_use', 'service_client_circuit_state', 'messaging_queue_depth'],
      payment: ['process_cpu_user_seconds_total', 'db_pool_connections_in_use', 'messaging_outbox_backlog', 'messaging_queue_depth'],
      notification: ['process_cpu_user_seconds_total', 'db_pool_connections_in_use', 'messaging_queue_depth'],
    };
    // The admin's sign-in went through the gateway and the user subgraph: both have observed an operation.
    await system.signInAdmin();
    expected.gateway!.push('gateway_request_duration_seconds_count', 'gateway_subgraph_fetch_duration_seconds_count');
    for (const [service, families] of Object.entries(expected)) {
      const samples = await scrape(endpoints[service]!);
      for (const family of families) assert.ok(has(samples, family), `${service} serves ${family}`);
      assert.ok(
        samples.every((s) => s.labels.service === service),
        `every sample of ${service} has service="${service}"`,
      );
    }
    const order = await scrape(endpoints.order!);
    assert.deepEqual(
      order
        .filter((s) => s.name === 'service_client_circuit_state')
        .map((s) => [s.labels.target, s.value])
        .sort(),
      [
        ['cart', 0],
        ['product', 0],
      ],
    );
  });

  it('one checkout moves the gateway, order, payment and queue metrics', async () => {
    const admin = await system.signInAdmin();
    const product = await createProduct(admin, 5, 1500);
    const shopper = await system.signUp('Metrics');
    await shopper.client.AddToCart({ productId: product.id, quantity: 1 });
    const paymentQueue = system.queues.payment;
    const before = {
      gateway: await scrape(endpoints.gateway!),
      order: await scrape(endpoints.order!),
      payment: await scrape(endpoints.payment!),
    };
    const checkouts = (samples: Sample[]) =>
      total(samples, 'gateway_request_duration_seconds_count', { operation: 'Checkout', operation_type: 'mutation', outcome: 'ok' });
    const placedEvents = (samples: Sample[]) => total(samples, 'messaging_events_published_total', { type: 'order.placed' });
    const charged = (samples: Sample[]) =>
      total(samples, 'messaging_consumed_total', { consumer: paymentQueue, type: 'order.placed', outcome: 'applied' });

    const placed = (await shopper.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } })).checkout;
    assert.equal(placed.status, 'PENDING');

    const gateway = await scrape(endpoints.gateway!);
    assert.equal(checkouts(gateway) - checkouts(before.gateway), 1, 'one more Checkout, ok');
    assert.ok(
      total(gateway, 'gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'order', outcome: 'ok' }) >
        total(before.gateway, 'gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'order', outcome: 'ok' }),
      'the gateway fetched from the order subgraph',
    );
    let order: Sample[] = [];
    await waitFor(async () => {
      order = await scrape(endpoints.order!);
      return placedEvents(order) - placedEvents(before.order) === 1;
    }, 'order.placed to be counted as published once by the order service');
    assert.ok(
      total(order, 'graphql_operation_duration_seconds_count', { operation_type: 'mutation', outcome: 'ok' }) >
        total(before.order, 'graphql_operation_duration_seconds_count', { operation_type: 'mutation', outcome: 'ok' }),
    );
    await waitFor(
      async () => charged(await scrape(endpoints.payment!)) - charged(before.payment) === 1,
      'the payment worker to apply order.placed',
    );
    await waitFor(async () => (await shopper.client.Order({ id: placed.id })).order?.status === 'CONFIRMED', 'the order to be confirmed');
    // The checkout funnel: this order went PENDING → PAID → CONFIRMED, one count each (only this test checks out here).
    const reached = async (status: string) =>
      total(await scrape(endpoints.order!), 'order_status_changes_total', { status }) -
      total(before.order, 'order_status_changes_total', { status });
    assert.deepEqual(
      [await reached('PENDING'), await reached('PAID'), await reached('CONFIRMED'), await reached('CANCELLED')],
      [1, 1, 1, 0],
    );

    // Every consumer queue of the system, each kind, read from the broker (cached for a few seconds).
    const depths = (await scrape(endpoints.payment!)).filter((s) => s.name === 'messaging_queue_depth');
    for (const queue of Object.values(system.queues))
      for (const kind of ['main', 'retry', 'dead'])
        assert.ok(
          depths.some((s) => s.labels.queue === queue && s.labels.kind === kind && s.value >= 0),
          `depth of ${queue} (${kind})`,
        );
    assert.equal(total(depths, 'messaging_queue_depth', { queue: paymentQueue, kind: 'dead' }), 0);
    // No ids in labels: every label value is from a bounded set (names, types, outcomes, queues).
    for (const service of Object.keys(endpoints)) {
      const samples = await scrape(endpoints[service]!);
      for (const sample of samples)
        for (const value of Object.values(sample.labels))
          assert.doesNotMatch(value, /[0-9a-f]{8}-[0-9a-f]{4}-/, `${sample.name} has no id label`);
    }
  });

  it('counts refused operations by reason: auth, and operation limits checked before Apollo', async () => {
    const rejected = async (reason: string) => total(await scrape(endpoints.gateway!), 'gateway_request_rejected_total', { reason });
    const [auth, complex] = [await rejected('UNAUTHENTICATED'), await rejected('QUERY_TOO_COMPLEX')];
    assert.deepEqual(await codesOf(system.client().RefreshSession({ refreshToken: 'garbage' })), ['UNAUTHENTICATED']);
    // 100 aliases, past MAX_QUERY_ALIASES (30): refused by the text check, before Apollo parses it.
    const aliased = `query Aliased { ${Array.from({ length: 100 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const response = await fetch(system.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: aliased }),
    });
    const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    assert.equal(body.errors?.[0]?.extensions?.code, 'QUERY_TOO_COMPLEX');
    assert.equal((await rejected('UNAUTHENTICATED')) - auth, 1);
    assert.equal((await rejected('QUERY_TOO_COMPLEX')) - complex, 1);
    const samples = await scrape(endpoints.gateway!);
    assert.ok(total(samples, 'gateway_request_duration_seconds_count', { operation: 'RefreshSession', outcome: 'rejected' }) >= 1);
  });
});
