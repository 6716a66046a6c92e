import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionException, DeadlockException, DriverException, LockWaitTimeoutException } from '@mikro-orm/core';
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
      const refusedOnSecond = new AggregateError(
        [new Error('something else went wrong'), withCode('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })],
        '',
      );
      assert.equal(classifyFailure(refusedOnSecond).why, 'ECONNREFUSED', 'not only when the first address refused');
    });

    it('every errno of a peer unreachable, refusing, resetting or timing out, named as the reason', () => {
      const codes = [
        'ECONNREFUSED',
        'ECONNRESET',
        'ETIMEDOUT',
        'EPIPE',
        'EHOSTUNREACH',
        'ENETUNREACH',
        'ENOTFOUND',
        'EAI_AGAIN',
        'ECONNABORTED',
        'UND_ERR_CONNECT_TIMEOUT',
        'UND_ERR_SOCKET',
      ];
      for (const code of codes)
        assert.deepEqual(classifyFailure(withCode('boom', { code })), {
          class: 'transient',
          why: code,
          infrastructure: true,
          message: 'boom',
        });
    });

    it('Postgres shutting down, not accepting connections, or a connection exception (57P01, 57P03, 08xxx)', () => {
      for (const code of ['57P01', '57P02', '57P03', '08006', '08001', '08P01', '53300', '55P03'])
        assert.equal(classOf(withCode('server says no', { code })), 'transient', code);
    });

    it('lock and serialization conflicts (40001, 40P01)', () => {
      assert.equal(classifyFailure(withCode('could not serialize access', { code: '40001' })).why, 'sqlstate 40001');
      assert.equal(classOf(withCode('deadlock detected', { code: '40P01' })), 'transient');
      assert.equal(classOf(new DeadlockException(withCode('deadlock detected', { code: '40P01' }))), 'transient');
      // By class alone, whatever the driver error inside said.
      const transientAs = (why: string) => ({ class: 'transient', why, infrastructure: true });
      const { message: _m1, ...deadlock } = classifyFailure(new DeadlockException(new Error('deadlock detected')));
      assert.deepEqual(deadlock, transientAs('DeadlockException'));
      const { message: _m2, ...lockWait } = classifyFailure(new LockWaitTimeoutException(new Error('lock timeout')));
      assert.deepEqual(lockWait, transientAs('LockWaitTimeoutException'));
    });

    it('the pg client losing its socket and knex giving up waiting for a connection', () => {
      assert.equal(classOf(new Error('Connection terminated unexpectedly')), 'transient');
      assert.equal(classOf(new Error('Connection ended unexpectedly')), 'transient');
      assert.equal(classOf(new Error('Connection terminated')), 'transient');
      assert.equal(classOf(new Error('Connection terminated due to connection timeout')), 'transient');
      const queryTimeout = withCode('Defined query timeout of 5000ms exceeded when running query.', { name: 'KnexTimeoutError' });
      assert.deepEqual(classifyFailure(queryTimeout), {
        class: 'transient',
        why: 'KnexTimeoutError',
        infrastructure: true,
        message: queryTimeout.message,
      });
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
      assert.equal(classOf(new Error('Connection is closed')), 'transient');
      assert.equal(classOf(new Error("Stream isn't writeable and enableOfflineQueue options is false")), 'transient');
    });

    it('a handler asking to wait (RetryLater), also as the cause of another error', () => {
      assert.equal(classOf(new RetryLater('payment in progress')), 'transient');
      assert.equal(classifyFailure(new RetryLater('payment in progress')).infrastructure, false, 'no reason to pause the consumer');
      assert.equal(classifyFailure(withCode('connect ECONNREFUSED', { code: 'ECONNREFUSED' })).infrastructure, true);
      assert.equal(classOf(new Error('outer', { cause: new RetryLater('inner') })), 'transient');
    });

    it('gives a matching message as the reason, cut to 80 characters', () => {
      const prefix = 'Connection terminated unexpectedly ';
      const why = classifyFailure(new Error(`${prefix}${'x'.repeat(200)}`)).why;
      assert.equal(why, `${prefix}${'x'.repeat(80 - prefix.length)}`);
    });

    it('looks through up to five wrapping errors, and ends on causes that loop', () => {
      const wrapped = (wrappers: number) => {
        let error: Error = withCode('connect ECONNREFUSED', { code: 'ECONNREFUSED' });
        for (let i = 0; i < wrappers; i += 1) error = new Error(`wrapper ${i}`, { cause: error });
        return error;
      };
      assert.equal(classOf(wrapped(5)), 'transient');
      assert.equal(classOf(wrapped(6)), 'unknown');
      const loop = new Error('outer');
      loop.cause = new Error('inner', { cause: loop });
      assert.equal(classOf(loop), 'unknown');
      const aggregateLoop = new AggregateError([], 'every address failed');
      aggregateLoop.errors.push(new AggregateError([aggregateLoop], 'inner'));
      assert.equal(classOf(aggregateLoop), 'unknown');
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
      assert.deepEqual(classifyFailure(failure), {
        class: 'poison',
        why: 'permanent',
        infrastructure: false,
        message: 'order has no payment token',
      });
      assert.equal(String(failure), 'PermanentFailure: order has no payment token', 'as logs show it');
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
      assert.equal(classOf(null), 'unknown');
    });

    it('names the error class (or the type of what was thrown) and never slows the consumer down', () => {
      assert.deepEqual(classifyFailure(new TypeError('x is undefined')), {
        class: 'unknown',
        why: 'TypeError',
        infrastructure: false,
        message: 'x is undefined',
      });
      assert.deepEqual(classifyFailure('a string'), { class: 'unknown', why: 'string', infrastructure: false, message: 'a string' });
    });

    it('codes and messages that only look like the transient ones', () => {
      for (const code of ['X40001', '400010', '080000']) assert.equal(classOf(withCode('x', { code })), 'unknown', `code ${code}`);
      // An HTTP answer, not a network failure.
      for (const message of ['fetch failed with status 400', 'prefetch failed'])
        assert.equal(classOf(new Error(message)), 'unknown', message);
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

describe('backoffDelay defaults', () => {
  it('start at 250 ms and stop growing at 30 s', () => {
    assert.equal(
      backoffDelay(1, undefined, () => 1),
      250,
    );
    assert.equal(
      backoffDelay(20, undefined, () => 1),
      30_000,
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
