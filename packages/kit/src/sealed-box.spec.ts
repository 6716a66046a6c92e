import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { aesKey, SealedBox, SealedBoxError } from './sealed-box.js';

describe('SealedBox', () => {
  const box = new SealedBox(randomBytes(32));

  it('opens what it sealed, and the sealed text does not contain the plain one', () => {
    const sealed = box.seal('tok_visa', 'order-1');
    assert.ok(!sealed.includes('tok_visa'));
    assert.notEqual(box.seal('tok_visa', 'order-1'), sealed, 'a fresh IV each time');
    assert.equal(box.open(sealed, 'order-1'), 'tok_visa');
  });

  it('refuses another context, another key and altered text', () => {
    const sealed = box.seal('tok_visa', 'order-1');
    assert.throws(() => box.open(sealed, 'order-2'), SealedBoxError);
    assert.throws(() => new SealedBox(randomBytes(32)).open(sealed, 'order-1'), SealedBoxError);
    const [v, iv, body, tag] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0]! ^= 1;
    assert.throws(() => box.open([v, iv, flipped.toString('base64url'), tag].join('.'), 'order-1'), SealedBoxError);
    assert.throws(() => box.open('tok_visa', 'order-1'), SealedBoxError);
  });

  it('takes a 32-byte key in base64 or base64url, nothing else', () => {
    const key = randomBytes(32);
    assert.deepEqual(aesKey.parse(key.toString('base64')), key);
    assert.deepEqual(aesKey.parse(key.toString('base64url')), key);
    assert.equal(aesKey.safeParse(randomBytes(16).toString('base64')).success, false);
    assert.equal(aesKey.safeParse('not a key at all, but forty-four characters!').success, false);
  });
});
