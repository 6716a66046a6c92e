import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@shop/kit';
import { TEST_ENV, dropDatabases, internalHeaders, testDatabaseUrl } from '@shop/kit/testing';
import { outboxDrained, tapExchange } from '@shop/messaging/testing';
import { loadUserEnv, startUserService } from '../src/index.js';

const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { user { id } } }`;

describe('user.registered (real RabbitMQ, through the outbox)', () => {
  const databaseUrl = testDatabaseUrl('user');
  let service: Awaited<ReturnType<typeof startUserService>>;
  let tap: Awaited<ReturnType<typeof tapExchange>>;
  before(async () => {
    tap = await tapExchange('amqp://guest:guest@127.0.0.1:5672', TEST_ENV.EVENTS_EXCHANGE, createLogger('tap', 'silent'));
    service = await startUserService(loadUserEnv({ ...TEST_ENV, USER_PORT: '0', USER_DATABASE_URL: databaseUrl }), { prepare: true });
  });
  after(async () => {
    await service?.close();
    await tap?.close();
    await dropDatabases([databaseUrl]);
  });

  const register = async (email: string, correlationId: string) =>
    fetch(service.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId, ...(await internalHeaders()) },
      body: JSON.stringify({ query: REGISTER, variables: { input: { email, password: 'welcome-aboard', name: 'Newcomer' } } }),
    }).then((r) => r.json() as Promise<{ data: { register: { user: { id: string } } } | null; errors?: unknown[] }>);

  it('announces a registration once, with the request correlation id; a refused one announces nothing', async () => {
    const ok = await register('welcome@example.com', 'corr-welcome-1');
    const refused = await register('WELCOME@example.com', 'corr-welcome-2');
    assert.ok(refused.errors);
    // Both requests have returned, so whatever they wrote is in the outbox: once it is all published (confirmed)
    // and the tap has caught up, nothing more can come.
    await outboxDrained(service.orm);
    await tap.flush();
    assert.equal(tap.events.length, 1);
    const [event] = tap.events;
    assert.equal(event?.type, 'user.registered');
    assert.equal(event?.correlationId, 'corr-welcome-1');
    assert.deepEqual(event?.data, { userId: ok.data!.register.user.id, email: 'welcome@example.com', name: 'Newcomer' });
  });
});
