import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { removeExchange } from '@shop/messaging/testing';
import { dropDatabases, postGraphQL, TEST_ENV, testDatabaseUrl } from '@shop/kit/testing';
import { loadUserEnv, startUserService } from '../src/index.js';
import { Session } from '../src/modules/user/session.entity.js';
import { User } from '../src/modules/user/user.entity.js';

const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { user { id role } } }`;
const LOGIN = `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { refreshToken user { role } } }`;
const REFRESH = `mutation ($t: String!) { refreshSession(refreshToken: $t) { refreshToken } }`;

interface Reply {
  data: { login?: { refreshToken: string; user: { role: string } }; register?: { user: { id: string; role: string } } } | null;
  errors?: Array<{ message: string; extensions: { code: string } }>;
}

describe('admin seeder (real Postgres)', () => {
  const databaseUrl = testDatabaseUrl('user');
  let service: Awaited<ReturnType<typeof startUserService>> | undefined;
  const start = async (admin: { email: string; password: string }) => {
    await service?.close();
    service = undefined;
    service = await startUserService(
      loadUserEnv({
        ...TEST_ENV,
        USER_PORT: '0',
        USER_DATABASE_URL: databaseUrl,
        ADMIN_EMAIL: admin.email,
        ADMIN_PASSWORD: admin.password,
      }),
      { prepare: true },
    );
    return service;
  };
  const call = (query: string, variables: object) => postGraphQL<Reply>(service!.server.url, query, variables);
  after(async () => {
    await service?.close();
    await dropDatabases([databaseUrl]);
    await removeExchange(RABBITMQ_URL, TEST_ENV.EVENTS_EXCHANGE);
  });

  it('creates the admin it was given, and signs it in', async () => {
    await start({ email: 'root@example.com', password: 'first-admin-password' });
    const login = await call(LOGIN, { e: 'root@example.com', p: 'first-admin-password' });
    assert.equal(login.data?.login?.user.role, 'ADMIN');
    const user = await service!.orm.em.fork().findOneOrFail(User, { emailKey: 'root@example.com' });
    assert.equal(user.seededAdmin, true);
  });

  it('refuses to start, and promotes nobody, when ADMIN_EMAIL belongs to an account someone registered', async () => {
    const registered = await call(REGISTER, { input: { email: 'Squatter@example.com', password: 'squatter-password', name: 'Sq' } });
    assert.equal(registered.data?.register?.user.role, 'CUSTOMER');
    await assert.rejects(start({ email: 'squatter@example.com', password: 'admin-password-123' }), (error: Error) => {
      assert.match(error.message, /ADMIN_EMAIL squatter@example\.com belongs to an account the admin seeder did not create/);
      assert.match(error.message, /Set ADMIN_EMAIL to an address that has no account yet/);
      return true;
    });
    await start({ email: 'root@example.com', password: 'first-admin-password' });
    const login = await call(LOGIN, { e: 'squatter@example.com', p: 'squatter-password' });
    assert.equal(login.data?.login?.user.role, 'CUSTOMER');
  });

  it('applies a changed ADMIN_PASSWORD and ends the sessions opened with the old one', async () => {
    await start({ email: 'root@example.com', password: 'first-admin-password' });
    const before = await call(LOGIN, { e: 'root@example.com', p: 'first-admin-password' });
    const oldRefresh = before.data!.login!.refreshToken;
    await start({ email: 'root@example.com', password: 'second-admin-password' });
    assert.equal((await call(LOGIN, { e: 'root@example.com', p: 'first-admin-password' })).errors?.[0]?.extensions.code, 'UNAUTHENTICATED');
    assert.equal((await call(LOGIN, { e: 'root@example.com', p: 'second-admin-password' })).data?.login?.user.role, 'ADMIN');
    assert.equal((await call(REFRESH, { t: oldRefresh })).errors?.[0]?.extensions.code, 'UNAUTHENTICATED');
    const session = await service!.orm.em.fork().findOneOrFail(Session, { id: oldRefresh.split('.')[0]! });
    assert.equal(session.revokedReason, 'admin password changed');
  });

  it('keeps the sessions when the password is unchanged', async () => {
    const current = await call(LOGIN, { e: 'root@example.com', p: 'second-admin-password' });
    await start({ email: 'root@example.com', password: 'second-admin-password' });
    assert.ok((await call(REFRESH, { t: current.data!.login!.refreshToken })).data);
  });
});
