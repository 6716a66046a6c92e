import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lowStockChange, recordLowStock, type StockLevel } from './low-stock.js';

const THRESHOLD = 5;
const level = (stock: number, changes: Partial<StockLevel> = {}): StockLevel => ({
  id: 'p',
  sellerId: 's',
  name: 'Lamp',
  stock,
  lowStockAlerted: false,
  archivedAt: null,
  ...changes,
});

describe('the low-stock alert', () => {
  it('alerts a seller once its product is at or below the threshold, and only once', () => {
    assert.equal(lowStockChange(level(6), THRESHOLD, false), null);
    assert.equal(lowStockChange(level(5), THRESHOLD, false), 'alert');
    assert.equal(lowStockChange(level(0), THRESHOLD, false), 'alert');
    assert.equal(lowStockChange(level(4), THRESHOLD, true), 'alert', 'an edit to a low stock alerts too');
    assert.equal(lowStockChange(level(5, { lowStockAlerted: true }), THRESHOLD, false), null);
    assert.equal(lowStockChange(level(0, { lowStockAlerted: true }), THRESHOLD, true), null);
  });

  it('arms the next alert only when a restock lifts the stock above the threshold', () => {
    assert.equal(lowStockChange(level(6, { lowStockAlerted: true }), THRESHOLD, true), 'rearm');
    assert.equal(
      lowStockChange(level(6, { lowStockAlerted: true }), THRESHOLD, false),
      null,
      'units back from a cancelled order are no restock',
    );
    assert.equal(lowStockChange(level(5, { lowStockAlerted: true }), THRESHOLD, true), null, 'restocked to the threshold is still low');
    assert.equal(lowStockChange(level(6), THRESHOLD, true), null, 'nothing to arm');
  });

  it('never alerts for the shop’s own products or archived ones', () => {
    assert.equal(lowStockChange(level(0, { sellerId: null }), THRESHOLD, false), null);
    assert.equal(lowStockChange(level(0, { archivedAt: new Date() }), THRESHOLD, false), null);
    assert.equal(lowStockChange(level(9, { sellerId: null, lowStockAlerted: true }), THRESHOLD, true), null);
  });

  it('with a threshold of 0, alerts only when sold out', () => {
    assert.equal(lowStockChange(level(1), 0, false), null);
    assert.equal(lowStockChange(level(0), 0, false), 'alert');
  });

  it('refuses to record an alert for a product without a seller (nobody to tell)', () => {
    // It throws before it touches the EntityManager.
    assert.throws(
      () => recordLowStock({} as never, level(0, { sellerId: null }), { threshold: THRESHOLD, correlationId: 'c' }),
      /has no seller/,
    );
  });
});
