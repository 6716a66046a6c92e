import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { testTokens, waitFor } from '@shop/kit/testing';
import { createShopClient, ShopApiError, webSocketUrl, type ShopClient } from '@shop/sdk';
import WebSocket from 'ws';
import { createProduct, paymentGate, startSystem, type System } from './system.js';

type Shopper = Awaited<ReturnType<System['signUp']>>;

const LIMITS = {
  WS_MAX_PAYLOAD_BYTES: '65536',
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '20',
  WS_MAX_SOCKETS_PER_USER: '10',
  WS_CONNECTION_INIT_TIMEOUT_MS: '500',
};

// A close that never comes would otherwise hang the run instead of failing the test.
const UNLESS_HUNG = { timeout: 30_000 };

interface Closed {
  code: number;
  reason: string;
}

/** Rejects with what `next()` failed with; fails the test if the stream went on instead. */
async function failureOf(stream: AsyncIterator<unknown>): Promise<ShopApiError> {
  try {
    const step = await stream.next();
    assert.fail(`expected the subscription to fail, got ${JSON.stringify(step)}`);
  } catch (error) {
    assert.ok(error instanceof ShopApiError, String(error));
    return error;
  }
}

describe('graphql-ws session limits at the gateway', () => {
  let system: System;
  let admin: ShopClient;
  const gate = paymentGate();
  const clients: ShopClient[] = [];
  const sockets: WebSocket[] = [];
  before(async () => {
    system = await startSystem({ paymentProvider: gate.wrap, gatewayEnv: { SUBSCRIPTION_RESYNC_MS: '60000', ...LIMITS } });
    admin = await system.signInAdmin();
  });
  after(async () => {
    gate.open();
    for (const socket of sockets) socket.terminate();
    for (const client of clients) await client.dispose();
    await system?.close();
  });

  /** The one place this file mints tokens: an access token for `shopper` that expires within `seconds`. */
  const shortLivedToken = (shopper: Shopper, seconds: number) => testTokens.user({ userId: shopper.user.id, role: 'CUSTOMER' }, seconds);

  const socketClient = (options: { token: string; refresh?: () => Promise<string | null> }) => {
    const client = createShopClient({ url: system.url, ...options });
    clients.push(client);
    return client;
  };

  const socketsOf = (shopper: Shopper) => system.services.gateway.socketLimits.socketsOf(shopper.user.id);

  /** A graphql-ws socket by hand: sends `connection_init` (unless `init` is false) and tells whether it was acknowledged. */
  async function rawSocket(token: string | null, init = true) {
    const socket = new WebSocket(webSocketUrl(system.url), 'graphql-transport-ws');
    sockets.push(socket);
    const closed = new Promise<Closed>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    const acknowledged = new Promise<boolean>((resolve, reject) => {
      socket.on('message', (data) => {
        if ((JSON.parse(String(data)) as { type: string }).type === 'connection_ack') resolve(true);
      });
      socket.on('error', reject);
      void closed.then(() => resolve(false));
    });
    socket.on('open', () => {
      if (init) socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    });
    return { socket, closed, acknowledged: init ? await acknowledged : false };
  }

  async function pendingOrder(shopper: Shopper) {
    const product = await createProduct(admin, 10, 1500);
    await shopper.client.AddToCart({ productId: product.id, quantity: 1 });
    gate.close();
    return (await shopper.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } })).checkout;
  }

  it('closes a socket with 4401 when its access token expires mid-stream, and frees its slot', UNLESS_HUNG, async () => {
    const ann = await system.signUp('Ann');
    const order = await pendingOrder(ann);
    const client = socketClient({ token: await shortLivedToken(ann, 3) });
    const stream = client.OrderStatusChanged({ orderId: order.id })[Symbol.asyncIterator]();
    const first = await stream.next();
    assert.equal(first.value?.orderStatusChanged.status, 'PENDING');
    assert.equal(socketsOf(ann), 1);
    const error = await failureOf(stream);
    assert.equal(error.status, 4401);
    assert.equal(error.code, 'UNAUTHENTICATED');
    assert.equal(error.errors[0]?.message, 'Unauthorized: access token expired');
    await waitFor(() => socketsOf(ann) === 0, "the expired socket's slot to be released");
  });

  it(
    'the SDK with a refresh callback reconnects with a fresh token and keeps receiving its order status changes',
    UNLESS_HUNG,
    async () => {
      const bob = await system.signUp('Bob');
      const order = await pendingOrder(bob);
      let refreshes = 0;
      const client = socketClient({
        token: await shortLivedToken(bob, 3),
        refresh: async () => {
          refreshes += 1;
          return (await system.client().RefreshSession({ refreshToken: bob.refreshToken })).refreshSession.accessToken;
        },
      });
      const seen: Array<[number, string]> = [];
      const done = (async () => {
        for await (const { orderStatusChanged } of client.OrderStatusChanged({ orderId: order.id })) {
          seen.push([orderStatusChanged.revision, orderStatusChanged.status]);
        }
      })();
      // The first token expires while the order is still PENDING; the changes come only after the reconnect.
      await waitFor(() => refreshes === 1 && seen.length === 2, 'the expired socket to be replaced and the subscription to resume');
      gate.open();
      await done;
      assert.deepEqual(seen, [
        [1, 'PENDING'],
        // Subscribed again on the new socket: the current state first, then every change.
        [1, 'PENDING'],
        [2, 'PAID'],
        [3, 'CONFIRMED'],
      ]);
      assert.equal(refreshes, 1);
    },
  );

  it('closes a socket that sends a message over WS_MAX_PAYLOAD_BYTES (1009), while a normal one is served', UNLESS_HUNG, async () => {
    const cy = await system.signUp('Cy');
    const big = await rawSocket(cy.accessToken);
    assert.equal(big.acknowledged, true);
    const query = `subscription { orderStatusChanged(orderId: "x") { id } } # ${'x'.repeat(70_000)}`;
    big.socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
    assert.equal((await big.closed).code, 1009);
    await waitFor(() => socketsOf(cy) === 0, 'the closed socket to be released');
    const small = await rawSocket(cy.accessToken);
    assert.equal(small.acknowledged, true);
    small.socket.close();
  });

  it(
    'refuses the 21st operation on one socket with TOO_MANY_SUBSCRIPTIONS, and admits one again after another completes',
    UNLESS_HUNG,
    async () => {
      const dee = await system.signUp('Dee');
      const order = await pendingOrder(dee);
      const client = socketClient({ token: dee.accessToken });
      const subscribe = () => client.OrderStatusChanged({ orderId: order.id })[Symbol.asyncIterator]();
      const streams = Array.from({ length: 20 }, subscribe);
      try {
        for (const step of await Promise.all(streams.map((stream) => stream.next()))) {
          assert.equal(step.value?.orderStatusChanged.status, 'PENDING');
        }
        const refused = await failureOf(subscribe());
        assert.deepEqual(refused.codes, ['TOO_MANY_SUBSCRIPTIONS']);
        assert.equal(refused.errors[0]?.extensions?.limit, 20);
        assert.equal(socketsOf(dee), 1, 'all on one socket, which stays open');
        await streams.shift()!.return!();
        const again = subscribe();
        streams.push(again);
        assert.equal((await again.next()).value?.orderStatusChanged.status, 'PENDING');
      } finally {
        await Promise.all(streams.map((stream) => stream.return?.()));
      }
    },
  );

  it("closes a user's 11th socket with 4429 while another user still connects; a closed socket frees its slot", UNLESS_HUNG, async () => {
    const eve = await system.signUp('Eve');
    const fay = await system.signUp('Fay');
    const open = await Promise.all(Array.from({ length: 10 }, () => rawSocket(eve.accessToken)));
    assert.deepEqual(
      open.map((s) => s.acknowledged),
      Array.from({ length: 10 }, () => true),
    );
    const eleventh = await rawSocket(eve.accessToken);
    assert.equal(eleventh.acknowledged, false);
    assert.deepEqual(await eleventh.closed, { code: 4429, reason: 'Too many connections' });
    // Through the SDK the refusal is a code the caller can act on.
    const sdk = socketClient({ token: eve.accessToken });
    const refused = await failureOf(sdk.subscribe('subscription { orderStatusChanged(orderId: "none") { id } }')[Symbol.asyncIterator]());
    assert.equal(refused.code, 'TOO_MANY_CONNECTIONS');
    assert.equal(refused.status, 4429);
    const other = await rawSocket(fay.accessToken);
    assert.equal(other.acknowledged, true);
    open[0]!.socket.close();
    await waitFor(() => socketsOf(eve) === 9, 'the closed socket to be released');
    assert.equal((await rawSocket(eve.accessToken)).acknowledged, true);
  });

  it('closes a socket that sends no connection_init in time (4408)', UNLESS_HUNG, async () => {
    const silent = await rawSocket(null, false);
    assert.equal((await silent.closed).code, 4408);
  });
});
