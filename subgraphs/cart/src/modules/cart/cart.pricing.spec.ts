import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, type Money } from '@shop/kit';
import { priceCart, priceItem, type CartItemRepresentation } from './cart.pricing.js';

const MAX = 100_000_000;

const line = (id: string, quantity: number, live: [number, string] | null, added?: [number, string]): CartItemRepresentation => ({
  id,
  quantity,
  ...(added ? { priceWhenAdded: { amountCents: added[0], currency: added[1] } } : {}),
  product: live ? { price: { amountCents: live[0], currency: live[1] } } : null,
});

const asMoney = (value: Money | AppError | undefined) => {
  assert.ok(value && !(value instanceof AppError), `expected money, got ${String(value)}`);
  return { amountCents: value.amountCents, currency: value.currency, formatted: value.formatted };
};

const codeOf = (value: unknown) => (value instanceof AppError ? value.extensions.code : undefined);
const messageOf = (value: unknown) => (value instanceof AppError ? value.message : undefined);

describe('line pricing', () => {
  it('prices a line at the live price times its quantity', () => {
    const item = priceItem(line('l1', 3, [1250, 'USD'], [1250, 'USD']), MAX);
    assert.equal(item.quantity, 3);
    assert.deepEqual(asMoney(item.unitPrice), { amountCents: 1250, currency: 'USD', formatted: '$12.50' });
    assert.deepEqual(asMoney(item.lineTotal), { amountCents: 3750, currency: 'USD', formatted: '$37.50' });
    assert.equal(item.priceChanged, false);
  });

  it('says the price changed when the amount or the currency differs from when it was added', () => {
    assert.equal(priceItem(line('l1', 1, [1300, 'USD'], [1250, 'USD']), MAX).priceChanged, true);
    assert.equal(priceItem(line('l1', 1, [1250, 'EUR'], [1250, 'USD']), MAX).priceChanged, true);
    assert.equal(priceItem(line('l1', 1, [1250, 'EUR']), MAX).priceChanged, false);
  });

  it('gives a line above the maximum a coded error on its total alone', () => {
    const item = priceItem(line('l1', 2, [600, 'USD']), 1000);
    assert.equal(codeOf(item.lineTotal), 'BAD_USER_INPUT');
    assert.equal(messageOf(item.lineTotal), 'This line would exceed the maximum of $10.00; lower a quantity or remove a line');
    assert.equal(asMoney(item.unitPrice).amountCents, 600);
    assert.equal(asMoney(priceItem(line('l1', 2, [500, 'USD']), 1000).lineTotal).amountCents, 1000);
  });

  it('refuses to price a line whose live price is unavailable', () => {
    assert.throws(
      () => priceItem(line('l1', 1, null), MAX),
      (e: AppError) =>
        e.extensions.code === 'SERVICE_UNAVAILABLE' &&
        e.extensions.cartItemId === 'l1' &&
        e.message === 'The current price of a cart item is not available right now',
    );
  });
});

describe('cart pricing', () => {
  it('sums quantity times live price over the lines, in their currency', () => {
    const cart = priceCart(
      { id: 'c1', items: [line('a', 2, [999, 'EUR']), line('b', 1, [1, 'EUR']), line('c', 4, [250, 'EUR'])] },
      'USD',
      MAX,
    );
    assert.equal(cart.id, 'c1');
    assert.deepEqual(asMoney(cart.subtotal), { amountCents: 2999, currency: 'EUR', formatted: '€29.99' });
  });

  it('prices an empty cart at zero in the default currency', () => {
    assert.deepEqual(asMoney(priceCart({ id: 'c1', items: [] }, 'USD', MAX).subtotal), {
      amountCents: 0,
      currency: 'USD',
      formatted: '$0.00',
    });
    assert.deepEqual(asMoney(priceCart({ id: 'c1' }, 'GBP', MAX).subtotal).amountCents, 0);
  });

  it('refuses a cart whose lines are priced in different currencies, wherever the odd line is', () => {
    const carts = [
      [line('a', 1, [100, 'USD']), line('b', 1, [100, 'EUR'])],
      [line('a', 1, [100, 'USD']), line('b', 1, [100, 'USD']), line('c', 1, [100, 'JPY'])],
      [line('a', 1, [100, 'EUR']), line('b', 1, [100, 'USD']), line('c', 1, [100, 'USD'])],
    ];
    for (const items of carts)
      assert.throws(
        () => priceCart({ id: 'c1', items }, 'USD', MAX),
        (e: AppError) => e.extensions.code === 'CONFLICT' && e.message === 'The cart holds products priced in different currencies',
      );
  });

  it('takes the currency from the lines, not the default, even when the default is in none of them', () => {
    const cart = priceCart({ id: 'c1', items: [line('a', 1, [100, 'EUR']), line('b', 1, [100, 'EUR'])] }, 'USD', MAX);
    assert.equal(asMoney(cart.subtotal).currency, 'EUR');
  });

  it('gives a subtotal above the maximum a coded error, and accepts exactly the maximum', () => {
    assert.equal(asMoney(priceCart({ id: 'c1', items: [line('a', 2, [500, 'USD'])] }, 'USD', 1000).subtotal).amountCents, 1000);
    const over = priceCart({ id: 'c1', items: [line('a', 2, [500, 'USD']), line('b', 1, [1, 'USD'])] }, 'USD', 1000);
    assert.equal(codeOf(over.subtotal), 'BAD_USER_INPUT');
    assert.equal(messageOf(over.subtotal), 'The cart total would exceed the maximum of $10.00; lower a quantity or remove a line');
  });

  it('refuses a cart with a line whose live price is unavailable', () => {
    assert.throws(
      () => priceCart({ id: 'c1', items: [line('a', 1, [100, 'USD']), line('b', 1, null)] }, 'USD', MAX),
      (e: AppError) => e.extensions.code === 'SERVICE_UNAVAILABLE',
    );
  });
});
