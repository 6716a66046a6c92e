import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import {
  GATEWAY_AUDIENCE,
  GatewayCredentials,
  INTERNAL_CREDENTIAL_HEADER,
  InternalTrust,
  ServiceCredentials,
  serviceAudience,
} from './internal-auth.js';

const keys = { GATEWAY_TOKEN_SECRET: 'g'.repeat(40), SERVICE_TOKEN_SECRET: 's'.repeat(40) };
const now = () => Math.floor(Date.now() / 1000);
const hs256 = (secret: string, claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
/** A gateway credential padded (with an extra claim) to exactly `length` characters. */
async function gatewayCredentialOfLength(length: number): Promise<string> {
  const sign = (pad: number) =>
    hs256(keys.GATEWAY_TOKEN_SECRET, { iat: now(), exp: now() + 60, iss: 'gateway', aud: GATEWAY_AUDIENCE, pad: 'p'.repeat(pad) });
  // Each padding character adds 4/3 of a base64url character: start just short of the length and step up.
  const unpadded = (await sign(0)).length;
  for (let pad = Math.max(0, Math.floor(((length - unpadded) * 3) / 4) - 2); ; pad += 1) {
    const token = await sign(pad);
    if (token.length === length) return token;
    if (token.length > length) throw new Error(`no padding gives a credential of ${length} characters`);
  }
}

describe('internal credentials', () => {
  const product = new InternalTrust('product', keys);

  it('admits the gateway and a service calling this service, and tells them apart', async () => {
    assert.deepEqual(await product.verify(await new GatewayCredentials(keys.GATEWAY_TOKEN_SECRET).get()), { kind: 'gateway' });
    const order = new ServiceCredentials(keys.SERVICE_TOKEN_SECRET, 'order');
    assert.deepEqual(await product.verify(await order.for('product')), { kind: 'service', service: 'order' });
  });

  it('refuses anything else', async () => {
    const valid = { iat: now(), exp: now() + 60 };
    const refused = {
      none: undefined,
      empty: '',
      array: ['a', 'b'],
      garbage: 'x.y.z',
      serviceForAnotherCallee: await new ServiceCredentials(keys.SERVICE_TOKEN_SECRET, 'order').for('cart'),
      // The gateway's secret cannot make a service credential, nor the services' a gateway one with another audience.
      gatewayKeyAsService: await hs256(keys.GATEWAY_TOKEN_SECRET, { ...valid, iss: 'order', aud: serviceAudience('product') }),
      serviceClaimingGateway: await hs256(keys.SERVICE_TOKEN_SECRET, { ...valid, iss: 'gateway', aud: serviceAudience('product') }),
      otherSecret: await hs256('o'.repeat(40), { ...valid, iss: 'gateway', aud: GATEWAY_AUDIENCE }),
      expired: await hs256(keys.GATEWAY_TOKEN_SECRET, { iat: now() - 600, exp: now() - 300, iss: 'gateway', aud: GATEWAY_AUDIENCE }),
      noExpiry: await hs256(keys.GATEWAY_TOKEN_SECRET, { iat: now(), iss: 'gateway', aud: GATEWAY_AUDIENCE }),
      serviceNoExpiry: await hs256(keys.SERVICE_TOKEN_SECRET, { iat: now(), iss: 'order', aud: serviceAudience('product') }),
      serviceNoIssuer: await hs256(keys.SERVICE_TOKEN_SECRET, { ...valid, aud: serviceAudience('product') }),
      // Checked before any signature work: a header this long is not one of ours.
      oversized: await gatewayCredentialOfLength(2049),
    };
    for (const [name, credential] of Object.entries(refused)) assert.equal(await product.verify(credential), null, name);
    assert.deepEqual(await product.verify(await gatewayCredentialOfLength(2048)), { kind: 'gateway' }, 'up to 2048 characters is fine');
  });

  it('travel as short-lived HS256 JWTs in x-shop-internal, as the README documents', async () => {
    // Lower case: node hands request headers over in lower case.
    assert.equal(INTERNAL_CREDENTIAL_HEADER, 'x-shop-internal');
    const gateway = await new GatewayCredentials(keys.GATEWAY_TOKEN_SECRET).get();
    const service = await new ServiceCredentials(keys.SERVICE_TOKEN_SECRET, 'order').for('product');
    for (const token of [gateway, service]) assert.deepEqual(decodeProtectedHeader(token), { alg: 'HS256', typ: 'JWT' });
    const claims = (token: string) => {
      const { iss, sub, aud, iat = 0, exp = 0 } = decodeJwt(token);
      return { iss, sub, aud, lifetimeSeconds: exp - iat };
    };
    assert.deepEqual(claims(gateway), { iss: 'gateway', sub: 'gateway', aud: 'shop-subgraphs', lifetimeSeconds: 120 });
    assert.deepEqual(claims(service), { iss: 'order', sub: 'order', aud: 'shop-service:product', lifetimeSeconds: 120 });
  });

  it('re-uses a credential for the first half of its life, then mints a fresh one', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-01-02T03:04:05Z') });
    const gateway = new GatewayCredentials(keys.GATEWAY_TOKEN_SECRET);
    const first = await gateway.get();
    t.mock.timers.tick(59_999);
    assert.equal(await gateway.get(), first, 'still the same credential just before a minute');
    t.mock.timers.tick(1);
    const second = await gateway.get();
    assert.equal(decodeJwt(second).iat, decodeJwt(first).iat! + 60, 'a new one after a minute');
    assert.deepEqual(await product.verify(second), { kind: 'gateway' });
    t.mock.timers.tick(30_000);
    assert.equal(await gateway.get(), second);
  });

  it('fails loudly, rather than refusing everyone quietly, when its own key is unusable', async () => {
    const misconfigured = new InternalTrust('product', { GATEWAY_TOKEN_SECRET: '' });
    await assert.rejects(misconfigured.verify(await new GatewayCredentials(keys.GATEWAY_TOKEN_SECRET).get()), /Zero-length key/);
  });

  it('never lets a service call itself "gateway"', () => {
    assert.throws(() => new ServiceCredentials(keys.SERVICE_TOKEN_SECRET, 'gateway'), /^Error: "gateway" is not a service name$/);
  });

  it('without the service secret (the gateway), nothing is taken as a service', async () => {
    const gatewaySide = new InternalTrust('product', { GATEWAY_TOKEN_SECRET: keys.GATEWAY_TOKEN_SECRET });
    assert.equal(await gatewaySide.verify(await new ServiceCredentials(keys.SERVICE_TOKEN_SECRET, 'order').for('product')), null);
  });
});
