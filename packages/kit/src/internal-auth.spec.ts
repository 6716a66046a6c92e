import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { GATEWAY_AUDIENCE, GatewayCredentials, InternalTrust, ServiceCredentials, serviceAudience } from './internal-auth.js';

const keys = { GATEWAY_TOKEN_SECRET: 'g'.repeat(40), SERVICE_TOKEN_SECRET: 's'.repeat(40) };
const now = () => Math.floor(Date.now() / 1000);
const hs256 = (secret: string, claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));

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
    };
    for (const [name, credential] of Object.entries(refused)) assert.equal(await product.verify(credential), null, name);
  });

  it('without the service secret (the gateway), nothing is taken as a service', async () => {
    const gatewaySide = new InternalTrust('product', { GATEWAY_TOKEN_SECRET: keys.GATEWAY_TOKEN_SECRET });
    assert.equal(await gatewaySide.verify(await new ServiceCredentials(keys.SERVICE_TOKEN_SECRET, 'order').for('product')), null);
  });
});
