import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ShopApiError } from '@shop/sdk';
import { ADMIN, codesOf, startSystem, type System } from './system.js';

describe('accounts through the gateway', () => {
  let system: System;
  before(async () => {
    system = await startSystem();
  });
  after(async () => {
    await system?.close();
  });

  it('register signs the user in: me is that user', async () => {
    const email = `Ada.${Date.now()}@Example.com`;
    const { register } = await system.client().Register({ input: { email, password: 'analytical-engine', name: 'Ada Lovelace' } });
    assert.equal(register.user.email, email);
    assert.equal(register.user.role, 'CUSTOMER');
    assert.ok(register.expiresIn > 0 && register.expiresIn <= 900);
    const { me } = await system.client(register.accessToken).Me();
    assert.deepEqual(me, register.user);
  });

  it('refuses a second account for the same e-mail in any case', async () => {
    const user = await system.signUp('Case Tester');
    const variants = [user.email, user.email.toUpperCase(), ` ${user.email.replace(/^./, (c) => c.toUpperCase())} `];
    for (const email of variants) {
      assert.deepEqual(
        await codesOf(system.client().Register({ input: { email, password: 'another-password', name: 'Dup' } })),
        ['CONFLICT'],
        email,
      );
    }
  });

  it('gives BAD_USER_INPUT for a bad e-mail or short password and creates nothing', async () => {
    const email = `short.${Date.now()}@example.com`;
    assert.deepEqual(await codesOf(system.client().Register({ input: { email: 'not-an-email', password: 'long-enough-pw', name: 'X' } })), [
      'BAD_USER_INPUT',
    ]);
    assert.deepEqual(await codesOf(system.client().Register({ input: { email, password: 'short', name: 'X' } })), ['BAD_USER_INPUT']);
    assert.deepEqual(await codesOf(system.client().Register({ input: { email, password: 'long-enough-pw', name: '  ' } })), [
      'BAD_USER_INPUT',
    ]);
    // Nothing was stored: the e-mail is still free.
    await system.client().Register({ input: { email, password: 'long-enough-pw', name: 'Now Valid' } });
  });

  it('logs in; a wrong password and an unknown e-mail fail identically', async () => {
    const user = await system.signUp('Login Tester');
    const { login } = await system.client().Login({ email: user.email.toUpperCase(), password: user.password });
    assert.equal(login.user.id, user.user.id);
    const wrong = await system
      .client()
      .Login({ email: user.email, password: 'wrong-password' })
      .catch((e: unknown) => e);
    const unknown = await system
      .client()
      .Login({ email: `nobody.${Date.now()}@example.com`, password: 'wrong-password' })
      .catch((e: unknown) => e);
    assert.ok(wrong instanceof ShopApiError && unknown instanceof ShopApiError);
    assert.equal(wrong.code, 'UNAUTHENTICATED');
    assert.deepEqual(
      wrong.errors.map((e) => [e.message, e.extensions]),
      unknown.errors.map((e) => [e.message, e.extensions]),
    );
  });

  it('rotates refresh tokens and revokes the session when an old one is reused', async () => {
    const user = await system.signUp('Refresh Tester');
    const first = (await system.client().RefreshSession({ refreshToken: user.refreshToken })).refreshSession;
    assert.notEqual(first.refreshToken, user.refreshToken);
    assert.equal((await system.client(first.accessToken).Me()).me?.id, user.user.id);
    // The original token was rotated away: presenting it again is reuse, and it kills the session...
    assert.deepEqual(await codesOf(system.client().RefreshSession({ refreshToken: user.refreshToken })), ['UNAUTHENTICATED']);
    // ...including the newest token of that session.
    assert.deepEqual(await codesOf(system.client().RefreshSession({ refreshToken: first.refreshToken })), ['UNAUTHENTICATED']);
    assert.deepEqual(await codesOf(system.client().RefreshSession({ refreshToken: 'garbage' })), ['UNAUTHENTICATED']);
  });

  it('does not let the session id that access tokens carry end the session: only a secret it issued is reuse', async () => {
    const user = await system.signUp('Session Holder');
    const claims = JSON.parse(Buffer.from(user.accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string };
    assert.equal(user.refreshToken.split('.')[0], claims.sid);
    const guessed = `${claims.sid}.${'A'.repeat(43)}`;
    assert.deepEqual(await codesOf(system.client().RefreshSession({ refreshToken: guessed })), ['UNAUTHENTICATED']);
    assert.deepEqual(await system.client().Logout({ refreshToken: guessed }), { logout: false });
    // The owner's session lives on.
    assert.ok((await system.client().RefreshSession({ refreshToken: user.refreshToken })).refreshSession.accessToken);
  });

  it('does not authenticate a garbage or forged token', async () => {
    assert.equal((await system.client('garbage.token.here').Me()).me, null);
    const user = await system.signUp('Forger');
    const [header, payload, signature] = user.accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'ADMIN' })).toString('base64url')}.${signature}`;
    assert.equal((await system.client(forged).Me()).me, null);
    assert.deepEqual(
      await codesOf(system.client(forged).CreateProduct({ input: { sku: 'FORGED-1', name: 'x', priceCents: 1, stock: 1 } })),
      ['UNAUTHENTICATED'],
    );
  });

  it('has the seeded admin', async () => {
    const { login } = await system.client().Login(ADMIN);
    assert.equal(login.user.role, 'ADMIN');
  });

  it('serves health and readiness, and blocks CSRF-able requests', async () => {
    const base = new URL(system.url);
    assert.equal((await fetch(new URL('/health', base))).status, 200);
    const ready = await fetch(new URL('/ready', base));
    assert.equal(ready.status, 200);
    const simple = await fetch(system.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"query":"{ me { id } }"}',
    });
    assert.equal(simple.status, 400);
  });
});
