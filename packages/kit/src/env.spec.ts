import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { commonEnv, EnvironmentError, loadEnv, port, postgresUrl, requireInProduction } from './env.js';

const schema = z
  .object({ SOME_PORT: port(4001), SOME_DATABASE_URL: postgresUrl('shop_x') })
  .and(commonEnv)
  .transform(requireInProduction());

describe('loadEnv', () => {
  it('applies documented defaults', () => {
    const env = loadEnv(schema, {});
    assert.equal(env.SOME_PORT, 4001);
    assert.equal(env.SOME_DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/shop_x');
    assert.equal(env.NODE_ENV, 'development');
    assert.ok(env.JWT_SECRET.length >= 32);
  });

  it('names every bad variable at once', () => {
    try {
      loadEnv(schema, { SOME_PORT: 'eighty', SOME_DATABASE_URL: 'mysql://x/y', LOG_LEVEL: 'loud', JWT_SECRET: 'short' });
      assert.fail('expected an error');
    } catch (error) {
      assert.ok(error instanceof EnvironmentError);
      const names = error.problems.map((p) => p.split(':')[0]);
      for (const name of ['SOME_PORT', 'SOME_DATABASE_URL', 'LOG_LEVEL', 'JWT_SECRET'])
        assert.ok(names.includes(name), `${name} in ${names}`);
    }
  });

  it('requires JWT_SECRET in production', () => {
    assert.throws(() => loadEnv(schema, { NODE_ENV: 'production' }), /JWT_SECRET: required in production/);
    assert.equal(loadEnv(schema, { NODE_ENV: 'production', JWT_SECRET: 's'.repeat(32) }).JWT_SECRET, 's'.repeat(32));
  });
});
