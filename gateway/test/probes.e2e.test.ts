import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { internalHeaders } from '@shop/kit/testing';
import { createProduct, startSystem, type System } from './system.js';

/**
 * The OWASP GraphQL cheat sheet's attacks, sent as an attacker would: to the gateway in production mode, and to a
 * subgraph directly (with the gateway's credential, so its own guards are what answers). Every probe must be refused
 * with a 4xx or a coded GraphQL error and no data; right after each, a normal order query must still be answered.
 * Times are printed (they are reported, not asserted).
 */

interface Probe {
  name: string;
  /** Only meaningful against a production gateway (introspection, suggestions). */
  gatewayOnly?: boolean;
  /** Only meaningful against the order subgraph (its own entity loop). */
  subgraphOnly?: boolean;
  send: (url: string, headers: Record<string, string>) => Promise<Response>;
}

const post =
  (body: unknown, contentType = 'application/json') =>
  (url: string, headers: Record<string, string>) =>
    fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

const nest = (levels: number): string => {
  let selection = 'id';
  for (let i = 0; i < levels; i += 1) selection = `orders(first: 20) { edges { node { id user { ${selection} } } } }`;
  return `{ me { ${selection} } }`;
};
/** The same loop inside the order subgraph alone: User.orders → Order.user → User.orders …, through `_entities`. */
const nestEntities = (levels: number): { query: string; variables: object } => {
  let selection = 'id';
  for (let i = 0; i < levels; i += 1) selection = `orders(first: 20) { edges { node { id user { ${selection} } } } }`;
  return { query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { ${selection} } } }`, variables: {} };
};
const repeat = (count: number, make: (i: number) => string) => Array.from({ length: count }, (_, i) => make(i)).join(' ');

const PROBES: Probe[] = [
  { name: 'depth: orders/user eight levels deep', send: post({ query: nest(8) }) },
  {
    name: 'depth: the same loop through _entities',
    subgraphOnly: true,
    send: (url, headers) => post({ ...nestEntities(8), variables: { r: [{ __typename: 'User', id: probeUserId }] } })(url, headers),
  },
  { name: 'aliases: 101 aliased __typename', send: post({ query: `{ ${repeat(101, (i) => `a${i}: __typename`)} }` }) },
  {
    name: 'aliases: 100 aliased login attempts',
    send: post({ query: `mutation { ${repeat(100, (i) => `l${i}: login(email: "a@b.co", password: "p${i}") { accessToken }`)} }` }),
  },
  {
    name: 'cost: 50 aliased products(first: 100)',
    send: post({ query: `{ ${repeat(50, (i) => `p${i}: products(first: 100) { edges { node { id name } } }`)} }` }),
  },
  {
    // Depth 9 (within the limit), two aliases: only the cost, multiplied by the list sizes, is too much.
    name: 'cost: nested lists within the depth limit',
    send: post({
      query: `{ ${repeat(2, (i) => `m${i}: me { orders(first: 100) { edges { node { items { product { id name } } statusHistory { status } user { orders(first: 100) { edges { node { id } } } } } } } }`)} }`,
    }),
  },
  { name: 'field duplication: 3000 x __typename', send: post({ query: `{ ${repeat(3000, () => '__typename')} }` }) },
  { name: 'directive overload: 60 x @include', send: post({ query: `{ __typename ${repeat(60, () => '@include(if: true)')} }` }) },
  { name: 'batching: 20 operations in one request', send: post(Array.from({ length: 20 }, () => ({ query: '{ __typename }' }))) },
  { name: 'introspection in production', gatewayOnly: true, send: post({ query: '{ __schema { types { name fields { name } } } }' }) },
  { name: 'field suggestions in production', gatewayOnly: true, send: post({ query: '{ prodcts(first: 1) { totalCount } }' }) },
  {
    name: 'GET mutation',
    send: (url, headers) =>
      fetch(`${url}?query=${encodeURIComponent('mutation { logout(refreshToken: "x") }')}`, {
        headers: { ...headers, 'apollo-require-preflight': 'true' },
      }),
  },
  { name: 'CSRF: text/plain body', send: post(JSON.stringify({ query: '{ __typename }' }), 'text/plain') },
  { name: 'CSRF: form-encoded body', send: post('query=%7B__typename%7D', 'application/x-www-form-urlencoded') },
  { name: 'huge document: 300 KB of fields', send: post({ query: `{ ${repeat(30_000, (i) => `f${i}`)} }` }) },
  { name: 'comment padding: 200 KB of comments', send: post({ query: `${'# padding\n'.repeat(20_000)}{ __typename }` }) },
  {
    name: 'huge variables: 3 MB',
    send: post({ query: 'query ($v: String) { __typename }', variables: { v: 'x'.repeat(3_000_000) } }),
  },
];

let probeUserId = '';

interface Answer {
  status: number;
  codes: string[];
  hasData: boolean;
  text: string;
}

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = undefined;
  }
  const data = body?.data as Record<string, unknown> | null | undefined;
  return {
    status: response.status,
    codes: (body?.errors ?? []).map((e) => e.extensions?.code ?? '(none)'),
    hasData: !!data && Object.values(data).some((value) => value !== null),
    text,
  };
}

/** Refused: a 4xx, or a GraphQL error with a stable code and no data. Never a 5xx. */
function assertRefused(answer: Answer, what: string): void {
  assert.ok(answer.status < 500, `${what}: ${answer.status} ${answer.text.slice(0, 200)}`);
  if (answer.status >= 400) return;
  assert.ok(answer.codes.length > 0 && !answer.codes.includes('(none)'), `${what}: no coded error: ${answer.text.slice(0, 300)}`);
  assert.ok(!answer.hasData, `${what}: answered with data: ${answer.text.slice(0, 300)}`);
  assert.ok(!answer.codes.includes('INTERNAL_SERVER_ERROR'), `${what}: ${answer.text.slice(0, 300)}`);
}

describe('OWASP GraphQL probes against the production gateway and a subgraph', () => {
  let system: System;
  let gatewayUrl: string;
  let customer: Awaited<ReturnType<System['signUp']>>;
  let orderId: string;
  const timings: Array<{ target: string; probe: string; status: number; code: string; refusedMs: number; normalMs: number }> = [];

  before(async () => {
    system = await startSystem({ workers: false });
    gatewayUrl = (await system.startGateway({ NODE_ENV: 'production' })).url;
    const admin = await system.signInAdmin();
    const product = await createProduct(admin, 50);
    customer = await system.signUp('Probe Target');
    probeUserId = customer.user.id;
    await customer.client.AddToCart({ productId: product.id, quantity: 1 });
    orderId = (await customer.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } })).checkout.id;
  });
  after(async () => {
    console.table(timings);
    await system?.close();
  });

  /** A normal read of the customer's order, through `url`. */
  const normalOrderRead = async (url: string, headers: Record<string, string>) => {
    const started = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', authorization: `Bearer ${customer.accessToken}` },
      body: JSON.stringify({
        query: 'query ($id: ID!) { order(id: $id) { id status total { amountCents } } }',
        variables: { id: orderId },
      }),
    });
    const body = (await response.json()) as { data?: { order?: { id: string } } };
    assert.equal(body.data?.order?.id, orderId, 'the order subgraph still answers a normal query');
    return performance.now() - started;
  };

  const run = async (target: string, url: string, headers: Record<string, string>, probes: Probe[]) => {
    for (const probe of probes) {
      const started = performance.now();
      const answer = await answerOf(await probe.send(url, { ...headers, authorization: `Bearer ${customer.accessToken}` }));
      const refusedMs = performance.now() - started;
      assertRefused(answer, `${target} / ${probe.name}`);
      assert.doesNotMatch(answer.text, /Did you mean/, `${target} / ${probe.name} leaks suggestions`);
      const normalMs = await normalOrderRead(target === 'gateway' ? gatewayUrl : url, target === 'gateway' ? {} : headers);
      timings.push({
        target,
        probe: probe.name,
        status: answer.status,
        code: answer.codes[0] ?? '',
        refusedMs: Math.round(refusedMs),
        normalMs: Math.round(normalMs),
      });
    }
  };

  it('the production gateway refuses every probe, and answers a normal query right after each', async () => {
    await run(
      'gateway',
      gatewayUrl,
      {},
      PROBES.filter((probe) => !probe.subgraphOnly),
    );
  });

  it('the order subgraph, reached directly with the gateway credential, refuses them too', async () => {
    await run(
      'order subgraph',
      system.services.order.server.url,
      await internalHeaders(),
      PROBES.filter((probe) => !probe.gatewayOnly),
    );
  });

  it('the eight-deep query is refused by the gateway before any subgraph is asked', async () => {
    const answer = await answerOf(await post({ query: nest(8) })(gatewayUrl, { authorization: `Bearer ${customer.accessToken}` }));
    assert.deepEqual(answer.codes, ['QUERY_TOO_COMPLEX']);
    const body = JSON.parse(answer.text) as { errors: Array<{ extensions: Record<string, unknown> }> };
    const extensions = body.errors[0]!.extensions;
    assert.equal(typeof extensions.limit, 'number');
    assert.equal(typeof extensions.cost, 'number');
    assert.ok((extensions.cost as number) > (extensions.limit as number));
  });
});
