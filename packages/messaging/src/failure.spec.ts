import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionException, DeadlockException, DriverException } from '@mikro-orm/core';
import { AppError } from '@shop/kit';
import { ContractViolation } from './contracts.js';
import { backoffDelay, classifyFailure, consumerPrefetch, PermanentFailure, RetryLater } from './failure.js';

const withCode = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);
const classOf = (error: unknown) => classifyFailure(error).class;

describe('classifyFailure', () => {
  describe('transient: the infrastructure is down or busy', () => {
    it('the database refusing, resetting or timing out (errno codes, also nested in an AggregateError)', () => {
      for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'])
        assert.equal(classOf(withCode(`connect ${code} 127.0.0.1:5432`, { code, errno: code })), 'transient', code);
      const refusedEverywhere = new AggregateError([withCode('connect ECONNREFUSED ::1:5432', { code: 'ECONNREFUSED' })], '');
      assert.deepEqual(classifyFailure(refusedEverywhere).why, 'ECONNREFUSED');
    });

    it('Postgres shutting down, not accepting connections, or a connection exception (57P01, 57P03, 08xxx)', () => {
      for (const code of ['57P01', '57P03', '08006', '08001', '08P01', '53300'])
        assert.equal(classOf(withCode('server says no', { code })), 'transient', code);
    });

    it('lock and serialization conflicts (40001, 40P01)', () => {
      assert.equal(classifyFailure(withCode('could not serialize access', { code: '40001' })).why, 'sqlstate 40001');
      assert.equal(classOf(withCode('deadlock detected', { code: '40P01' })), 'transient');
      assert.equal(classOf(new DeadlockException(withCode('deadlock detected', { code: '40P01' }))), 'transient');
    });

    it('the pg client losing its socket and knex giving up waiting for a connection', () => {
      assert.equal(classOf(new Error('Connection terminated unexpectedly')), 'transient');
      assert.equal(classOf(new Error('Connection ended unexpectedly')), 'transient');
      const knexTimeout = withCode('Knex: Timeout acquiring a connection. The pool is probably full.', { name: 'KnexTimeoutError' });
      assert.equal(classOf(knexTimeout), 'transient');
      assert.equal(classOf(new Error('Knex: Timeout acquiring a connection. The pool is probably full.')), 'transient');
    });

    it('MikroORM connection exceptions, by class and wrapping a driver error', () => {
      assert.equal(classOf(new ConnectionException(new Error('could not connect'))), 'transient');
      const wrapped = new DriverException(withCode('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }));
      assert.equal(classOf(wrapped), 'transient');
    });

    it('a dependency unavailable or timing out: SERVICE_UNAVAILABLE, fetch failed, AbortError, TimeoutError', () => {
      assert.equal(classOf(new AppError('SERVICE_UNAVAILABLE', 'The cart service is not available right now')), 'transient');
      assert.equal(
        classOf(new TypeError('fetch failed', { cause: withCode('connect ECONNREFUSED', { code: 'ECONNREFUSED' }) })),
        'transient',
      );
      assert.equal(classOf(new DOMException('This operation was aborted', 'AbortError')), 'transient');
      assert.equal(classOf(new DOMException('The operation timed out', 'TimeoutError')), 'transient');
    });

    it('the broker or Redis gone', () => {
      assert.equal(classOf(new Error('not connected to the broker')), 'transient');
      assert.equal(classOf(new Error('Channel closed')), 'transient');
      assert.equal(classOf(new Error('Connection is closed.')), 'transient');
      assert.equal(classOf(new Error("Stream isn't writeable and enableOfflineQueue options is false")), 'transient');
    });

    it('a handler asking to wait (RetryLater), also as the cause of another error', () => {
      assert.equal(classOf(new RetryLater('payment in progress')), 'transient');
      assert.equal(classifyFailure(new RetryLater('payment in progress')).infrastructure, false, 'no reason to pause the consumer');
      assert.equal(classifyFailure(withCode('connect ECONNREFUSED', { code: 'ECONNREFUSED' })).infrastructure, true);
      assert.equal(classOf(new Error('outer', { cause: new RetryLater('inner') })), 'transient');
    });
  });

  describe('poison: dead-lettered at once', () => {
    it('a contract violation', () => {
      assert.deepEqual(classifyFailure(new ContractViolation('data.email: Invalid email')), {
        class: 'poison',
        why: 'contract',
        infrastructure: false,
        message: 'data.email: Invalid email',
      });
    });

    it('a PermanentFailure, even when its cause looks transient', () => {
      const failure = new PermanentFailure('order has no payment token', { cause: withCode('x', { code: 'ECONNRESET' }) });
      assert.equal(classifyFailure(failure).class, 'poison');
      assert.equal(classifyFailure(failure).why, 'permanent');
    });
  });

  describe('unknown: bounded retries', () => {
    it('plain errors, constraint violations, other AppErrors and non-errors', () => {
      assert.equal(classOf(new Error('no recipient known yet for user 42')), 'unknown');
      assert.equal(classOf(new TypeError("Cannot read properties of undefined (reading 'id')")), 'unknown');
      assert.equal(classOf(withCode('duplicate key value violates unique constraint', { code: '23505' })), 'unknown');
      assert.equal(classOf(new AppError('BAD_USER_INPUT', 'nope')), 'unknown');
      assert.equal(classOf('a string'), 'unknown');
      assert.equal(classOf(undefined), 'unknown');
    });
  });
});

describe('backoffDelay', () => {
  const options = { baseMs: 250, capMs: 30_000 };
  it('doubles from the base up to the cap, with half of each delay random', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((a) => backoffDelay(a, options, () => 1)),
      [250, 500, 1000, 2000],
    );
    assert.deepEqual(
      [1, 2, 3, 4].map((a) => backoffDelay(a, options, () => 0)),
      [125, 250, 500, 1000],
    );
    assert.equal(
      backoffDelay(8, options, () => 1),
      30_000,
    );
    assert.equal(
      backoffDelay(10_000, options, () => 1),
      30_000,
      'no overflow however long the outage',
    );
    assert.equal(
      backoffDelay(10_000, options, () => 0),
      15_000,
    );
  });
});

describe('consumerPrefetch', () => {
  it('never exceeds the pool minus the reserve, and is at least one', () => {
    assert.equal(consumerPrefetch(10), 8);
    assert.equal(consumerPrefetch(10, { prefetch: 20, reserve: 5 }), 5);
    assert.equal(consumerPrefetch(30, { prefetch: 8 }), 8);
    assert.equal(consumerPrefetch(2, { reserve: 4 }), 1);
  });
});
