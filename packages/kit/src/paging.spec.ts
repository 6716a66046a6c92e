import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppError } from './errors.js';
import { decodeCursor, encodeCursor, pageSize } from './paging.js';

describe('cursors', () => {
  it('round-trip the sort key', () => {
    assert.deepEqual(decodeCursor(encodeCursor(['Lamp', 'id-1']), 2), ['Lamp', 'id-1']);
  });

  it('reject cursors the API did not issue', () => {
    for (const bad of ['nope', encodeCursor(['only-one']), Buffer.from('{"a":1}').toString('base64url')]) {
      assert.throws(
        () => decodeCursor(bad, 2),
        (e: AppError) => e.extensions.code === 'BAD_USER_INPUT',
      );
    }
  });

  it('bound the page size', () => {
    assert.equal(pageSize(20), 20);
    for (const bad of [0, -1, 101, 1.5])
      assert.throws(
        () => pageSize(bad),
        (e: AppError) => e.extensions.code === 'BAD_USER_INPUT',
      );
  });
});
