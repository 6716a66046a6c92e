import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { commonEnv, EnvironmentError, internalKeysEnv, loadEnv, port, postgresUrl, requireInProduction } from './env.js';

const schema = z
  .object({ SOME_PORT: port(4001), SOME_DATABASE_URL: postgresUrl('shop_x') })
  .and(commonEnv)
  .and(internalKeysEnv)
  .transform(requireInProduction(['GATEWAY_TOKEN_SECRET']));

describe('loadEnv', () => {
  it('applies documented defaults', () => {
    const env = loadEnv(schema, {});
    assert.equal(env.SOME_PORT, 4001);
    assert.equal(env.SOME_DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/shop_x');
    assert.equal(env.NODE_ENV, 'development');
    // A development secret, made once under var/keys (KEYS_DIR), never a value from the source.
    assert.ok(env.GATEWAY_TOKEN_SECRET.length >= 32);
    assert.equal(loadEnv(schema, {}).GATEWAY_TOKEN_SECRET, env.GATEWAY_TOKEN_SECRET);
  });

  it('migrates on start unless MIGRATE_ON_START says otherwise', () => {
    assert.equal(loadEnv(schema, {}).MIGRATE_ON_START, true);
    assert.equal(loadEnv(schema, { MIGRATE_ON_START: 'false' }).MIGRATE_ON_START, false);
    assert.equal(loadEnv(schema, { MIGRATE_ON_START: '0' }).MIGRATE_ON_START, false);
    // A typo must not silently migrate (or not): it is refused like any other bad value.
    assert.throws(() => loadEnv(schema, { MIGRATE_ON_START: 'no' }), /MIGRATE_ON_START/);
  });

  it('names every bad variable at once', () => {
    try {
      loadEnv(schema, { SOME_PORT: 'eighty', SOME_DATABASE_URL: 'mysql://x/y', LOG_LEVEL: 'loud', GATEWAY_TOKEN_SECRET: 'short' });
      assert.fail('expected an error');
    } catch (error) {
      assert.ok(error instanceof EnvironmentError);
      const names = error.problems.map((p) => p.split(':')[0]);
      for (const name of ['SOME_PORT', 'SOME_DATABASE_URL', 'LOG_LEVEL', 'GATEWAY_TOKEN_SECRET'])
        assert.ok(names.includes(name), `${name} in ${names}`);
    }
  });

  it('requires the secrets in production, and two different ones', () => {
    assert.throws(() => loadEnv(schema, { NODE_ENV: 'production' }), /GATEWAY_TOKEN_SECRET: required in production/);
    const production = { NODE_ENV: 'production', GATEWAY_TOKEN_SECRET: 's'.repeat(32) };
    assert.equal(loadEnv(schema, production).GATEWAY_TOKEN_SECRET, 's'.repeat(32));
    assert.throws(() => loadEnv(schema, { ...production, SERVICE_TOKEN_SECRET: 's'.repeat(32) }), /must differ/);
  });
});
