import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createShopClient } from '@shop/sdk';
import { startTcpProxy, waitFor } from '@shop/kit/testing';
import { RATE_LIMIT_DEFAULTS } from '../src/environment.js';
import { countRequests, createProduct, startSystem, type System } from './system.js';

interface Reply {
  status: number;
  retryAfter: string | null;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; extensions?: { code?: string; retryAfterSeconds?: number } }>;
  };
}

const LOGIN = 'mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }';
const REGISTER = 'mutation Register($input: RegisterInput!) { register(input: $input) { accessToken } }';
const CHECKOUT = 'mutation Checkout($input: CheckoutInput!) { checkout(input: $input) { id } }';
const PRODUCTS = '{ products(first: 1) { edges { node { id } } } }';

/** Every gateway here trusts loopback proxies, so each test claims its own client address with X-Forwarded-For. */
let lastOctet = 0;
const freshIp = () => `203.0.113.${++lastOctet}`;
const uniqueEmail = (name: string) => `${name}.${randomBytes(3).toString('hex')}@example.com`;

async function post(url: string, query: string, variables: object, who: { ip?: string; token?: string } = {}): Promise<Reply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(who.ip ? { 'x-forwarded-for': who.ip } : {}),
      ...(who.token ? { authorization: `Bearer ${who.token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Reply['body'] };
}

const codeOf = (reply: Reply) => reply.body.errors?.[0]?.extensions?.code;

function assertRateLimited(reply: Reply) {
  assert.equal(codeOf(reply), 'RATE_LIMITED', JSON.stringify(reply.body));
  assert.equal(reply.status, 429);
  const seconds = reply.body.errors?.[0]?.extensions?.retryAfterSeconds;
  assert.ok(Number.isInteger(seconds) && seconds! >= 1, `retryAfterSeconds ${seconds}`);
  assert.equal(reply.retryAfter, String(seconds));
  assert.equal(reply.body.data ?? null, null);
  return seconds!;
}

describe('rate limits at the gateway (Redis, shared by replicas)', () => {
  let system: System;
  const sockets: Client[] = [];
  before(async () => {
    system = await startSystem({
      // No payment worker: orders stay PENDING, so a subscription stays open for the hub-read test.
      workers: false,
      gatewayEnv: {
        TRUST_PROXY: 'loopback',
        RATE_LIMIT_LOGIN_IP: RATE_LIMIT_DEFAULTS.RATE_LIMIT_LOGIN_IP,
        RATE_LIMIT_LOGIN_ACCOUNT: RATE_LIMIT_DEFAULTS.RATE_LIMIT_LOGIN_ACCOUNT,
        // Room for 12 aliased logins in one request, so it is the rate limit that refuses them, not the operation limits.
        MAX_QUERY_ROOT_FIELDS: '20',
      },
    });
  });
  after(async () => {
    for (const socket of sockets) await socket.dispose();
    await system?.close();
  });

  it('with the default limits, refuses password guessing for one account well before 50 attempts (429, Retry-After)', async () => {
    const victim = await system.signUp('Victim');
    const ip = freshIp();
    const codes: string[] = [];
    let firstRefusal: Reply | undefined;
    for (let attempt = 1; attempt <= 50; attempt += 1) {
      const reply = await post(system.url, LOGIN, { email: victim.email, password: `wrong-${attempt}` }, { ip });
      codes.push(codeOf(reply) ?? 'none');
      if (codeOf(reply) === 'RATE_LIMITED') firstRefusal ??= reply;
    }
    const refusedAt = codes.indexOf('RATE_LIMITED') + 1;
    assert.ok(refusedAt > 0 && refusedAt <= 15, `first refusal at attempt ${refusedAt}: ${codes.join(',')}`);
    assert.deepEqual(new Set(codes.slice(0, refusedAt - 1)), new Set(['UNAUTHENTICATED']));
    assert.deepEqual(new Set(codes.slice(refusedAt - 1)), new Set(['RATE_LIMITED']));
    assertRateLimited(firstRefusal!);
  });

  it('lets the right password in again once retryAfterSeconds have passed', async () => {
    const gateway = await system.startGateway({ RATE_LIMIT_LOGIN_ACCOUNT: '5/2' });
    const user = await system.signUp('Forgetful');
    const ip = freshIp();
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      assert.equal(codeOf(await post(gateway.url, LOGIN, { email: user.email, password: 'wrong' }, { ip })), 'UNAUTHENTICATED');
    }
    const refused = await post(gateway.url, LOGIN, { email: user.email, password: user.password }, { ip });
    const seconds = assertRateLimited(refused);
    // A sleep on purpose: the window running out is the behaviour under test, and only the clock announces it.
    await sleep(seconds * 1000);
    const reply = await post(gateway.url, LOGIN, { email: user.email, password: user.password }, { ip });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.ok((reply.body.data?.login as { accessToken?: string } | undefined)?.accessToken);
  });

  it('charges one point per aliased login: 12 in one request over a limit of 10 are refused whole, before the user service', async () => {
    const user = await system.signUp('Aliased');
    // Literal and variable emails, case and spaces varied, some through a fragment: all the same account.
    const aliases = Array.from({ length: 12 }, (_, i) => {
      const email = i % 3 === 0 ? '$email' : JSON.stringify(i % 3 === 1 ? ` ${user.email.toUpperCase()} ` : user.email);
      return `a${i}: login(email: ${email}, password: $password) { accessToken }`;
    });
    const query = `mutation Many($email: String!, $password: String!) { ${aliases.slice(0, 8).join(' ')} ...More }
      fragment More on Mutation { ${aliases.slice(8).join(' ')} }`;
    const users = countRequests(system.services.user.server);
    try {
      const reply = await post(system.url, query, { email: user.email, password: user.password }, { ip: freshIp() });
      assertRateLimited(reply);
      assert.equal(reply.body.errors?.length, 1);
      assert.equal(users.count, 0, 'no login reached the user service');
    } finally {
      users.stop();
    }

    // The boundary: ten aliased logins of another account fit the default limit of ten.
    const other = await system.signUp('Ten');
    const ten = `mutation Ten($email: String!, $password: String!) { ${Array.from(
      { length: 10 },
      (_, i) => `b${i}: login(email: $email, password: $password) { accessToken }`,
    ).join(' ')} }`;
    const allowed = await post(system.url, ten, { email: other.email, password: other.password }, { ip: freshIp() });
    assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
    assert.equal(Object.keys(allowed.body.data ?? {}).length, 10);
  });

  it('limits registrations per address', async () => {
    const gateway = await system.startGateway({ RATE_LIMIT_REGISTER: '3/60' });
    const ip = freshIp();
    const register = (from: string) =>
      post(gateway.url, REGISTER, { input: { email: uniqueEmail('reg'), password: 'correct-horse-battery', name: 'Reg' } }, { ip: from });
    for (let i = 0; i < 3; i += 1) assert.equal((await register(ip)).status, 200);
    const users = countRequests(system.services.user.server);
    try {
      assertRateLimited(await register(ip));
      assert.equal(users.count, 0, 'the refused registration never reached the user service');
    } finally {
      users.stop();
    }
    const elsewhere = await register(freshIp());
    assert.equal(elsewhere.status, 200, JSON.stringify(elsewhere.body));
  });

  it('limits checkouts per user; another user on the same address is not affected', async () => {
    const gateway = await system.startGateway({ RATE_LIMIT_CHECKOUT: '2/60' });
    const [ann, bob] = [await system.signUp('Ann'), await system.signUp('Bob')];
    const ip = freshIp();
    const checkout = (token: string) =>
      post(gateway.url, CHECKOUT, { input: { idempotencyKey: randomUUID(), paymentToken: 'tok_visa' } }, { ip, token });
    // Empty carts: each checkout reaches the order service and is refused there, which still costs a point.
    assert.equal(codeOf(await checkout(ann.accessToken)), 'CART_EMPTY');
    assert.equal(codeOf(await checkout(ann.accessToken)), 'CART_EMPTY');
    assertRateLimited(await checkout(ann.accessToken));
    assert.equal(codeOf(await checkout(bob.accessToken)), 'CART_EMPTY');
  });

  it('two gateway replicas share one budget', async () => {
    const env = { RATE_LIMIT_LOGIN_ACCOUNT: '4/60' };
    const [one, two] = [await system.startGateway(env), await system.startGateway(env)];
    const user = await system.signUp('Shared');
    const guess = (url: string) => post(url, LOGIN, { email: user.email, password: 'wrong' }, { ip: freshIp() });
    for (const url of [one.url, two.url, one.url, two.url]) assert.equal(codeOf(await guess(url)), 'UNAUTHENTICATED');
    assertRateLimited(await guess(one.url));
    assertRateLimited(await guess(two.url));
  });

  it('without Redis: ordinary traffic passes (fail open), logins stay bounded by the in-memory fallback', async () => {
    const proxy = await startTcpProxy(6379);
    try {
      const gateway = await system.startGateway({
        RATE_LIMIT_REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
        RATE_LIMIT_ANONYMOUS: '3/60',
        RATE_LIMIT_LOGIN_ACCOUNT: '5/60',
      });
      const ip = freshIp();
      for (let i = 0; i < 3; i += 1) assert.equal((await post(gateway.url, PRODUCTS, {}, { ip })).status, 200);
      assertRateLimited(await post(gateway.url, PRODUCTS, {}, { ip }));

      proxy.cut();
      await waitFor(() => gateway.rateLimitRedis?.status !== 'ready', 'the limiter to notice Redis is gone');
      const open = await post(gateway.url, PRODUCTS, {}, { ip });
      assert.equal(open.status, 200, JSON.stringify(open.body));
      assert.ok(open.body.data?.products);

      const user = await system.signUp('Offline');
      const guessIp = freshIp();
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        const reply = await post(gateway.url, LOGIN, { email: user.email, password: 'wrong' }, { ip: guessIp });
        assert.equal(codeOf(reply), 'UNAUTHENTICATED');
      }
      assertRateLimited(await post(gateway.url, LOGIN, { email: user.email, password: 'wrong' }, { ip: guessIp }));
    } finally {
      await proxy.close();
    }
  });

  it('charges queries sent over graphql-ws to the user, but not the reads the gateway makes for subscriptions', async () => {
    const gateway = await system.startGateway({ RATE_LIMIT_USER: '8/60', SUBSCRIPTION_RESYNC_MS: '100' });
    const socketFor = (token: string) => {
      const socket = createClient({
        url: gateway.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
      });
      sockets.push(socket);
      return socket;
    };
    const queryOver = async (socket: Client) => {
      for await (const result of socket.iterate({ query: '{ me { id } }' })) return result;
      throw new Error('no result');
    };

    const ann = await system.signUp('Socket');
    const socket = socketFor(ann.accessToken);
    for (let i = 0; i < 8; i += 1) assert.equal((await queryOver(socket)).errors, undefined);
    const refused = await queryOver(socket);
    assert.equal(refused.errors?.[0]?.extensions?.code, 'RATE_LIMITED');

    // Bob's setup spends 2 of his 8 points (AddToCart, Checkout), through this gateway: the system's own gateway has the
    // default budget, so it takes its points a lease of 12 at a time from the same key in Redis.
    const bob = await system.signUp('Watcher');
    const admin = await system.signInAdmin();
    const product = await createProduct(admin, 5);
    const bobHere = createShopClient({ url: gateway.url, token: bob.accessToken });
    await bobHere.AddToCart({ productId: product.id, quantity: 1 });
    const order = (await bobHere.Checkout({ input: { idempotencyKey: randomUUID(), paymentToken: 'tok_visa' } })).checkout;
    const orders = countRequests(system.services.order.server);
    const watcher = socketFor(bob.accessToken);
    const updates: unknown[] = [];
    const subscription = watcher.iterate({ query: `subscription { orderStatusChanged(orderId: "${order.id}") { id status } }` });
    void (async () => {
      for await (const update of subscription) updates.push(update);
    })();
    try {
      await waitFor(() => updates.length > 0 && orders.count >= 10, 'the hub to re-read the order ten times');
    } finally {
      orders.stop();
    }
    for (let i = 0; i < 6; i += 1) {
      const reply = await post(gateway.url, '{ me { id } }', {}, { token: bob.accessToken });
      assert.equal(reply.status, 200, `request ${i + 1}: ${JSON.stringify(reply.body)}`);
    }
    assertRateLimited(await post(gateway.url, '{ me { id } }', {}, { token: bob.accessToken }));
    await subscription.return?.();
  });
});
