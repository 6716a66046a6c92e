import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { internalHeaders, postGraphQL } from '@shop/kit/testing';
import { ADMIN, countRequests, createProduct, startSystem, type System } from './system.js';

type Shopper = Awaited<ReturnType<System['signUp']>>;
type Body = { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] };

/** `orders { edges { node { user { orders … } } } }`, `levels` times: 4 levels each. */
function nestedSelection(levels: number) {
  let selection = 'id';
  for (let i = 0; i < levels; i++) selection = `orders { edges { node { id user { ${selection} } } } }`;
  return selection;
}
const nestedOrders = (levels: number) => `query Deep { me { ${nestedSelection(levels)} } }`;

const padded = (bytes: number) => `# ${'x'.repeat(bytes)}\nquery Me { me { id } }`;

/** What a graphql-ws client gets for one operation: its results, or the errors it was refused with. */
function overSocket(client: Client, query: string, variables: Record<string, unknown> = {}) {
  return new Promise<{ results: unknown[]; errors?: GraphQLFormattedError[] }>((resolve, reject) => {
    const results: unknown[] = [];
    client.subscribe(
      { query, variables },
      {
        next: (result) => {
          results.push(result);
        },
        error: (error) => (Array.isArray(error) ? resolve({ results, errors: error as GraphQLFormattedError[] }) : reject(error)),
        complete: () => resolve({ results }),
      },
    );
  });
}

