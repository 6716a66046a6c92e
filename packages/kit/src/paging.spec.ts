import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppError } from './errors.js';
import { decodeCursor, encodeCursor, pageSize } from './paging.js';

describe('cursors', () => {
  it('round-trip the sort key', () => {
    assert.deepEqual(decodeCursor(encodeCursor(['Lamp', 'id-1']), 2), ['Lamp', 'id-1']);
    const key = ['2026-01-02T03:04:05.000Z', 'ü/+ "quoted"', 42, null];
    assert.deepEqual(decodeCursor(encodeCursor(key), 4), key);
  });

  it('are opaque and URL-safe: base64url of the key, no padding', () => {
    const cursor = encodeCursor(['Lamp?', 'id-1']);
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    assert.doesNotMatch(cursor, /Lamp/);
    assert.equal(Buffer.from(cursor, 'base64url').toString('utf8'), '["Lamp?","id-1"]');
  });

  it('tell different keys apart', () => {
    assert.notEqual(encodeCursor(['a', 'id-1']), encodeCursor(['a', 'id-2']));
  });

  it('reject cursors the API did not issue', () => {
    const notAKey = ['nope', '', Buffer.from('not json').toString('base64url'), Buffer.from('"text"').toString('base64url')];
    const wrongArity = [encodeCursor(['only-one']), encodeCursor(['a', 'b', 'c']), encodeCursor([])];
    for (const bad of [...notAKey, ...wrongArity, Buffer.from('{"a":1}').toString('base64url')]) {
      assert.throws(
        () => decodeCursor(bad, 2),
        (e: AppError) =>
          e.extensions.code === 'BAD_USER_INPUT' &&
          JSON.stringify(e.extensions.fields) === JSON.stringify([{ field: 'after', message: 'is not a cursor this API issued' }]),
      );
    }
  });
});

describe('pageSize', () => {
  it('accepts 1 to the maximum, both ends included (default maximum 100)', () => {
    assert.equal(pageSize(1), 1);
    assert.equal(pageSize(20), 20);
    assert.equal(pageSize(100), 100);
    assert.equal(pageSize(5, 5), 5);
  });

  it('refuses what is out of range or not a whole number, naming the field and the bounds', () => {
    const cases: Array<[number, number | undefined]> = [
      [0, undefined],
      [-1, undefined],
      [101, undefined],
      [1.5, undefined],
      [Number.NaN, undefined],
      [Number.POSITIVE_INFINITY, undefined],
      [6, 5],
    ];
    for (const [bad, max] of cases)
      assert.throws(
        () => pageSize(bad, max),
        (e: AppError) =>
          e.extensions.code === 'BAD_USER_INPUT' &&
          JSON.stringify(e.extensions.fields) === JSON.stringify([{ field: 'first', message: `must be between 1 and ${max ?? 100}` }]),
        `first: ${bad}, max: ${max}`,
      );
  });
});
