import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VerifiedCache } from './verified-cache.js';

describe('VerifiedCache', () => {
  const clock = (start = 1_000_000) => {
    let t = start;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('returns what was stored for the same token only', () => {
    const c = clock();
    const cache = new VerifiedCache<string>(10, 60_000, c.now);
    cache.set('token-a', 'alice', c.now() / 1000 + 600);
    assert.equal(cache.get('token-a'), 'alice');
    assert.equal(cache.get('token-b'), undefined);
  });

  it('forgets a token when it expires, even inside the maximum age', () => {
    const c = clock();
    const cache = new VerifiedCache<string>(10, 60_000, c.now);
    cache.set('t', 'v', c.now() / 1000 + 5);
    c.advance(4_999);
    assert.equal(cache.get('t'), 'v');
    c.advance(1);
    assert.equal(cache.get('t'), undefined);
    assert.equal(cache.size, 0);
  });

  it('forgets a token after the maximum age, even before it expires', () => {
    const c = clock();
    const cache = new VerifiedCache<string>(10, 60_000, c.now);
    cache.set('t', 'v', c.now() / 1000 + 3600);
    c.advance(59_999);
    assert.equal(cache.get('t'), 'v');
    c.advance(1);
    assert.equal(cache.get('t'), undefined);
  });

  it('keeps a token without an expiry for the maximum age only', () => {
    const c = clock();
    const cache = new VerifiedCache<string>(10, 60_000, c.now);
    cache.set('t', 'v', undefined);
    c.advance(59_999);
    assert.equal(cache.get('t'), 'v');
    c.advance(1);
    assert.equal(cache.get('t'), undefined);
  });

  it('does not keep a token that has already expired', () => {
    const c = clock();
    const cache = new VerifiedCache<string>(10, 60_000, c.now);
    cache.set('t', 'v', c.now() / 1000);
    assert.equal(cache.size, 0);
    assert.equal(cache.get('t'), undefined);
  });

  it('holds at most maxEntries, dropping the oldest first', () => {
    const c = clock();
    const cache = new VerifiedCache<number>(3, 60_000, c.now);
    for (let i = 0; i < 4; i += 1) cache.set(`t${i}`, i, undefined);
    assert.equal(cache.size, 3);
    assert.equal(cache.get('t0'), undefined);
    assert.deepEqual([cache.get('t1'), cache.get('t2'), cache.get('t3')], [1, 2, 3]);
    // Storing a token again makes it the newest.
    cache.set('t1', 10, undefined);
    cache.set('t4', 4, undefined);
    assert.equal(cache.get('t2'), undefined);
    assert.equal(cache.get('t1'), 10);
  });
});
