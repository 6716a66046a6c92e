import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenService, requireAdmin, requireCaller } from './auth.js';
import type { AppError } from './errors.js';

const config = { JWT_SECRET: 'x'.repeat(40), JWT_ISSUER: 'shop-user', JWT_AUDIENCE: 'shop' };
const tokens = new TokenService(config);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('TokenService', () => {
  it('verifies a token it issued', async () => {
    const issuedFrom = Math.floor(Date.now() / 1000);
    const token = await tokens.issue({ userId: 'u1', role: 'ADMIN' }, 60);
    const caller = await tokens.verify(token);
    const expiresAt = caller?.expiresAt ?? 0;
    assert.ok(expiresAt >= issuedFrom + 60 && expiresAt <= Math.floor(Date.now() / 1000) + 60, `expiresAt ${expiresAt}`);
    assert.deepEqual(caller, { userId: 'u1', role: 'ADMIN', expiresAt });
    assert.deepEqual(await tokens.fromAuthorization(`Bearer ${token}`), { userId: 'u1', role: 'ADMIN', expiresAt });
  });

  it('treats garbage, expired, foreign and unsigned tokens as anonymous', async () => {
    const expired = await tokens.issue({ userId: 'u1', role: 'CUSTOMER' }, -10);
    const otherKey = await new TokenService({ ...config, JWT_SECRET: 'y'.repeat(40) }).issue({ userId: 'u1', role: 'ADMIN' }, 60);
    const otherAudience = await new TokenService({ ...config, JWT_AUDIENCE: 'elsewhere' }).issue({ userId: 'u1', role: 'ADMIN' }, 60);
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u1', role: 'ADMIN', iss: 'shop-user', aud: 'shop', iat: now, exp: now + 60 })}.`;
    for (const token of ['garbage', 'a.b.c', expired, otherKey, otherAudience, unsigned]) {
      assert.equal(await tokens.verify(token), null, token);
    }
    assert.equal(await tokens.fromAuthorization('Basic abc'), null);
    assert.equal(await tokens.fromAuthorization(undefined), null);
  });

  it('refuses a token whose payload was edited', async () => {
    const token = await tokens.issue({ userId: 'u1', role: 'CUSTOMER' }, 60);
    const [header, , signature] = token.split('.');
    const forged = `${header}.${b64({ sub: 'u1', role: 'ADMIN', iss: 'shop-user', aud: 'shop', iat: 1, exp: 9_999_999_999 })}.${signature}`;
    assert.equal(await tokens.verify(forged), null);
  });
});

describe('role guards', () => {
  it('sends anonymous callers UNAUTHENTICATED and customers FORBIDDEN', () => {
    assert.throws(
      () => requireCaller(null),
      (e: AppError) => e.extensions.code === 'UNAUTHENTICATED',
    );
    assert.throws(
      () => requireAdmin(null),
      (e: AppError) => e.extensions.code === 'UNAUTHENTICATED',
    );
    assert.throws(
      () => requireAdmin({ userId: 'u', role: 'CUSTOMER' }),
      (e: AppError) => e.extensions.code === 'FORBIDDEN',
    );
    assert.equal(requireAdmin({ userId: 'u', role: 'ADMIN' }).userId, 'u');
  });
});
