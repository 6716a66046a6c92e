import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOptions } from '../src/options.js';

describe('bench options', () => {
  it('subscriptions-steady changes rate × (warm-up + duration) orders and needs more watchers than that', () => {
    const options = parseOptions(['--scenarios', 'subscriptions-steady', '--watchers', '200', '--change-rate', '10', '--duration', '10']);
    assert.equal(options.changeRate, 10);
    assert.equal(options.watchers, 200);
    assert.throws(
      () => parseOptions(['--scenarios', 'subscriptions-steady', '--watchers', '100', '--change-rate', '10', '--duration', '10']),
      /needs --watchers > 120/,
    );
    // Without a warm-up only the measured orders count.
    assert.doesNotThrow(() =>
      parseOptions([
        '--scenarios',
        'subscriptions-steady',
        '--watchers',
        '101',
        '--change-rate',
        '10',
        '--duration',
        '10',
        '--warmup',
        '0',
      ]),
    );
    // The burst does not change orders by rate: any number of watchers will do.
    assert.doesNotThrow(() => parseOptions(['--scenarios', 'subscriptions', '--watchers', '5', '--change-rate', '10']));
  });

  it('refuses a rate that is not a positive number', () => {
    assert.throws(() => parseOptions(['--change-rate', '0']), /--change-rate must be a number >= 0.1/);
    assert.throws(() => parseOptions(['--change-rate', 'fast']), /--change-rate must be a number/);
  });
});
