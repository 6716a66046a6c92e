import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTcpProxy, waitFor } from '@shop/kit/testing';
import { createShopClient, ShopApiError, type ShopClient } from '@shop/sdk';
import { countRequests, createProduct, paymentGate, startSystem, type System } from './system.js';

type Shopper = Awaited<ReturnType<System['signUp']>>;

/** Collects every message of a subscription until it completes (or fails). */
async function collect<T>(stream: AsyncIterable<T>, onMessage?: (message: T, index: number) => void): Promise<T[]> {
  const messages: T[] = [];
  for await (const message of stream) {
    messages.push(message);
    onMessage?.(message, messages.length - 1);
  }
  return messages;
}

describe('orderStatusChanged through the gateway (graphql-ws)', () => {
  let system: System;
  let admin: ShopClient;
  const gate = paymentGate();
  const clients: Array<ReturnType<typeof createShopClient>> = [];
  before(async () => {
    system = await startSystem({ paymentProvider: gate.wrap, gatewayEnv: { SUBSCRIPTION_RESYNC_MS: '60000' } });
    admin = await system.signInAdmin();
  });
  after(async () => {
    gate.open();
    for (const client of clients) await client.dispose();
    await system?.close();
  });

  const socketClient = (token: string | null, url = system.url) => {
    const client = createShopClient({ url, token });
    clients.push(client);
    return client;
  };

  async function pendingOrder(shopper: Shopper, paymentToken = 'tok_visa') {
    const product = await createProduct(admin, 10, 2500);
    await shopper.client.AddToCart({ productId: product.id, quantity: 2 });
    gate.close();
    const order = (await shopper.client.Checkout({ input: { paymentToken, idempotencyKey: randomUUID() } })).checkout;
    return { order, product };
  }

  it('streams PENDING, PAID, CONFIRMED in order with user and product fields (aliases, fragments, variables), then completes', async () => {
    const ann = await system.signUp('Ann');
    const { order, product } = await pendingOrder(ann);
    const client = socketClient(ann.accessToken);
    const query = `subscription Watch($id: ID!, $withUser: Boolean!) {
      live: orderStatusChanged(orderId: $id) {
        state: status
        revision
        ...Lines
        user @include(if: $withUser) { email }
      }
    }
    fragment Lines on Order { items { quantity product { name price { amountCents } } } }`;
    type Message = {
      live: {
        state: string;
        revision: number;
        items: Array<{ quantity: number; product: { name: string; price: { amountCents: number } } }>;
        user?: { email: string };
      };
    };
    const messages = await collect(client.subscribe<Message>(query, { id: order.id, withUser: true }), (_m, index) => {
      if (index === 0) gate.open();
    });
    assert.deepEqual(
      messages.map((m) => [m.live.state, m.live.revision]),
      [
        ['PENDING', 1],
        ['PAID', 2],
        ['CONFIRMED', 3],
      ],
    );
    for (const message of messages) {
      assert.equal(message.live.user?.email, ann.email);
      assert.deepEqual(message.live.items, [{ quantity: 2, product: { name: product.name, price: { amountCents: 2500 } } }]);
      assert.equal('shopInternalRevision' in message.live, false);
    }
  });

  it('the typed SDK operation: tok_chargeDeclined streams to PAYMENT_FAILED; a late subscriber gets the current state then the rest', async () => {
    const bob = await system.signUp('Bob');
    const { order } = await pendingOrder(bob, 'tok_chargeDeclined');
    // The payment is released only once the subscriber has the current state: it cannot miss PENDING.
    const early = collect(socketClient(bob.accessToken).OrderStatusChanged({ orderId: order.id }), (_m, index) => {
      if (index === 0) gate.open();
    });
    const statuses = (await early).map((m) => m.orderStatusChanged.status);
    assert.deepEqual(statuses, ['PENDING', 'PAYMENT_FAILED']);
    // Subscribing to an order already final: its state, then completion.
    const late = await collect(socketClient(bob.accessToken).OrderStatusChanged({ orderId: order.id }));
    assert.deepEqual(
      late.map((m) => [m.orderStatusChanged.status, m.orderStatusChanged.failureReason !== null]),
      [['PAYMENT_FAILED', true]],
    );
  });

  it("refuses another user's order (FORBIDDEN, nothing leaks) and anonymous or bad tokens (UNAUTHENTICATED)", async () => {
    const cy = await system.signUp('Cy');
    const mallory = await system.signUp('Mallory');
    const { order } = await pendingOrder(cy);
    const refusal = async (client: ShopClient) => {
      const seen: unknown[] = [];
      try {
        for await (const message of client.OrderStatusChanged({ orderId: order.id })) seen.push(message);
      } catch (error) {
        assert.ok(error instanceof ShopApiError, String(error));
        return { code: error.code, seen, data: error.data };
      }
      return { code: 'none', seen, data: null };
    };
    const other = await refusal(socketClient(mallory.accessToken));
    assert.equal(other.code, 'FORBIDDEN');
    assert.deepEqual(other.seen, []);
    assert.equal(JSON.stringify(other.data ?? null).includes(cy.email), false);
    assert.equal((await refusal(socketClient(null))).code, 'UNAUTHENTICATED');
    assert.equal((await refusal(socketClient('not-a-token'))).code, 'UNAUTHENTICATED');
    // An admin may watch it.
    const { login } = await system.client().Login({ email: 'admin@example.com', password: 'admin-password-123' });
    const watching = collect(socketClient(login.accessToken).OrderStatusChanged({ orderId: order.id }), (_m, index) => {
      if (index === 0) gate.open();
    });
    assert.deepEqual(
      (await watching).map((m) => m.orderStatusChanged.status),
      ['PENDING', 'PAID', 'CONFIRMED'],
    );
  });

  it('subscribers of one order share each read: one federated read per change, not one per subscriber', async () => {
    const dee = await system.signUp('Dee');
    const { order } = await pendingOrder(dee);
    const subscribers = 10;
    const reads = countRequests(system.services.order.server);
    let current = 0;
    const streams = Array.from({ length: subscribers }, () =>
      collect(socketClient(dee.accessToken).OrderStatusChanged({ orderId: order.id }), (_m, index) => {
        if (index === 0) current += 1;
      }),
    );
    // Every subscriber has the current state, so every one is in a group before anything changes.
    await waitFor(() => current === subscribers, `all ${subscribers} subscribers to receive the current state`);
    assert.equal(system.services.gateway.hub.stats.groups, 1, 'one group for all subscribers');
    assert.equal(reads.count, 1, 'the current state was read once for all subscribers');
    gate.open();
    const results = await Promise.all(streams);
    reads.stop();
    for (const messages of results) {
      assert.deepEqual(
        messages.map((m) => m.orderStatusChanged.status),
        ['PENDING', 'PAID', 'CONFIRMED'],
      );
    }
    // 3 revisions read once each (plus the order subgraph's own calls for settling stock), far below 10 × 3.
    assert.ok(reads.count <= 6, `order subgraph reads: ${reads.count}`);
    console.log(`# ${subscribers} subscribers on one order: ${reads.count} requests to the order subgraph for 3 changes`);
  });

  it('two gateway instances: a change reaches subscribers on both; Redis cut mid-stream still delivers the final state', async () => {
    const eve = await system.signUp('Eve');
    const proxy = await startTcpProxy(6379);
    try {
      const second = await system.startGateway({ REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
      // Connected: each change reaches both gateways through Redis (their re-read backstop is a minute away).
      const live = await pendingOrder(eve);
      let subscribed = 0;
      const watchers = [system.url, second.url].map((url) =>
        collect(socketClient(eve.accessToken, url).OrderStatusChanged({ orderId: live.order.id }), (_m, index) => {
          if (index === 0 && ++subscribed === 2) gate.open();
        }),
      );
      for (const messages of await Promise.all(watchers)) {
        assert.deepEqual(
          messages.map((m) => m.orderStatusChanged.status),
          ['PENDING', 'PAID', 'CONFIRMED'],
        );
      }

      const { order } = await pendingOrder(eve);
      const statuses = { first: [] as string[], second: [] as string[] };
      const onFirst = collect(socketClient(eve.accessToken).OrderStatusChanged({ orderId: order.id }), (m) =>
        statuses.first.push(m.orderStatusChanged.status),
      );
      const onSecond = collect(socketClient(eve.accessToken, second.url).OrderStatusChanged({ orderId: order.id }), (m, index) => {
        statuses.second.push(m.orderStatusChanged.status);
        // The second gateway loses Redis right after the first message; the changes are published meanwhile.
        if (index === 0) proxy.cut();
      });
      await waitFor(
        () => statuses.first.length === 1 && statuses.second.length === 1,
        'both subscribers to receive the current state (and the cut made)',
      );
      gate.open();
      // The first gateway hears every change through Redis, so by then all of them have been published.
      await waitFor(() => statuses.first.at(-1) === 'CONFIRMED', 'the first gateway to deliver CONFIRMED');
      assert.deepEqual(statuses.second, ['PENDING'], 'the second gateway, cut off from Redis, heard of no change');
      proxy.restore();
      const [first, secondMessages] = await Promise.all([onFirst, onSecond]);
      for (const messages of [first, secondMessages]) {
        assert.deepEqual(
          messages.map((m) => m.orderStatusChanged.status),
          ['PENDING', 'PAID', 'CONFIRMED'],
        );
      }
    } finally {
      await proxy.close();
    }
  });

  it('keeps a subscription open while the order subgraph is unreachable, and delivers the rest once it is back', async () => {
    const fay = await system.signUp('Fay');
    const { order } = await pendingOrder(fay);
    const orderUrl = new URL(system.services.order.server.url);
    const proxy = await startTcpProxy(Number(orderUrl.port));
    try {
      // A gateway that reaches the order subgraph through the proxy, re-reading often and giving up on a read fast.
      const proxied = new URL(orderUrl);
      proxied.port = String(proxy.port);
      const second = await system.startGateway({
        ORDER_URL: proxied.toString(),
        SUBSCRIPTION_RESYNC_MS: '200',
        SUBGRAPH_TIMEOUT_MS: '1000',
      });
      const statuses: string[] = [];
      let failure: unknown = null;
      const watching = collect(socketClient(fay.accessToken, second.url).OrderStatusChanged({ orderId: order.id }), (m) =>
        statuses.push(m.orderStatusChanged.status),
      ).catch((error: unknown) => {
        failure = error;
        return [];
      });
      await waitFor(() => statuses.length === 1, 'the current state');
      proxy.cut();
      // The fault took effect: the gateway's re-reads are being refused.
      await waitFor(() => proxy.refused >= 3, 'three re-reads refused by the cut');
      assert.equal(failure, null, 'the subscription did not fail while the order subgraph was away');
      assert.deepEqual(statuses, ['PENDING']);
      proxy.restore();
      gate.open();
      await watching;
      assert.equal(failure, null);
      assert.deepEqual(statuses, ['PENDING', 'PAID', 'CONFIRMED']);
    } finally {
      await proxy.close();
    }
  });
});
