import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundedNames, outcomeOf } from './metrics.js';

describe('boundedNames', () => {
  it('keeps the first names seen, names none `anonymous`, and counts later new names as `other`', () => {
    const label = boundedNames(2);
    assert.equal(label(null), 'anonymous');
    assert.equal(label(''), 'anonymous');
    assert.equal(label('Checkout'), 'Checkout');
    assert.equal(label('MyCart'), 'MyCart');
    assert.equal(label('Order42'), 'other');
    assert.equal(label('Checkout'), 'Checkout');
    assert.equal(label('MyCart'), 'MyCart');
  });

  it('never lets a thousand distinct names make more than limit + 2 label values', () => {
    const label = boundedNames(100);
    const values = new Set(Array.from({ length: 1000 }, (_, i) => label(`Op${i}`)));
    values.add(label(undefined));
    assert.equal(values.size, 102);
    assert.ok(values.has('other') && values.has('anonymous') && values.has('Op99') && !values.has('Op100'));
  });

  it('refuses names that are not GraphQL names or are very long, without spending a slot', () => {
    const label = boundedNames(1);
    assert.equal(label('x'.repeat(65)), 'other');
    assert.equal(label('a b'), 'other');
    assert.equal(label('Fine'), 'Fine');
  });
});

describe('outcomeOf', () => {
  it('is ok without errors, rejected for a refusal code (with it as reason), error otherwise', () => {
    assert.deepEqual(outcomeOf(undefined), { outcome: 'ok' });
    assert.deepEqual(outcomeOf([{ extensions: { code: 'RATE_LIMITED' } }]), { outcome: 'rejected', reason: 'RATE_LIMITED' });
    assert.deepEqual(outcomeOf([{ extensions: { code: 'INTERNAL_SERVER_ERROR' } }]), { outcome: 'error' });
    assert.deepEqual(outcomeOf([{}]), { outcome: 'error' });
  });
});
