import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { generateSigningKey, INTERNAL_CREDENTIAL_HEADER, UserTokenIssuer } from '@shop/kit';
import { internalHeaders, postGraphQL, TEST_ENV, testTokens, type InternalAs } from '@shop/kit/testing';
import { createProduct, startSystem, type System } from './system.js';

interface Reply {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

describe('trust: subgraphs answer only the gateway and our services; tokens only from the user service', () => {
  let system: System;
  let subgraphs: Record<'user' | 'product' | 'cart' | 'order', string>;
  let productId: string;
  let orderId: string;
  let customer: Awaited<ReturnType<System['signUp']>>;

  before(async () => {
    system = await startSystem({ workers: false });
    subgraphs = {
      user: system.services.user.server.url,
      product: system.product.server.url,
      cart: system.services.cart.server.url,
      order: system.services.order.server.url,
    };
    const admin = await system.signInAdmin();
    productId = (await createProduct(admin, 10)).id;
    customer = await system.signUp('Trusted Customer');
    await customer.client.AddToCart({ productId, quantity: 1 });
    orderId = (await customer.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } })).checkout.id;
  });
  after(async () => {
    await system?.close();
  });

  const raw = async (url: string, body: object, headers: Record<string, string> = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Reply };
  };

  it('refuses every direct request without the credential: _entities of every entity, _service, queries, GET', async () => {
    const probes = [
      { query: '{ _service { sdl } }' },
      { query: '{ __typename }' },
      {
        query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email name role } } }',
        variables: { r: [{ __typename: 'User', id: customer.user.id }] },
      },
      {
        query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id name stock } } }',
        variables: { r: [{ __typename: 'Product', id: productId }] },
      },
      {
        query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id total { amountCents } } } }',
        variables: { r: [{ __typename: 'Order', id: orderId }] },
      },
      {
        query:
          'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { cart { items { quantity } } orders { totalCount } } } }',
        variables: { r: [{ __typename: 'User', id: customer.user.id }] },
      },
    ];
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('gateway')
      .setAudience('shop-subgraphs')
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode('dev-only-jwt-secret-change-me-0123456789abcdef'));
    const credentials: Array<Record<string, string>> = [
      {},
      { [INTERNAL_CREDENTIAL_HEADER]: forged },
      // A user's own token in the credential header is not a credential, nor is it with the Authorization beside it.
      { [INTERNAL_CREDENTIAL_HEADER]: customer.accessToken },
      { authorization: `Bearer ${customer.accessToken}` },
      // A service credential made for another service does not open this one.
      { [INTERNAL_CREDENTIAL_HEADER]: await testTokens.service('order', 'nobody') },
    ];
    let sent = 0;
    for (const [name, url] of Object.entries(subgraphs)) {
      for (const probe of probes) {
        for (const headers of credentials) {
          const { status, body } = await raw(url, probe, headers);
          sent += 1;
          assert.equal(status, 401, `${name} ${probe.query} ${Object.keys(headers)}`);
          assert.equal(body.data, undefined);
          assert.equal(body.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
          assert.doesNotMatch(JSON.stringify(body), new RegExp(customer.email.replace(/\./g, '\\.')));
        }
      }
      const get = await fetch(`${url}?query=${encodeURIComponent('{ _service { sdl } }')}`);
      assert.equal(get.status, 401, `${name} GET`);
      assert.equal((await fetch(new URL('/health', url))).status, 200, `${name} /health stays open`);
    }
    assert.equal(sent, 4 * probes.length * credentials.length);
  });

  it('answers the same request once it carries the gateway credential (so the refusals above are about the credential)', async () => {
    const reply = await postGraphQL<Reply>(
      subgraphs.user,
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }',
      { r: [{ __typename: 'User', id: customer.user.id }] },
    );
    assert.deepEqual(reply.data, { _entities: [{ id: customer.user.id }] });
  });

  it('refuses HS256 with any shared secret, alg none, another key, expired, wrong iss/aud — at every service', async () => {
    const payload = {
      sub: customer.user.id,
      role: 'ADMIN',
      sid: randomUUID(),
      iss: 'shop-user',
      aud: 'shop',
      iat: now(),
      exp: now() + 300,
    };
    const hs256 = (secret: string) => new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
    const testKey = JSON.parse(TEST_ENV.USER_SIGNING_KEY) as ReturnType<typeof generateSigningKey>;
    const claims = { userId: customer.user.id, role: 'ADMIN' as const, sessionId: randomUUID() };
    const bad = {
      hs256Dev: await hs256('dev-only-jwt-secret-change-me-0123456789abcdef'),
      hs256Gateway: await hs256(TEST_ENV.GATEWAY_TOKEN_SECRET),
      hs256Service: await hs256(TEST_ENV.SERVICE_TOKEN_SECRET),
      none: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`,
      anotherKey: await (
        await UserTokenIssuer.create(generateSigningKey(), [], { JWT_ISSUER: 'shop-user', JWT_AUDIENCE: 'shop' })
      ).issue(claims, 300),
      expired: await testTokens.user(claims, -30),
      wrongIssuer: await (await UserTokenIssuer.create(testKey, [], { JWT_ISSUER: 'elsewhere', JWT_AUDIENCE: 'shop' })).issue(claims, 300),
      wrongAudience: await (
        await UserTokenIssuer.create(testKey, [], { JWT_ISSUER: 'shop-user', JWT_AUDIENCE: 'other' })
      ).issue(claims, 300),
      // Our own service credential, presented as a user token.
      serviceCredential: await testTokens.service('order', 'product'),
    };
    const probes: Record<keyof typeof subgraphs, { query: string; variables: object; refused: (reply: Reply) => boolean }> = {
      user: { query: '{ me { id } }', variables: {}, refused: (r) => r.data?.me === null },
      product: {
        query: 'mutation ($id: ID!) { updateProduct(id: $id, input: { stock: 3 }) { id } }',
        variables: { id: productId },
        refused: (r) => r.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED',
      },
      cart: {
        query: 'mutation ($id: ID!) { addToCart(productId: $id, quantity: 1) { id } }',
        variables: { id: productId },
        refused: (r) => r.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED',
      },
      order: {
        query: 'query ($id: ID!) { order(id: $id) { id } }',
        variables: { id: orderId },
        refused: (r) => r.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED',
      },
    };
    for (const [service, probe] of Object.entries(probes) as Array<[keyof typeof subgraphs, (typeof probes)['user']]>) {
      for (const [name, token] of Object.entries(bad)) {
        const direct = await postGraphQL<Reply>(subgraphs[service], probe.query, probe.variables, token);
        assert.ok(probe.refused(direct), `${service} took a ${name} token: ${JSON.stringify(direct)}`);
        const viaGateway = await postGraphQL<Reply>(system.url, probe.query, probe.variables, token, null);
        assert.ok(probe.refused(viaGateway), `gateway → ${service} took a ${name} token: ${JSON.stringify(viaGateway)}`);
      }
    }
    // The probes can pass: a real admin token is taken by the product service.
    const admin = await testTokens.user({ userId: randomUUID(), role: 'ADMIN' });
    const ok = await postGraphQL<Reply>(subgraphs.product, probes.product.query, probes.product.variables, admin);
    assert.equal(ok.errors, undefined);
  });

  it('keeps SERVICE for our services: a user token (even ADMIN) at an internal mutation is FORBIDDEN', async () => {
    const reserve = 'mutation ($o: ID!, $l: [StockLineInput!]!) { reserveStock(orderId: $o, lines: $l) { productId } }';
    const variables = { o: randomUUID(), l: [{ productId, quantity: 1 }] };
    const admin = await testTokens.user({ userId: randomUUID(), role: 'ADMIN' });
    const asAdmin = await postGraphQL<Reply>(subgraphs.product, reserve, variables, admin);
    assert.equal(asAdmin.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const anonymous = await postGraphQL<Reply>(subgraphs.product, reserve, variables);
    assert.equal(anonymous.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    // The gateway's credential makes no one a SERVICE either; only a service credential for product does.
    const viaGatewayApi = await postGraphQL<Reply>(system.url, reserve, variables, admin, null);
    assert.ok(viaGatewayApi.errors?.length, 'the internal mutation is not in the client API');
    const asService: InternalAs = { service: 'order', callee: 'product' };
    const served = await postGraphQL<Reply>(subgraphs.product, reserve, variables, null, asService);
    assert.equal(served.errors, undefined, JSON.stringify(served));
    assert.equal((await internalHeaders(null))[INTERNAL_CREDENTIAL_HEADER], undefined);
  });

  it('serves its public keys only: the JWKS has no private part, and logout kills the refresh token', async () => {
    const jwks = (await (await fetch(system.services.user.jwksUrl)).json()) as { keys: Array<Record<string, unknown>> };
    assert.ok(jwks.keys.length >= 1);
    for (const key of jwks.keys) {
      assert.equal(key.d, undefined);
      assert.equal(key.crv, 'Ed25519');
      assert.equal(typeof key.kid, 'string');
    }
    const { login } = await system.client().Login({ email: customer.email, password: customer.password });
    assert.deepEqual(await system.client().Logout({ refreshToken: login.refreshToken }), { logout: true });
    await assert.rejects(system.client().RefreshSession({ refreshToken: login.refreshToken }), /expired or was revoked/);
    assert.deepEqual(await system.client().Logout({ refreshToken: login.refreshToken }), { logout: true }, 'logging out twice is harmless');
    assert.deepEqual(await system.client().Logout({ refreshToken: 'not-a-token' }), { logout: false });
    // The customer's other session is untouched.
    assert.ok((await system.client().RefreshSession({ refreshToken: customer.refreshToken })).refreshSession.accessToken);
  });
});
