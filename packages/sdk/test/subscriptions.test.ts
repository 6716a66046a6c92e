// The SDK's subscriptions against a stand-in graphql-ws server on loopback (the gateway's own tests cover the real one).
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { createShopClient, ShopApiError } from '../src/index.js';

interface Seen {
  connections: number;
  authorizations: unknown[];
  completedByClient: string[];
}

function order(revision: number, status: string) {
  return { orderStatusChanged: { id: 'order-1', status, revision } };
}

// Tokens: "good" is accepted, "expiring" too until `expire()` closes its sockets with 4401, "forbidden" is closed
// with 4403, anything else (or none) with 4401.
// orderId "missing" gets an error message, "forever" one result and then nothing, others three results and complete
// (on an "expiring" socket: one result, then nothing).
function startServer() {
  const seen: Seen = { connections: 0, authorizations: [], completedByClient: [] };
  const expiring = new Set<WebSocket>();
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => 'graphql-transport-ws' });
  server.on('connection', (socket: WebSocket) => {
    seen.connections += 1;
    const send = (message: object) => socket.send(JSON.stringify(message));
    socket.on('close', () => expiring.delete(socket));
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { type: string; id?: string; payload?: Record<string, unknown> };
      if (message.type === 'connection_init') {
        const authorization = message.payload?.authorization;
        seen.authorizations.push(authorization);
        if (authorization === 'Bearer expiring') expiring.add(socket);
        if (authorization === 'Bearer good' || authorization === 'Bearer expiring') send({ type: 'connection_ack' });
        else if (authorization === 'Bearer forbidden') socket.close(4403, 'Forbidden');
        else socket.close(4401, 'Unauthorized');
      } else if (message.type === 'subscribe') {
        const orderId = (message.payload?.variables as { orderId?: string } | undefined)?.orderId;
        if (orderId === 'missing') {
          send({ id: message.id, type: 'error', payload: [{ message: 'No such order', extensions: { code: 'NOT_FOUND' } }] });
        } else if (orderId === 'forever' || expiring.has(socket)) {
          send({ id: message.id, type: 'next', payload: { data: order(1, 'PENDING') } });
        } else {
          for (const [revision, status] of [
            [1, 'PENDING'],
            [2, 'PAID'],
            [3, 'CONFIRMED'],
          ] as const) {
            send({ id: message.id, type: 'next', payload: { data: order(revision, status) } });
          }
          send({ id: message.id, type: 'complete' });
        }
      } else if (message.type === 'complete' && message.id) {
        seen.completedByClient.push(message.id);
      }
    });
  });
  const ready = new Promise<string>((resolve) =>
    server.on('listening', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`)),
  );
  return {
    seen,
    ready,
    /** The access token of every "expiring" socket runs out now. */
    expire: () => {
      for (const socket of expiring) socket.close(4401, 'Unauthorized: access token expired');
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function failure(iterable: AsyncIterable<unknown>): Promise<ShopApiError> {
  try {
    await collect(iterable);
  } catch (error) {
    assert.ok(error instanceof ShopApiError, String(error));
    return error;
  }
  throw new Error('expected the subscription to fail');
}

describe('subscriptions', () => {
  let server: ReturnType<typeof startServer>;
  let url: string;

  before(async () => {
    server = startServer();
    url = await server.ready;
  });
  after(() => server.close());

  it('yields the data of every message until the server completes, over one connection', async () => {
    const shop = createShopClient({ url, token: 'good' });
    const before = server.seen.connections;
    try {
      const [first, second] = await Promise.all([
        collect(shop.OrderStatusChanged({ orderId: 'order-1' })),
        collect(shop.OrderStatusChanged({ orderId: 'order-1' })),
      ]);
      assert.deepEqual(
        first.map((m) => [m.orderStatusChanged.revision, m.orderStatusChanged.status]),
        [
          [1, 'PENDING'],
          [2, 'PAID'],
          [3, 'CONFIRMED'],
        ],
      );
      assert.deepEqual(second, first);
      assert.equal(server.seen.connections - before, 1);
      assert.equal(server.seen.authorizations.at(-1), 'Bearer good');
    } finally {
      await shop.dispose();
    }
  });

  it('refuses a missing token as UNAUTHENTICATED and a forbidden one as FORBIDDEN, without retrying', async () => {
    const anonymous = createShopClient({ url });
    const forbidden = createShopClient({ url, token: 'forbidden' });
    const before = server.seen.connections;
    try {
      const unauthenticated = await failure(anonymous.OrderStatusChanged({ orderId: 'order-1' }));
      assert.equal(unauthenticated.code, 'UNAUTHENTICATED');
      assert.equal(unauthenticated.status, 4401);
      assert.equal(server.seen.authorizations.at(-1), undefined);
      assert.equal((await failure(forbidden.OrderStatusChanged({ orderId: 'order-1' }))).code, 'FORBIDDEN');
      assert.equal(server.seen.connections - before, 2);
    } finally {
      await Promise.all([anonymous.dispose(), forbidden.dispose()]);
    }
  });

  it('throws the error message of a subscription as ShopApiError with its code', async () => {
    const shop = createShopClient({ url, token: 'good' });
    try {
      const error = await failure(shop.OrderStatusChanged({ orderId: 'missing' }));
      assert.deepEqual(error.codes, ['NOT_FOUND']);
    } finally {
      await shop.dispose();
    }
  });

  it('unsubscribes when the loop is left early', async () => {
    const shop = createShopClient({ url, token: 'good' });
    try {
      for await (const { orderStatusChanged } of shop.OrderStatusChanged({ orderId: 'forever' })) {
        assert.equal(orderStatusChanged.status, 'PENDING');
        break;
      }
      const deadline = Date.now() + 2000;
      while (server.seen.completedByClient.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(server.seen.completedByClient.length, 1);
    } finally {
      await shop.dispose();
    }
  });

  it('connects again with the new identity after setToken', async () => {
    const shop = createShopClient({ url });
    try {
      assert.equal((await failure(shop.OrderStatusChanged({ orderId: 'order-1' }))).code, 'UNAUTHENTICATED');
      shop.setToken('good');
      assert.equal((await collect(shop.OrderStatusChanged({ orderId: 'order-1' }))).length, 3);
    } finally {
      await shop.dispose();
    }
  });

  it('when the server closes with 4401, refreshes once for all subscriptions, reconnects and subscribes again', async () => {
    let refreshes = 0;
    const shop = createShopClient({
      url,
      token: 'expiring',
      refresh: async () => {
        refreshes += 1;
        return 'good';
      },
    });
    const before = server.seen.connections;
    try {
      const streams = [0, 1].map(() => shop.OrderStatusChanged({ orderId: 'order-1' })[Symbol.asyncIterator]());
      const firsts = await Promise.all(streams.map((stream) => stream.next()));
      assert.deepEqual(
        firsts.map((first) => first.value?.orderStatusChanged.status),
        ['PENDING', 'PENDING'],
      );
      server.expire();
      for (const stream of streams) {
        const rest: Array<[number, string]> = [];
        for (let step = await stream.next(); !step.done; step = await stream.next()) {
          rest.push([step.value.orderStatusChanged.revision, step.value.orderStatusChanged.status]);
        }
        // Subscribed again, so the current state comes first once more.
        assert.deepEqual(rest, [
          [1, 'PENDING'],
          [2, 'PAID'],
          [3, 'CONFIRMED'],
        ]);
      }
      assert.equal(refreshes, 1);
      assert.equal(server.seen.connections - before, 2);
      assert.deepEqual(server.seen.authorizations.slice(-2), ['Bearer expiring', 'Bearer good']);
      // The fresh token is the client's token from now on.
      assert.equal((await collect(shop.OrderStatusChanged({ orderId: 'order-2' }))).length, 3);
      assert.equal(server.seen.authorizations.at(-1), 'Bearer good');
    } finally {
      await shop.dispose();
    }
  });

  it('without a refresh callback, a 4401 mid-stream ends the subscription with UNAUTHENTICATED', async () => {
    const shop = createShopClient({ url, token: 'expiring' });
    try {
      const stream = shop.OrderStatusChanged({ orderId: 'order-1' })[Symbol.asyncIterator]();
      assert.equal((await stream.next()).value?.orderStatusChanged.status, 'PENDING');
      server.expire();
      const error = await stream.next().then(
        () => assert.fail('expected the subscription to fail'),
        (failure: unknown) => failure,
      );
      assert.ok(error instanceof ShopApiError, String(error));
      assert.equal(error.code, 'UNAUTHENTICATED');
      assert.equal(error.status, 4401);
      assert.match(error.message, /expired/);
    } finally {
      await shop.dispose();
    }
  });

  it('a refreshed token that is refused too ends the subscription instead of reconnecting again and again', async () => {
    let refreshes = 0;
    const shop = createShopClient({
      url,
      token: 'expiring',
      refresh: async () => {
        refreshes += 1;
        return 'revoked';
      },
    });
    const before = server.seen.connections;
    try {
      const stream = shop.OrderStatusChanged({ orderId: 'order-1' })[Symbol.asyncIterator]();
      assert.equal((await stream.next()).value?.orderStatusChanged.status, 'PENDING');
      server.expire();
      const error = await stream.next().then(
        () => assert.fail('expected the subscription to fail'),
        (failure: unknown) => failure,
      );
      assert.ok(error instanceof ShopApiError, String(error));
      assert.equal(error.status, 4401);
      assert.equal(refreshes, 1);
      assert.equal(server.seen.connections - before, 2);
    } finally {
      await shop.dispose();
    }
  });
});
