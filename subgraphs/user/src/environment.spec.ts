import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadUserEnv } from './environment.js';

describe('user environment', () => {
  it('uses the documented admin defaults outside production', () => {
    const env = loadUserEnv({});
    assert.equal(env.ADMIN_EMAIL, 'admin@example.com');
    assert.equal(env.ADMIN_PASSWORD, 'admin-password-123');
  });

  it('refuses to start in production without the admin and JWT secrets, naming each', () => {
    assert.throws(
      () => loadUserEnv({ NODE_ENV: 'production' }),
      (error: Error) =>
        ['ADMIN_EMAIL', 'ADMIN_PASSWORD', 'JWT_SECRET'].every((name) => error.message.includes(`${name}: required in production`)),
    );
    const env = loadUserEnv({
      NODE_ENV: 'production',
      ADMIN_EMAIL: 'ops@shop.test',
      ADMIN_PASSWORD: 'a-long-admin-password',
      JWT_SECRET: 'j'.repeat(32),
    });
    assert.equal(env.ADMIN_EMAIL, 'ops@shop.test');
  });
});
