import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setBounded } from './bounded-map.js';

describe('setBounded', () => {
  it('keeps at most maxEntries, dropping the oldest; setting a key again makes it the newest', () => {
    const map = new Map<string, number>();
    setBounded(map, 'a', 1, 3);
    setBounded(map, 'b', 2, 3);
    setBounded(map, 'c', 3, 3);
    setBounded(map, 'a', 10, 3);
    assert.deepEqual([...map.keys()], ['b', 'c', 'a']);
    assert.equal(map.get('a'), 10);
    setBounded(map, 'd', 4, 3);
    assert.deepEqual([...map.keys()], ['c', 'a', 'd']);
  });
});