describe('operation limits (gateway) and the subgraphs’ own guard', () => {
  let system: System;
  let shopper: Shopper;
  const sockets: Client[] = [];
  // A tiny alias limit, so the subscription test below shows the gateway's hidden read fields are not counted.
  const maxAliases = 2;
  before(async () => {
    system = await startSystem({ workers: false, gatewayEnv: { MAX_QUERY_ALIASES: String(maxAliases) } });
    shopper = await system.signUp('Deep Diver');
  });
  after(async () => {
    for (const socket of sockets) await socket.dispose();
    await system?.close();
  });

  const socket = (token: string) => {
    const client = createClient({
      url: system.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: true,
    });
    sockets.push(client);
    return client;
  };
  const subgraphRequests = () => {
    const counters = [system.services.user, system.product, system.services.cart, system.services.order].map((s) =>
      countRequests(s.server),
    );
    return {
      get count() {
        return counters.reduce((sum, counter) => sum + counter.count, 0);
      },
      stop: () => counters.forEach((counter) => counter.stop()),
    };
  };

  it('refuses the 8-deep orders/user query over HTTP with QUERY_TOO_COMPLEX, before any subgraph is called', async () => {
    const requests = subgraphRequests();
    const result = await shopper.client.raw(nestedOrders(8));
    requests.stop();
    assert.equal(result.status, 400);
    assert.equal(result.data, null);
    assert.equal(result.errors?.length, 1);
    assert.deepEqual(result.errors[0]!.extensions, { code: 'QUERY_TOO_COMPLEX', rule: 'depth', limit: 10, cost: 34 });
    assert.equal(requests.count, 0);
    // The same client's ordinary query still answers.
    assert.equal((await shopper.client.Me()).me?.id, shopper.user.id);
  });

  it('refuses the same query, and a deep subscription, over graphql-ws, before any subgraph is called', async () => {
    const client = socket(shopper.accessToken);
    const requests = subgraphRequests();
    const query = await overSocket(client, nestedOrders(8));
    const subscription = await overSocket(
      client,
      `subscription Deep { orderStatusChanged(orderId: "${randomUUID()}") { id user { ${nestedSelection(8)} } } }`,
    );
    requests.stop();
    assert.deepEqual(query.results, []);
    assert.deepEqual(query.errors?.[0]?.extensions, { code: 'QUERY_TOO_COMPLEX', rule: 'depth', limit: 10, cost: 34 });
    assert.deepEqual(subscription.results, []);
    assert.deepEqual(subscription.errors?.[0]?.extensions, { code: 'QUERY_TOO_COMPLEX', rule: 'depth', limit: 10, cost: 35 });
    assert.equal(requests.count, 0);
    const fine = await overSocket(client, 'query Me { me { id } }');
    assert.deepEqual(fine.results, [{ data: { me: { id: shopper.user.id } } }]);
  });

  it('refuses an oversized document (comment padding) on HTTP and graphql-ws', async () => {
    const requests = subgraphRequests();
    const overHttp = await shopper.client.raw(padded(20_000));
    const overWs = await overSocket(socket(shopper.accessToken), padded(20_000));
    requests.stop();
    assert.equal(overHttp.status, 400);
    for (const errors of [overHttp.errors, overWs.errors]) {
      assert.equal(errors?.[0]?.extensions?.code, 'QUERY_TOO_COMPLEX');
      assert.equal(errors?.[0]?.extensions?.rule, 'documentBytes');
      assert.equal(errors?.[0]?.extensions?.limit, 16_384);
      assert.equal(errors?.[0]?.extensions?.cost, Buffer.byteLength(padded(20_000)));
    }
    assert.equal(requests.count, 0);
    assert.equal((await shopper.client.raw(padded(10_000))).status, 200);
  });

  it('serves a subscription that uses every alias allowed: the hidden fields of its reads are not counted', async () => {
    const admin = await system.signInAdmin();
    const product = await createProduct(admin, 5, 700);
    await shopper.client.AddToCart({ productId: product.id, quantity: 1 });
    const { checkout } = await shopper.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } });
    const client = socket(shopper.accessToken);
    const first = await new Promise<unknown>((resolve, reject) => {
      const stop = client.subscribe(
        { query: `subscription { orderStatusChanged(orderId: "${checkout.id}") { orderId: id state: status } }` },
        {
          next: (result) => {
            stop();
            resolve(result);
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    assert.deepEqual(first, { data: { orderStatusChanged: { orderId: checkout.id, state: 'PENDING' } } });
    // One alias more is refused.
    const refused = await overSocket(client, `subscription { orderStatusChanged(orderId: "${checkout.id}") { a: id b: status c: id } }`);
    assert.equal(refused.errors?.[0]?.extensions?.rule, 'aliases');
  });

  it('the order subgraph refuses the deep query sent straight to it, and answers a normal one right after', async () => {
    const deep = `query { _entities(representations: [{ __typename: "User", id: "${shopper.user.id}" }]) {
      ... on User { ${nestedSelection(8)} } } }`;
    const refused = await postGraphQL<Body>(system.services.order.server.url, deep, {}, shopper.accessToken);
    assert.equal(refused.data ?? null, null);
    assert.deepEqual(refused.errors?.[0]?.extensions, { code: 'QUERY_TOO_COMPLEX', rule: 'depth', limit: 15, cost: 34 });

    const normal = `query { _entities(representations: [{ __typename: "User", id: "${shopper.user.id}" }]) {
      ... on User { orders(first: 5) { edges { node { id items { product { id } } } } } } } }`;
    const answered = await postGraphQL<Body>(system.services.order.server.url, normal, {}, shopper.accessToken);
    assert.equal(answered.errors, undefined);
    const edges = (answered.data?._entities as Array<{ orders: { edges: unknown[] } }>)[0]!.orders.edges;
    assert.equal(edges.length, 1);
  });

  it('a subgraph stops issuing SQL for a request whose client went away', async () => {
    const order = system.services.order;
    const admin = await system.signInAdmin();
    const product = await createProduct(admin, 5, 300);
    await shopper.client.AddToCart({ productId: product.id, quantity: 1 });
    const { checkout } = await shopper.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } });
    await shopper.client.CancelOrder({ id: checkout.id });
    // Cancelling a cancelled order changes nothing and answers it; 80 of them run one after another, each locking
    // the order's row with one statement.
    const mutation = `mutation { ${Array.from({ length: 80 }, (_, i) => `c${i}: cancelOrder(id: "${checkout.id}") { id }`).join('\n')} }`;
    const internal = await internalHeaders();
    let locks = 0;
    let counting = false;
    let cut: () => void = () => undefined;
    const knex = order.orm.em.getKnex();
    // MikroORM inlines parameters into the SQL text it hands to knex.
    const onQuery = (query: { sql?: string }) => {
      if (counting && query.sql?.includes(checkout.id) && /for update/i.test(query.sql) && !/skip locked/i.test(query.sql)) locks += 1;
      if (locks === 3) cut();
    };
    knex.on('query', onQuery);
    // Apollo still ends the response (into the closed socket) when execution finishes: that is when to count.
    const executionEnded = new Promise<void>((resolve) => {
      const listener = (_req: http.IncomingMessage, res: http.ServerResponse) => {
        order.server.httpServer.off('request', listener);
        counting = true;
        const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
        res.end = ((...args: unknown[]) => {
          resolve();
          return end(...args);
        }) as typeof res.end;
      };
      order.server.httpServer.on('request', listener);
    });
    const gone = new Promise<void>((resolve) => {
      const request = http.request(order.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${shopper.accessToken}`, ...internal },
      });
      request.on('error', () => resolve());
      // Answered in full: the cut never happened, and the count below says so.
      request.on('response', (response) => response.resume().on('end', () => resolve()));
      cut = () => {
        cut = () => undefined;
        request.destroy();
        resolve();
      };
      request.end(JSON.stringify({ query: mutation }));
    });
    await gone;
    await executionEnded;
    knex.off('query', onQuery);
    // Without the abort all 80 would lock; the mutation under way when the socket closed may still finish.
    assert.ok(locks >= 3 && locks <= 5, `${locks} of 80 mutations ran`);
  });

  it('the order subgraph loads User.orders for a whole _entities batch in one statement, pages per user', async () => {
    const admin = await system.signInAdmin();
    const product = await createProduct(admin, 10, 100);
    const [ann, bob, cid] = [await system.signUp('Ann'), await system.signUp('Bob'), await system.signUp('Cid')];
    const placed: Record<string, string[]> = { [ann.user.id]: [], [bob.user.id]: [] };
    for (const buyer of [ann, ann, bob]) {
      await buyer.client.AddToCart({ productId: product.id, quantity: 1 });
      const { checkout } = await buyer.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } });
      placed[buyer.user.id]!.unshift(checkout.id);
    }
    const { login } = await system.client().Login(ADMIN);
    const knex = system.services.order.orm.em.getKnex();
    let pageStatements = 0;
    const onQuery = (query: { sql?: string }) => void (query.sql?.includes('row_number()') && (pageStatements += 1));
    knex.on('query', onQuery);
    const representations = [ann, bob, cid].map((u) => `{ __typename: "User", id: "${u.user.id}" }`).join(', ');
    const result = await postGraphQL<Body>(
      system.services.order.server.url,
      `query { _entities(representations: [${representations}]) {
        ... on User { id orders(first: 1) { edges { node { id items { quantity } } } pageInfo { hasNextPage } } } } }`,
      {},
      login.accessToken,
    );
    knex.off('query', onQuery);
    assert.equal(result.errors, undefined);
    const pages = result.data?._entities as Array<{
      orders: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean } };
    }>;
    assert.deepEqual(
      pages.map((page) => [page.orders.edges.map((edge) => edge.node.id), page.orders.pageInfo.hasNextPage]),
      [
        [[placed[ann.user.id]![0]], true],
        [[placed[bob.user.id]![0]], false],
        [[], false],
      ],
    );
    assert.equal(pageStatements, 1);
  });
});
