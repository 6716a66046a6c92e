import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { amountTooLarge, DEFAULT_MAX_TOTAL_CENTS, formatMoney, MAX_MONEY_CENTS, money } from './money.js';

describe('money', () => {
  it('formats integer cents without float drift', () => {
    assert.equal(formatMoney(1999, 'USD'), '$19.99');
    assert.equal(formatMoney(0, 'USD'), '$0.00');
    assert.equal(formatMoney(1, 'USD'), '$0.01');
    assert.equal(formatMoney(10, 'USD'), '$0.10');
    assert.equal(formatMoney(29, 'USD'), '$0.29');
    assert.equal(formatMoney(123456789, 'USD'), '$1,234,567.89');
    assert.equal(formatMoney(-250, 'USD'), '-$2.50');
    assert.deepEqual({ ...money(250, 'EUR') }, { amountCents: 250, currency: 'EUR', formatted: '€2.50' });
  });

  it('uses the minor unit of each currency', () => {
    assert.equal(formatMoney(1000, 'JPY'), '¥1,000');
    assert.match(formatMoney(1234, 'KWD'), /^KWD\s1\.234$/); // ICU puts a no-break space after the code
    assert.equal(formatMoney(1234, 'GBP'), '£12.34');
  });

  it('keeps one formatter per currency (a cached one never formats another currency)', () => {
    assert.equal(formatMoney(500, 'USD'), '$5.00');
    assert.equal(formatMoney(500, 'JPY'), '¥500');
    assert.equal(formatMoney(500, 'USD'), '$5.00');
  });

  it('formats the largest amounts the API can return', () => {
    assert.equal(MAX_MONEY_CENTS, 2 ** 31 - 1);
    assert.equal(formatMoney(MAX_MONEY_CENTS, 'USD'), '$21,474,836.47');
    assert.equal(DEFAULT_MAX_TOTAL_CENTS, 100_000_000);
    assert.ok(DEFAULT_MAX_TOTAL_CENTS <= MAX_MONEY_CENTS);
    assert.equal(formatMoney(DEFAULT_MAX_TOTAL_CENTS, 'USD'), '$1,000,000.00');
  });

  it('refuses too large an amount with BAD_USER_INPUT, naming the limit in the currency', () => {
    const error = amountTooLarge('The cart total', 100_000_000, 'USD');
    assert.equal(error.extensions.code, 'BAD_USER_INPUT');
    assert.equal(error.extensions.maxCents, 100_000_000);
    assert.equal(error.message, 'The cart total would exceed the maximum of $1,000,000.00; lower a quantity or remove a line');
    assert.match(amountTooLarge('This line', 5000, 'EUR').message, /^This line would exceed the maximum of €50\.00;/);
  });
});
