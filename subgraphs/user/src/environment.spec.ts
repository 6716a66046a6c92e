import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateSigningKey, publicJwk } from '@shop/kit';
import { loadUserEnv } from './environment.js';

describe('user environment', () => {
  it('uses the documented admin defaults outside production', () => {
    const env = loadUserEnv({});
    assert.equal(env.ADMIN_EMAIL, 'admin@example.com');
    assert.equal(env.ADMIN_PASSWORD, 'admin-password-123');
  });

  it('refuses to start in production without the admin, the signing key and the internal secrets, naming each', () => {
    const required = ['ADMIN_EMAIL', 'ADMIN_PASSWORD', 'USER_SIGNING_KEY', 'GATEWAY_TOKEN_SECRET', 'SERVICE_TOKEN_SECRET'];
    assert.throws(
      () => loadUserEnv({ NODE_ENV: 'production', KEYS_DIR: '/nonexistent' }),
      (error: Error) => required.every((name) => error.message.includes(`${name}: required in production`)),
    );
    const production = {
      NODE_ENV: 'production',
      ADMIN_EMAIL: 'ops@shop.test',
      ADMIN_PASSWORD: 'a-long-admin-password',
      USER_SIGNING_KEY: JSON.stringify(generateSigningKey()),
      GATEWAY_TOKEN_SECRET: 'g'.repeat(32),
      SERVICE_TOKEN_SECRET: 's'.repeat(32),
    };
    assert.equal(loadUserEnv(production).ADMIN_EMAIL, 'ops@shop.test');
    assert.throws(() => loadUserEnv({ ...production, USER_SIGNING_KEY: JSON.stringify(publicJwk(generateSigningKey())) }), /private key/);
    assert.throws(() => loadUserEnv({ ...production, USER_SIGNING_KEY: 'not json' }), /USER_SIGNING_KEY/);
  });
});
