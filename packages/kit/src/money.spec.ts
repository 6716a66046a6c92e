import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMoney, money } from './money.js';

describe('money', () => {
  it('formats integer cents without float drift', () => {
    assert.equal(formatMoney(1999, 'USD'), '$19.99');
    assert.equal(formatMoney(0, 'USD'), '$0.00');
    assert.equal(formatMoney(123456789, 'USD'), '$1,234,567.89');
    assert.equal(formatMoney(1000, 'JPY'), '¥1,000');
    assert.deepEqual({ ...money(250, 'EUR') }, { amountCents: 250, currency: 'EUR', formatted: '€2.50' });
  });
});
