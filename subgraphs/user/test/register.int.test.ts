import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { removeExchange } from '@shop/messaging/testing';
import { dropDatabases, postGraphQL, TEST_ENV, testDatabaseUrl } from '@shop/kit/testing';
import { loadUserEnv, startUserService } from '../src/index.js';
import { User } from '../src/modules/user/user.entity.js';
import { Session } from '../src/modules/user/session.entity.js';

const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { refreshToken user { id email } } }`;
const REFRESH = `mutation ($t: String!) { refreshSession(refreshToken: $t) { refreshToken } }`;

describe('user subgraph (real Postgres)', () => {
  const databaseUrl = testDatabaseUrl('user');
  let service: Awaited<ReturnType<typeof startUserService>>;
  before(async () => {
    service = await startUserService(loadUserEnv({ ...TEST_ENV, USER_PORT: '0', USER_DATABASE_URL: databaseUrl }), { prepare: true });
  });
  after(async () => {
    await service?.close();
    await dropDatabases([databaseUrl]);
    await removeExchange(RABBITMQ_URL, TEST_ENV.EVENTS_EXCHANGE);
  });

  const call = (query: string, variables: object) =>
    postGraphQL<{
      data: Record<string, { refreshToken: string }> | null;
      errors?: Array<{ extensions: { code: string } }>;
    }>(service.server.url, query, variables);

  it('stores an Argon2id hash, never the password', async () => {
    await call(REGISTER, { input: { email: 'hash@example.com', password: 'plain-text-secret', name: 'Hash' } });
    const user = await service.orm.em.fork().findOneOrFail(User, { emailKey: 'hash@example.com' });
    assert.match(user.passwordHash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.ok(!user.passwordHash.includes('plain-text-secret'));
  });

  it('lets exactly one of 8 concurrent registrations of one e-mail through', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call(REGISTER, { input: { email: i % 2 ? 'RACE@example.com' : 'race@example.com', password: 'race-password', name: `R${i}` } }),
      ),
    );
    const codes = results.map((r) => r.errors?.[0]?.extensions.code ?? 'OK').sort();
    assert.deepEqual(codes, ['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'OK']);
    assert.equal(await service.orm.em.fork().count(User, { emailKey: 'race@example.com' }), 1);
  });

  it('answers a login with an unknown e-mail exactly as one with a wrong password', async () => {
    await call(REGISTER, { input: { email: 'known@example.com', password: 'known-password', name: 'Known' } });
    const LOGIN = `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { refreshToken } }`;
    const unknown = await call(LOGIN, { e: 'nobody@example.com', p: 'known-password' });
    const wrong = await call(LOGIN, { e: 'known@example.com', p: 'wrong-password' });
    assert.equal(wrong.errors?.[0]?.extensions.code, 'UNAUTHENTICATED');
    assert.deepEqual(unknown, wrong);
  });

  it('keeps only a hash of the refresh secret, and the same token refreshed twice at once rotates once', async () => {
    const registered = await call(REGISTER, { input: { email: 'rotate@example.com', password: 'rotate-password', name: 'Rot' } });
    const token = registered.data!.register!.refreshToken;
    const session = await service.orm.em.fork().findOneOrFail(Session, { id: token.split('.')[0]! });
    assert.ok(!token.endsWith(session.tokenHash) && session.tokenHash.length === 64);
    const [a, b] = await Promise.all([call(REFRESH, { t: token }), call(REFRESH, { t: token })]);
    const outcomes = [a, b].map((r) => r.errors?.[0]?.extensions.code ?? 'OK').sort();
    // The loser presented an already-rotated token: that is reuse, so the session ends.
    assert.deepEqual(outcomes, ['OK', 'UNAUTHENTICATED']);
    const after = await service.orm.em.fork().findOneOrFail(Session, { id: session.id });
    assert.ok(after.revokedAt);
  });
});
